import { describe, expect, it } from "vitest";
import { analyzeForIndex, analyzeQueryTerm, segment, stripArabicArticle } from "../../../src/search/analyze";

const tokens = (text: string) => analyzeQueryTerm(text).map((t) => (t.prefix ? `${t.text}*` : t.text));

describe("analyzeForIndex: Latin and other alphabets", () => {
  it.each([
    ["L'Éducation NATIONALE", "l education nationale"],
    ["e\u0301cole ÉCOLE école", "ecole ecole ecole"],
    ["Straße Ørsted œuvre Łódź Đorđe", "strasse orsted oeuvre lodz dorde"],
    ["İstanbul ıspanak", "istanbul ispanak"],
    ["ΟΔΥΣΣΕΎΣ Αθήνα", "οδυσσευσ αθηνα"],
    ["ＦＵＬＬ　ｗｉｄｔｈ ﬁne", "full width fine"],
    ["edu\u00adcation", "education"],
    ["c++ co-op e-mail", "c co op e mail"],
    ["G20 3.5% 1,000", "g20 3 5 1 000"],
  ])("%s", (input, expected) => {
    expect(analyzeForIndex(input)).toBe(expected);
  });

  it("folds ё to е but keeps й, ў, ї as letters", () => {
    expect(analyzeForIndex("Ёлка, ЁЖИК и мой край")).toBe("елка ежик и мой край");
    expect(analyzeForIndex("ў ї")).toBe("ў ї");
  });

  it("drops stress marks in Cyrillic", () => {
    expect(analyzeForIndex("за́мок замо́к")).toBe("замок замок");
  });

  it("drops Hebrew vowel points", () => {
    expect(analyzeForIndex("שָׁלוֹם")).toBe(analyzeForIndex("שלום"));
  });
});

describe("analyzeForIndex: Arabic", () => {
  it("removes harakat and tatweel", () => {
    expect(analyzeForIndex("كَتَبَ الوَلَدُ")).toBe("كتب الولد ولد");
    expect(analyzeForIndex("كتـــاب")).toBe("كتاب");
    expect(analyzeForIndex("\u0627\u0644\u0631\u0651\u064e\u062d\u0652\u0645\u064e\u0670\u0646")).toBe("الرحمن رحمن");
  });

  it("folds alef variants, alef maqsura and teh marbuta", () => {
    expect(analyzeForIndex("أحمد إسلام آمن ٱلله")).toBe("احمد اسلام امن الله");
    expect(analyzeForIndex("مستشفى مدرسة")).toBe("مستشفي مدرسه");
    expect(analyzeForIndex("أَطْفَال")).toBe(analyzeForIndex("اطفال"));
  });

  it("stores article forms twice: as written and bare", () => {
    expect(analyzeForIndex("الكتاب")).toBe("الكتاب كتاب");
    expect(analyzeForIndex("والكتاب بالقلم للطلاب")).toBe("والكتاب كتاب بالقلم قلم للطلاب طلاب");
  });

  it("keeps words whose leading letters only look like an article", () => {
    for (const w of ["الله", "والد", "بالغ", "الي"]) expect(stripArabicArticle(w)).toBeUndefined();
    expect(analyzeForIndex("إلى")).toBe("الي");
  });

  it("normalizes presentation forms and Arabic-Indic digits", () => {
    expect(analyzeForIndex("ﻻ")).toBe("لا");
    expect(analyzeForIndex("كوفيد١٩ عام ۲۰۲۴")).toBe("كوفيد 19 عام 2024");
  });

  it("splits Arabic from Latin acronyms", () => {
    expect(analyzeForIndex("منظمة WHO والـUN")).toBe("منظمه who وال un");
  });
});

describe("analyzeForIndex: CJK and Hangul", () => {
  it("emits overlapping bigrams plus the last character of each Han run", () => {
    expect(analyzeForIndex("推进教育公平")).toBe("推进 进教 教育 育公 公平 平");
    expect(analyzeForIndex("好")).toBe("好");
    expect(analyzeForIndex("中国，美国")).toBe("中国 国 美国 国");
  });

  it("keeps kana in the same run and normalizes halfwidth forms", () => {
    expect(analyzeForIndex("教育を")).toBe("教育 育を を");
    expect(analyzeForIndex("アニメーション")).toBe("アニ ニメ メー ーシ ショ ョン ン");
    expect(analyzeForIndex("ｶﾞｷﾞ")).toBe("ガギ ギ");
  });

  it("separates digits and Latin from Han runs", () => {
    expect(analyzeForIndex("2024年第20届COVID-19疫苗")).toBe("2024 年第 第 20 届 covid 19 疫苗 苗");
  });

  it("keeps Hangul words whole", () => {
    expect(analyzeForIndex("정부는 교육을 강화한다")).toBe("정부는 교육을 강화한다");
    expect(analyzeForIndex("K팝의 BTS는")).toBe("k 팝의 bts 는");
  });
});

describe("analyzeForIndex: noise", () => {
  it("drops emoji, symbols and control characters", () => {
    expect(analyzeForIndex("👍🏽 🇫🇷 ★ ← \u0000\u0007 #tag @user")).toBe("tag user");
  });

  it("ignores bidi marks and joiners inside words, but splits on zero-width space", () => {
    expect(analyzeForIndex("\u200fwar\u200e")).toBe("war");
    expect(analyzeForIndex("می\u200cخواهم")).toBe("ميخواهم");
    expect(analyzeForIndex("ab\u200bcd")).toBe("ab cd");
  });

  it("survives lone surrogates and empty input", () => {
    expect(analyzeForIndex("")).toBe("");
    expect(analyzeForIndex("a\ud800b\udc00c")).toBe("a b c");
  });
});

describe("segment", () => {
  it("reports spans in the original text", () => {
    const text = "Ёлка 教育";
    expect(segment(text).map((s) => [s.kind, s.norm, text.slice(s.start, s.end), s.joined])).toEqual([
      ["word", "елка", "Ёлка", false],
      ["cjk", "教", "教", false],
      ["cjk", "育", "育", true],
    ]);
  });
});

describe("analyzeQueryTerm", () => {
  it("maps words to index tokens", () => {
    expect(tokens("Éducation")).toEqual(["education"]);
    expect(tokens("co-op")).toEqual(["co", "op"]);
    expect(analyzeQueryTerm("educ", true)).toEqual([{ text: "educ", prefix: true }]);
  });

  it("turns a Han run into a bigram phrase, a single character into a prefix", () => {
    expect(tokens("教育")).toEqual(["教育"]);
    expect(tokens("教育公平")).toEqual(["教育", "育公", "公平"]);
    expect(tokens("教")).toEqual(["教*"]);
  });

  it("keeps the end of a Han run when more of the term follows it", () => {
    expect(tokens("推进 教育")).toEqual(["推进", "进", "教育"]);
    expect(tokens("疫苗covid")).toEqual(["疫苗", "苗", "covid"]);
    expect(tokens("covid-19疫苗")).toEqual(["covid", "19", "疫苗"]);
  });

  it("makes every Hangul word a prefix", () => {
    expect(tokens("교육")).toEqual(["교육*"]);
    expect(tokens("교육 정책")).toEqual(["교육*", "정책*"]);
  });

  it("keeps the Arabic article pair, except under a prefix", () => {
    expect(tokens("الكتاب")).toEqual(["الكتاب", "كتاب"]);
    expect(tokens("كتاب")).toEqual(["كتاب"]);
    expect(analyzeQueryTerm("الكتاب", true)).toEqual([{ text: "الكتاب", prefix: true }]);
  });

  it("is empty for unsearchable input", () => {
    expect(analyzeQueryTerm("🎉 *** -- ")).toEqual([]);
  });
});
