import { describe, expect, it } from "vitest";
import { htmlToText, sanitizeHtml } from "../../../src/ingest/sanitize";
import { markers, wrapVector, XSS_VECTORS } from "../../fixtures/html/xss-vectors";
import { policyViolations } from "../../support/html-invariants";

const base = "https://news.example.org/en/story/1";

describe("sanitizeHtml against hostile bodies, judged by a WHATWG parser", () => {
  it.each(XSS_VECTORS.map((v, i) => [v.name, i] as const))("%s", (_name, i) => {
    const vector = XSS_VECTORS[i]!;
    const { html, text } = sanitizeHtml(wrapVector(i, vector.html), base);
    expect(policyViolations(html)).toEqual([]);
    expect(html).not.toMatch(/attacker\.example|javascript:|<script|<style|<svg|<math|<meta|<iframe/i);
    expect(text).toContain(markers(i).before);
    if (!vector.swallowsRest) expect(text).toContain(markers(i).after);
    expect(sanitizeHtml(html, base).html).toBe(html);
  });

  it("drops raw-text elements at the top level instead of writing their text out as markup", () => {
    expect(sanitizeHtml("<xmp><img src=x onerror=alert(1)></xmp>", base).html).toBe("");
    expect(sanitizeHtml(`<noframes><meta http-equiv="refresh" content="0;url=https://attacker.example/"></noframes>ok`, base).html).toBe("ok");
    expect(sanitizeHtml("<p>a</p><plaintext><b>b</b>", base).html).toBe("<p>a</p>");
  });

  it("escapes markup characters in text wherever the text came from", () => {
    const { html, text } = sanitizeHtml("<listing>&lt;img src=x onerror=alert(1)&gt; &amp; more</listing>", base);
    expect(html).toBe("&lt;img src=x onerror=alert(1)&gt; &amp; more");
    expect(text).toBe("<img src=x onerror=alert(1)> & more");
  });

  it("escapes quotes and markup in kept attribute values", () => {
    const { html } = sanitizeHtml(`<a href="https://ok.example/?q=&quot;x&quot;" title='"><img src=x onerror=alert(1)>'>t</a>`, base);
    expect(html).toBe(
      '<a href="https://ok.example/?q=%22x%22" title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" rel="nofollow noopener noreferrer">t</a>',
    );
  });

  it("settles structure that unwrapping would leave unstable", () => {
    const { html } = sanitizeHtml("<p>one<marquee><div>two</div></marquee>three</p>", base);
    expect(policyViolations(html)).toEqual([]);
    expect(sanitizeHtml(html, base).html).toBe(html);
  });

  it("survives very deep nesting", () => {
    const deep = `${"<div><font>".repeat(20_000)}deep${"</font></div>".repeat(20_000)}`;
    const { text } = sanitizeHtml(deep, base);
    expect(text).toBe("deep");
  });

  it("gives plain text for titles, with no markup left", () => {
    expect(htmlToText(`<b>Budget</b> <script>alert(1)</script>talks &amp; <img src=x onerror=alert(1)>votes`)).toBe("Budget talks & votes");
  });
});
