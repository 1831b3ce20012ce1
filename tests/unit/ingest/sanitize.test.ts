import { describe, expect, it } from "vitest";
import { safeUrl, sanitizeHtml } from "../../../src/ingest/sanitize";

const base = "https://news.example.org/en/story/1";

describe("sanitizeHtml", () => {
  it("removes scripts, styles, frames, forms and their content", () => {
    const { html, text } = sanitizeHtml(
      `<p>Keep</p><script>alert(1)</script><style>p{}</style><iframe src="https://evil.example"></iframe><form action="/x"><input name=a></form><object data="x"></object>`,
      base,
    );
    expect(html).toBe("<p>Keep</p>");
    expect(text).toBe("Keep");
  });

  it("drops event handlers and javascript:, data: and vbscript: URLs", () => {
    const { html } = sanitizeHtml(
      `<a href="javascript:alert(1)" onclick="x()">a</a><a href=" JaVa&#x09;script:alert(1)">b</a><img src="data:image/png;base64,AAA" onerror="x()"><a href="vbscript:x">c</a><p style="color:red" onmouseover="y()">d</p>`,
      base,
    );
    expect(html).not.toMatch(/javascript|vbscript|data:|onclick|onerror|onmouseover|style=/i);
    expect(html).toContain("<p>d</p>");
    expect(html).not.toContain("<img");
  });

  it("resolves relative links and images against the item's URL", () => {
    const { html } = sanitizeHtml(`<a href="/en/topics/education">t</a> <img src="../media/a.jpg" alt="A">`, base);
    expect(html).toContain('href="https://news.example.org/en/topics/education"');
    expect(html).toContain('src="https://news.example.org/en/media/a.jpg"');
    expect(html).toContain('rel="nofollow noopener noreferrer"');
  });

  it("closes what the publisher left open and unwraps unknown elements", () => {
    const { html } = sanitizeHtml(`<div><p>One<custom-tag>Two</custom-tag><font color=red>Three`, base);
    expect(html).toBe("<div><p>OneTwoThree</p></div>");
  });

  it("keeps right-to-left and CJK text intact, with blocks on their own lines in the text", () => {
    const { html, text } = sanitizeHtml(`<p dir="rtl">التعليم للجميع</p><p>推进教育公平</p><p>교육을 위한</p>`, base);
    expect(html).toBe('<p dir="rtl">التعليم للجميع</p><p>推进教育公平</p><p>교육을 위한</p>');
    expect(text).toBe("التعليم للجميع\n推进教育公平\n교육을 위한");
  });
});

describe("safeUrl", () => {
  it("accepts only http(s), and mailto where asked", () => {
    expect(safeUrl("https://a.example/x", null)).toBe("https://a.example/x");
    expect(safeUrl("mailto:a@b.example", null)).toBeNull();
    expect(safeUrl("mailto:a@b.example", null, true)).toBe("mailto:a@b.example");
    expect(safeUrl("//cdn.example/x.jpg", base)).toBe("https://cdn.example/x.jpg");
    expect(safeUrl("java\nscript:alert(1)", base)).toBeNull();
  });
});
