/**
 * What stored article HTML may contain. Every element here is parsed by a browser in its
 * ordinary text mode (no raw text, RCDATA, foreign content or template contents), so output
 * built from these names alone, with all text escaped, tokenizes in a browser exactly as we
 * wrote it: nothing the upstream wrote can switch the browser into another reading.
 */

/** Elements kept, with the attributes each may carry (besides GLOBAL_ATTRIBUTES). */
export const ALLOWED_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  a: ["href", "title", "hreflang"],
  abbr: ["title"],
  b: [], blockquote: ["cite"], br: [], caption: [], cite: [], code: [], dd: [], del: [], div: [],
  dl: [], dt: [], em: [], figcaption: [], figure: [], h1: [], h2: [], h3: [], h4: [], h5: [], h6: [],
  hr: [], i: [], img: ["src", "alt", "title", "width", "height"], ins: [], li: [], mark: [],
  ol: ["start", "reversed"], p: [], pre: [], q: ["cite"], s: [], small: [], span: [], strong: [],
  sub: [], sup: [], table: [], tbody: [], td: ["colspan", "rowspan"], tfoot: [],
  th: ["colspan", "rowspan", "scope"], thead: [], time: ["datetime"], tr: [], u: [], ul: [],
};
export const GLOBAL_ATTRIBUTES: readonly string[] = ["lang", "dir"];
/** Set on every kept link with an href; not taken from the upstream. */
export const LINK_REL = "nofollow noopener noreferrer";
export const URL_ATTRIBUTES: ReadonlySet<string> = new Set(["href", "src", "cite"]);
export const VOID_ELEMENTS: ReadonlySet<string> = new Set(["br", "hr", "img"]);

/**
 * Elements removed together with everything inside them: what browsers read as raw text or
 * RCDATA (script, style, xmp, iframe, noembed, noframes, noscript, plaintext, textarea, title),
 * foreign content (svg, math), template contents, embedded and interactive content, and
 * document metadata. Their text was never meant to be read as the article.
 */
export const DROPPED_ELEMENTS: ReadonlySet<string> = new Set([
  "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext", "textarea", "title",
  "svg", "math", "template", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
  "select", "option", "optgroup", "datalist", "canvas", "audio", "video", "source", "track", "picture",
  "link", "meta", "base", "head", "param", "portal", "dialog", "slot", "selectedcontent",
]);

/** Elements that start a new line in the plain-text rendering. */
export const BLOCK_ELEMENTS: ReadonlySet<string> = new Set([
  "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "figure",
  "figcaption", "table", "tr", "td", "th", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
]);
