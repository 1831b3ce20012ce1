import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "../../../src/ingest/sanitize";
import { policyViolations } from "../../support/html-invariants";

const base = "https://news.example.org/en/story/1";

/** Tag names: kept, unwrapped, dropped, raw-text, foreign and made-up ones, in odd cases. */
const TAGS = [
  "p", "a", "img", "b", "div", "table", "tr", "td", "li", "ul", "pre", "br", "span", "h2", "blockquote",
  "font", "section", "marquee", "custom-el", "image", "listing", "body", "html", "head", "caption",
  "script", "style", "xmp", "noembed", "noframes", "noscript", "plaintext", "textarea", "title", "iframe",
  "svg", "math", "mtext", "mglyph", "foreignObject", "desc", "template", "select", "option", "form",
  "button", "object", "embed", "meta", "base", "link", "SCRIPT", "sVg", "Xmp",
];
const ATTRIBUTES = [
  "href=javascript:alert(1)", `href="jav&#x09;ascript:alert(1)"`, "href=/ok", `href="https://ok.example/a?b=1&c=2"`,
  "src=x", "src=//cdn.example/i.png", `src="data:image/png;base64,AA"`, "onerror=alert(1)", "onload=alert(1)",
  `onclick="alert(1)"`, "style=color:red", `title="a"b"`, `title='</style><img src=x onerror=alert(1)>'`,
  "xlink:href=javascript:alert(1)", `srcset="x 1x"`, "formaction=javascript:alert(1)", "dir=rtl", "lang=fr",
  "alt=`x`", "cite=javascript:alert(1)", "colspan=2", "/", "\u0000",
];
const TEXT = ["text", " ", "<", ">", "&", "&amp;", "&lt;img src=x onerror=alert(1)&gt;", '"', "'", "\u0000", "--", "]]>", "\n", "é 文 ع"];

const piece = fc.oneof(
  fc.tuple(fc.constantFrom(...TAGS), fc.array(fc.constantFrom(...ATTRIBUTES), { maxLength: 3 }), fc.boolean()).map(
    ([tag, attrs, selfClosing]) => `<${tag}${attrs.map((a) => ` ${a}`).join("")}${selfClosing ? "/" : ""}>`,
  ),
  fc.constantFrom(...TAGS).map((tag) => `</${tag}>`),
  fc.constantFrom("<!--", "-->", "--!>", "<!-->", "<![CDATA[", "<?", "<!DOCTYPE html>", "<", "</", "<a", '"', "'"),
  fc.constantFrom(...TEXT),
  // Arbitrary characters, as text and as the value of an attribute the policy keeps.
  fc.string({ maxLength: 12, unit: "binary" }),
  fc.tuple(fc.constantFrom("a title", "a href", "img src", "img alt", "p dir", "td colspan", "q cite"), fc.string({ maxLength: 12, unit: "binary" })).map(
    ([pair, value]) => {
      const [tag, attr] = pair.split(" ");
      return `<${tag} ${attr}="${value.replace(/"/g, "&quot;")}">`;
    },
  ),
);

describe("sanitizeHtml on random tag soup", () => {
  it("always gives HTML that a browser reads as allow-listed elements and attributes only, and that sanitizes to itself", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const { html } = sanitizeHtml(pieces.join(""), base);
        expect(policyViolations(html)).toEqual([]);
        expect(sanitizeHtml(html, base).html).toBe(html);
      }),
      { numRuns: 3000 },
    );
  });
});
