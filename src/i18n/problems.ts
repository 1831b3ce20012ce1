import type { Locale } from "./locales";

/** Localized titles of the problem types the API returns; `detail` stays in English. */
const TITLES: Record<string, Record<Locale, string>> = {
  invalid_parameter: {
    en: "Invalid request parameters",
    fr: "Paramètres de requête non valides",
    es: "Parámetros de solicitud no válidos",
    ru: "Недопустимые параметры запроса",
    ar: "معاملات الطلب غير صالحة",
    zh: "请求参数无效",
    ko: "잘못된 요청 매개변수",
  },
  not_found: {
    en: "Not found",
    fr: "Introuvable",
    es: "No encontrado",
    ru: "Не найдено",
    ar: "غير موجود",
    zh: "未找到",
    ko: "찾을 수 없음",
  },
  unauthorized: {
    en: "Authentication required",
    fr: "Authentification requise",
    es: "Se requiere autenticación",
    ru: "Требуется аутентификация",
    ar: "المصادقة مطلوبة",
    zh: "需要身份验证",
    ko: "인증이 필요합니다",
  },
  forbidden: {
    en: "Forbidden",
    fr: "Accès refusé",
    es: "Acceso denegado",
    ru: "Доступ запрещён",
    ar: "الوصول مرفوض",
    zh: "禁止访问",
    ko: "접근이 거부되었습니다",
  },
  conflict: {
    en: "Conflict",
    fr: "Conflit",
    es: "Conflicto",
    ru: "Конфликт",
    ar: "تعارض",
    zh: "冲突",
    ko: "충돌",
  },
  method_not_allowed: {
    en: "Method not allowed",
    fr: "Méthode non autorisée",
    es: "Método no permitido",
    ru: "Метод не разрешён",
    ar: "الطريقة غير مسموح بها",
    zh: "不允许的方法",
    ko: "허용되지 않는 메서드",
  },
  body_too_large: {
    en: "Request body too large",
    fr: "Corps de requête trop volumineux",
    es: "Cuerpo de la solicitud demasiado grande",
    ru: "Слишком большое тело запроса",
    ar: "نص الطلب كبير جدًا",
    zh: "请求体过大",
    ko: "요청 본문이 너무 큽니다",
  },
  unsupported_media_type: {
    en: "Unsupported media type",
    fr: "Type de média non pris en charge",
    es: "Tipo de medio no admitido",
    ru: "Неподдерживаемый тип данных",
    ar: "نوع الوسائط غير مدعوم",
    zh: "不支持的媒体类型",
    ko: "지원되지 않는 미디어 유형",
  },
  rate_limited: {
    en: "Too many requests",
    fr: "Trop de requêtes",
    es: "Demasiadas solicitudes",
    ru: "Слишком много запросов",
    ar: "طلبات كثيرة جدًا",
    zh: "请求过多",
    ko: "요청이 너무 많습니다",
  },
  internal_error: {
    en: "Internal error",
    fr: "Erreur interne",
    es: "Error interno",
    ru: "Внутренняя ошибка",
    ar: "خطأ داخلي",
    zh: "内部错误",
    ko: "내부 오류",
  },
};

export function problemTitle(code: string, locale: Locale | undefined, fallback: string): string {
  return TITLES[code]?.[locale ?? "en"] ?? fallback;
}
