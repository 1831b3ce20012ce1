// Word lists for the synthetic corpus: per language, common words, topic words, places and
// tags, enough to compose plausible news titles and bodies. The corpus also draws invented
// proper names from syllables (see corpus.mjs) so the index vocabulary keeps growing with the
// corpus, like real news does.

/** Appears in about half of the English rows (15% of all rows): the "broad" search term. */
export const BROAD_WORD = "development";
/** Appears in about 1 row in 2,000 (Latin-script languages only): matches grow with the corpus. */
export const MEDIUM_WORD = "tuvalu";
/** Appears in exactly NARROW_ROWS rows whatever the corpus size: a rare word stays rare. */
export const NARROW_WORD = "funafuti";
export const NARROW_ROWS = 12;

const split = (s) => s.trim().split(/\s+/);

export const LANGUAGES = {
  en: {
    space: true,
    common: split(`the of and to in a for on with that is was by from as at has have are will
      its their more than new said after over about this which also year years people
      million against between under during most including while now first last two three`),
    topic: split(`children school education climate health water food refugees women girls rights
      report agency government ministers crisis conflict emergency vaccine hospital teachers
      students funding programme council assembly resolution peace security migrants
      drought floods heat energy emissions forests oceans fisheries farmers hunger poverty
      economy jobs workers wages trade debt finance aid donors humanitarian displacement
      villages cities housing sanitation nutrition malaria cholera measles polio clinics
      elections justice courts journalists media freedom violence protection disability
      youth literacy classrooms scholarships universities research science technology
      internet data digital access electricity solar wind agriculture harvest rainfall`),
    verbs: split(`warns calls urges launches reports finds announces welcomes condemns supports
      expands reaches delivers rebuilds protects trains opens closes marks celebrates`),
    places: split(`Africa Asia Europe Sudan Yemen Haiti Gaza Ukraine Syria Afghanistan Somalia
      Ethiopia Kenya Nigeria Mali Chad Niger Bangladesh Myanmar Pakistan Colombia Peru
      Bolivia Guatemala Honduras Lebanon Jordan Iraq Mozambique Malawi Zambia Madagascar
      Fiji Samoa Tonga Vanuatu Kiribati Nepal Bhutan Mongolia Uzbekistan Geneva Nairobi`),
    tags: split(`Education Health Climate Humanitarian Children Women Rights Migration Economy Peace Culture Science`),
    authors: ["Maria Lopez", "James Okafor", "Anna Schmidt", "Li Wei", "Priya Nair", "Tom Becker"],
  },
  fr: {
    space: true,
    common: split(`le la les des du de et en un une pour sur avec dans par au aux est sont a ont
      plus que qui cette ces leur selon après depuis contre entre pendant ainsi encore déjà`),
    topic: split(`enfants école éducation climat santé eau alimentation réfugiés femmes filles
      droits rapport agence gouvernement crise conflit urgence vaccin hôpital enseignants
      élèves financement programme conseil assemblée résolution paix sécurité migrants
      sécheresse inondations chaleur énergie émissions forêts océans pêche agriculteurs
      faim pauvreté économie emplois travailleurs salaires commerce dette aide donateurs
      déplacés villages villes logement assainissement paludisme choléra rougeole cliniques
      élections justice tribunaux journalistes médias liberté violence protection handicap
      jeunesse alphabétisation universités recherche numérique électricité récolte développement`),
    verbs: split(`alerte appelle exhorte lance publie constate annonce salue condamne soutient
      étend atteint livre reconstruit protège forme ouvre ferme célèbre`),
    places: split(`Afrique Asie Europe Soudan Yémen Haïti Gaza Ukraine Syrie Afghanistan Somalie
      Éthiopie Kenya Nigéria Mali Tchad Niger Sénégal Cameroun Burkina Madagascar Liban
      Genève Bamako Dakar Kinshasa Abidjan Haïti Comores Djibouti Tunisie Maroc`),
    tags: split(`Éducation Santé Climat Humanitaire Enfance Femmes Droits Migrations Économie Paix Culture`),
    authors: ["Claire Dubois", "Amadou Diallo", "Sophie Martin", "Karim Benali", "Julie Moreau"],
  },
  es: {
    space: true,
    common: split(`el la los las de del y en un una para con por al es son ha han más que como
      este esta sus según tras desde contra entre durante también ya sobre cuando donde`),
    topic: split(`niños escuela educación clima salud agua alimentación refugiados mujeres niñas
      derechos informe agencia gobierno crisis conflicto emergencia vacuna hospital docentes
      estudiantes financiación programa consejo asamblea resolución paz seguridad migrantes
      sequía inundaciones calor energía emisiones bosques océanos pesca agricultores hambre
      pobreza economía empleo trabajadores salarios comercio deuda ayuda donantes desplazados
      aldeas ciudades vivienda saneamiento malaria cólera sarampión clínicas elecciones
      justicia tribunales periodistas medios libertad violencia protección discapacidad
      juventud alfabetización universidades investigación ciencia digital electricidad cosecha`),
    verbs: split(`advierte pide insta lanza publica constata anuncia celebra condena apoya amplía
      alcanza entrega reconstruye protege capacita abre cierra conmemora`),
    places: split(`África Asia Europa Sudán Yemen Haití Gaza Ucrania Siria Afganistán Somalia
      Colombia Perú Bolivia Guatemala Honduras Venezuela Ecuador Paraguay Nicaragua Cuba
      México Chile Argentina Brasil Uruguay Panamá Ginebra Bogotá Lima Quito`),
    tags: split(`Educación Salud Clima Humanitario Infancia Mujeres Derechos Migración Economía Paz Cultura`),
    authors: ["Lucía Fernández", "Carlos Méndez", "Ana Torres", "Diego Ramírez", "Valentina Ruiz"],
  },
  ru: {
    space: true,
    common: split(`и в на с по для от до из за что как это его их она они был была были будет
      более после также уже около между против во время года лет человек миллионов`),
    topic: split(`дети школа образование климат здоровье вода продовольствие беженцы женщины
      девочки права доклад агентство правительство кризис конфликт чрезвычайная вакцина
      больница учителя студенты финансирование программа совет ассамблея резолюция мир
      безопасность мигранты засуха наводнения жара энергия выбросы леса океаны рыболовство
      фермеры голод бедность экономика работа работники зарплаты торговля долг помощь
      доноры переселенцы деревни города жилье санитария малярия холера корь клиники
      выборы правосудие суды журналисты свобода насилие защита инвалидность молодежь
      грамотность университеты исследования наука цифровой электричество урожай развитие`),
    verbs: split(`предупреждает призывает запускает сообщает отмечает объявляет приветствует
      осуждает поддерживает расширяет достигает доставляет восстанавливает защищает`),
    places: split(`Африка Азия Европа Судан Йемен Гаити Газа Украина Сирия Афганистан Сомали
      Эфиопия Кения Нигерия Мали Чад Таджикистан Киргизия Казахстан Узбекистан Армения
      Грузия Молдова Монголия Женева Найроби Душанбе Бишкек`),
    tags: split(`Образование Здравоохранение Климат Гуманитарная Дети Женщины Права Миграция Экономика Мир`),
    authors: ["Анна Иванова", "Сергей Петров", "Мария Смирнова", "Алексей Козлов", "Ольга Новикова"],
  },
  ar: {
    space: true,
    common: split(`في من على إلى عن مع أن التي الذي هذا هذه كان كانت قد بعد قبل بين خلال
      حول أكثر ما لا وقد كما حيث منذ عام مليون الأمم المتحدة`),
    topic: split(`الأطفال المدرسة التعليم المناخ الصحة المياه الغذاء اللاجئين النساء الفتيات
      الحقوق التقرير الوكالة الحكومة الأزمة النزاع الطوارئ اللقاح المستشفى المعلمين
      الطلاب التمويل البرنامج المجلس الجمعية القرار السلام الأمن المهاجرين الجفاف
      الفيضانات الحرارة الطاقة الانبعاثات الغابات المحيطات الصيد المزارعين الجوع الفقر
      الاقتصاد الوظائف العمال الأجور التجارة الديون المساعدات المانحين النازحين القرى
      المدن السكن الصرف الملاريا الكوليرا الحصبة العيادات الانتخابات العدالة المحاكم
      الصحفيين الحرية العنف الحماية الإعاقة الشباب محو الأمية الجامعات البحث العلوم
      الكهرباء الحصاد التنمية`),
    verbs: split(`يحذر يدعو يطلق ينشر يجد يعلن يرحب يدين يدعم يوسع يصل يقدم يعيد يحمي يدرب يفتح`),
    places: split(`أفريقيا آسيا أوروبا السودان اليمن هايتي غزة أوكرانيا سوريا أفغانستان الصومال
      إثيوبيا كينيا نيجيريا مالي تشاد لبنان الأردن العراق مصر ليبيا تونس المغرب موريتانيا
      جيبوتي جنيف نيروبي عمّان بيروت`),
    tags: split(`التعليم الصحة المناخ الإنسانية الطفولة المرأة حقوق الهجرة الاقتصاد السلام`),
    authors: ["ليلى حسن", "أحمد منصور", "سارة خليل", "يوسف العلي", "مريم سعيد"],
  },
  zh: {
    space: false,
    common: split(`的 在 和 与 对 为 是 有 了 将 已 被 中 其 这 该 等 及 并 也 从 到 向 上 下 年 月 日 多 个 万`),
    topic: split(`儿童 学校 教育 气候 健康 饮用水 粮食 难民 妇女 女童 权利 报告 机构 政府 危机
      冲突 紧急 疫苗 医院 教师 学生 资金 方案 理事会 大会 决议 和平 安全 移民 干旱 洪水
      高温 能源 排放 森林 海洋 渔业 农民 饥饿 贫困 经济 就业 工人 工资 贸易 债务 援助
      捐助方 流离失所 村庄 城市 住房 卫生 营养 疟疾 霍乱 麻疹 诊所 选举 司法 法院 记者
      媒体 自由 暴力 保护 残疾 青年 识字 大学 研究 科学 技术 数字 电力 农业 收成 发展`),
    verbs: split(`警告 呼吁 敦促 启动 发布 发现 宣布 欢迎 谴责 支持 扩大 覆盖 交付 重建 保护 培训 开放 纪念`),
    places: split(`非洲 亚洲 欧洲 苏丹 也门 海地 加沙 乌克兰 叙利亚 阿富汗 索马里 埃塞俄比亚 肯尼亚
      尼日利亚 马里 乍得 孟加拉国 缅甸 巴基斯坦 尼泊尔 老挝 柬埔寨 蒙古 日内瓦 内罗毕 曼谷`),
    tags: split(`教育 卫生 气候 人道主义 儿童 妇女 人权 移民 经济 和平 文化`),
    authors: ["王芳", "李明", "张伟", "陈静", "刘洋"],
  },
  ko: {
    space: true,
    common: split(`그 이 및 등 위해 대한 따라 통해 있는 없는 했다 한다 된다 있다 것 수 더 또한
      이번 올해 지난 현재 약 명 만 억 년 월 일 가운데`),
    topic: split(`어린이 학교 교육 기후 보건 식수 식량 난민 여성 소녀 권리 보고서 기구 정부 위기
      분쟁 긴급 백신 병원 교사 학생 재원 프로그램 이사회 총회 결의 평화 안보 이주민
      가뭄 홍수 폭염 에너지 배출 숲 해양 어업 농민 기아 빈곤 경제 일자리 노동자 임금
      무역 부채 원조 공여국 실향민 마을 도시 주거 위생 영양 말라리아 콜레라 홍역
      진료소 선거 사법 법원 기자 언론 자유 폭력 보호 장애 청년 문해 대학 연구 과학
      기술 디지털 전력 농업 수확 세계시민교육 개발`),
    verbs: split(`경고했다 촉구했다 발표했다 밝혔다 시작했다 환영했다 규탄했다 지원했다 확대했다
      전달했다 재건했다 보호했다 교육했다 개소했다 기념했다`),
    places: split(`아프리카 아시아 유럽 수단 예멘 아이티 가자 우크라이나 시리아 아프가니스탄 소말리아
      에티오피아 케냐 나이지리아 말리 차드 방글라데시 미얀마 파키스탄 네팔 라오스
      캄보디아 몽골 제네바 나이로비 방콕 서울`),
    tags: split(`교육 보건 기후 인도주의 아동 여성 인권 이주 경제 평화 문화`),
    authors: ["김민지", "이서준", "박지현", "최현우", "정수빈"],
  },
};

/** Syllables for invented proper names, per script (names make the long vocabulary tail). */
export const SYLLABLES = {
  latin: split(`ka lo mi ra te su na vo de ri ba ne to li mu sa ko re di ga ze po ta ni vu be`),
  cyrillic: split(`ка ло ми ра те су на во де ри ба не то ли му са ко ре ди га зе по та ни`),
  arabic: split(`كا لو مي را تي سو نا فو دي ري با ني تو لي مو سا كو ري دي جا زي بو تا`),
  han: split(`安 巴 达 加 卡 拉 马 纳 帕 萨 塔 瓦 德 尔 斯 图 里 诺 莫 索 科 亚 伊 乌 埃`),
  hangul: split(`가 나 다 라 마 바 사 아 자 차 카 타 파 하 로 미 소 리 노 두 루 무 부 수 우`),
};

export const SCRIPT_OF = { en: "latin", fr: "latin", es: "latin", ru: "cyrillic", ar: "arabic", zh: "han", ko: "hangul" };

/** Ten sources (a few publishers carry more than one language), with their language. */
export const SOURCES = [
  { id: "un-news-en", name: "UN News (bench, English)", language: "en" },
  { id: "unicef-en", name: "UNICEF Stories (bench)", language: "en" },
  { id: "wfp-en", name: "WFP News (bench)", language: "en" },
  { id: "un-news-fr", name: "ONU Info (bench, français)", language: "fr" },
  { id: "unesco-es", name: "UNESCO Noticias (bench)", language: "es" },
  { id: "oms-es", name: "OMS Noticias (bench)", language: "es" },
  { id: "un-news-ru", name: "Новости ООН (bench)", language: "ru" },
  { id: "undp-ar", name: "أخبار الأمم المتحدة (bench)", language: "ar" },
  { id: "un-news-zh", name: "联合国新闻（bench）", language: "zh" },
  { id: "gced-ko", name: "세계시민교육 뉴스 (bench)", language: "ko" },
];

/** Share of rows per source (sums to 1): English carries the most volume, like real feeds. */
export const SOURCE_WEIGHTS = [0.16, 0.08, 0.06, 0.14, 0.08, 0.06, 0.12, 0.10, 0.10, 0.10];
