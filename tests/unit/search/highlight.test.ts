import { describe, expect, it } from "vitest";
import { escapeHtml, highlight } from "../../../src/search/highlight";

describe("highlight: matching", () => {
  it("marks words under case and diacritic folding", () => {
    expect(highlight("L'Éducation nationale et l'EDUCATION", ["education"])).toBe(
      "L&#39;<mark>Éducation</mark> nationale et l&#39;<mark>EDUCATION</mark>",
    );
    expect(highlight("Ёлка в парке", ["елка"])).toBe("<mark>Ёлка</mark> в парке");
  });

  it("matches whole words only, unless the term is a prefix", () => {
    expect(highlight("écoles école", ["ecole"])).toBe("écoles <mark>école</mark>");
    expect(highlight("Education educational", ["educ*"])).toBe("<mark>Education</mark> <mark>educational</mark>");
  });

  it("marks Arabic words with harakat, alef variants and articles", () => {
    expect(highlight("قرأ الوَلَدُ الكتابَ", ["كتاب"])).toBe("قرأ الوَلَدُ <mark>الكتابَ</mark>");
    expect(highlight("أطفال", ["اطفال"])).toBe("<mark>أطفال</mark>");
    expect(highlight("كتاب", ["الكتاب"])).toBe("كتاب");
  });

  it("marks CJK substrings", () => {
    expect(highlight("我们要推进教育公平。", ["教育"])).toBe("我们要推进<mark>教育</mark>公平。");
    expect(highlight("教育を受ける", ["育"])).toBe("教<mark>育</mark>を受ける");
  });

  it("marks only the matching start of a Korean word", () => {
    expect(highlight("정부는 교육을 강화한다", ["교육"])).toBe("정부는 <mark>교육</mark>을 강화한다");
    expect(highlight("초등교육", ["교육"])).toBe("초등교육");
  });

  it("marks phrases as one span and only when adjacent", () => {
    expect(highlight("The civil war, civil rights and war", ["civil war"])).toBe("The <mark>civil war</mark>, civil rights and war");
    expect(highlight("covid-19疫苗", ["COVID 19 疫苗"])).toBe("<mark>covid-19疫苗</mark>");
    expect(highlight("推进教育", ["推进 教育"])).toBe("推进教育");
  });

  it("merges overlapping matches of several terms", () => {
    expect(highlight("civil war", ["civil war", "war", "civil"])).toBe("<mark>civil war</mark>");
    expect(highlight("war and peace", ["peace", "war"])).toBe("<mark>war</mark> and <mark>peace</mark>");
  });

  it("accepts terms with quotes and ignores unsearchable ones", () => {
    expect(highlight("a civil war", ['"civil war"', "", "***", "🎉"])).toBe("a <mark>civil war</mark>");
  });
});

describe("highlight: escaping", () => {
  it("escapes all HTML-special characters, inside and outside marks", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(highlight(`<b>"Tom" & 'Jerry'</b>`, ["tom", "jerry"])).toBe(
      "&lt;b&gt;&quot;<mark>Tom</mark>&quot; &amp; &#39;<mark>Jerry</mark>&#39;&lt;/b&gt;",
    );
    expect(highlight("<script>alert(1)</script>", [])).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("never lets a term inject markup", () => {
    expect(highlight("a <mark> b", ["<mark>"])).toBe("a &lt;<mark>mark</mark>&gt; b");
  });
});

describe("highlight: snippets", () => {
  const long = `${"lorem ipsum ".repeat(20)}the target word sits here ${"dolor sit ".repeat(20)}`;

  it("returns a window around the first match with ellipses at cut ends", () => {
    const out = highlight(long, ["target"], { maxLength: 60 });
    expect(out.startsWith("…")).toBe(true);
    expect(out.endsWith("…")).toBe(true);
    expect(out).toContain("<mark>target</mark>");
    expect(out.replace(/<\/?mark>/g, "").length).toBeLessThanOrEqual(62);
  });

  it("cuts at spaces when one is near", () => {
    const out = highlight(long, ["target"], { maxLength: 60 });
    expect(out).toMatch(/^…[a-z]+ /);
    expect(out).toMatch(/ [a-z]+…$/);
  });

  it("starts at the beginning when there is no match", () => {
    expect(highlight("alpha beta gamma delta epsilon", ["zeta"], { maxLength: 14 })).toBe("alpha beta…");
  });

  it("returns short text whole", () => {
    expect(highlight("short & sweet", ["sweet"], { maxLength: 100 })).toBe("short &amp; <mark>sweet</mark>");
  });

  it("keeps the first match whole even when longer than the window", () => {
    expect(highlight("xx a long phrase here yy", ["a long phrase here"], { maxLength: 5 })).toBe("…<mark>a long phrase here</mark>…");
  });

  it("does not cut a later mark in half", () => {
    const out = highlight("war x peace", ["war", "peace"], { maxLength: 8 });
    expect(out).toBe("<mark>war</mark> x…");
  });

  it("does not split surrogate pairs", () => {
    const text = `${"😀".repeat(20)}target${"😀".repeat(20)}`;
    for (let max = 7; max < 30; max++) {
      const out = highlight(text, ["target"], { maxLength: max });
      expect(out).toContain("<mark>target</mark>");
      expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
  });
});
