import { describe, expect, it } from "vitest";
import { detectFormat } from "../../../src/ingest/detect";

describe("detectFormat", () => {
  it.each([
    ['<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "rss"],
    ['<rss version="0.91"><channel></channel></rss>', "rss"],
    ["<channel><title>rootless 0.9x</title></channel>", "rss"],
    ['<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel/></rdf:RDF>', "rdf"],
    ['<feed xmlns="http://www.w3.org/2005/Atom"></feed>', "atom"],
    ['<a:feed xmlns:a="http://www.w3.org/2005/Atom"></a:feed>', "atom"],
    ['{"version": "https://jsonfeed.org/version/1.1", "items": []}', "json"],
  ] as const)("reads the root of %s", (text, format) => {
    expect(detectFormat(text)).toBe(format);
  });

  it("looks past a BOM, whitespace, comments, processing instructions and a doctype", () => {
    const text =
      '\ufeff \n<?xml version="1.0"?>\n<!-- generated -->\n<?xml-stylesheet href="x.xsl"?>\n' +
      '<!DOCTYPE feed [ <!ENTITY e "<rss>"> ]>\n<feed xmlns="http://www.w3.org/2005/Atom"/>';
    expect(detectFormat(text)).toBe("atom");
  });

  it("looks past a PHP warning printed before the feed", () => {
    expect(detectFormat("<br />\n<b>Warning</b>: headers already sent<br />\n<?xml version='1.0'?><rss/>")).toBe("rss");
  });

  it("ignores what the URL or content type might claim: an HTML page is not a feed", () => {
    expect(detectFormat("<!DOCTYPE html><html><head><title>rss</title></head></html>")).toBeNull();
  });

  it("rejects JSON that is not a JSON Feed, and plain text", () => {
    expect(detectFormat('{"items": [], "version": "2"}')).toBeNull();
    expect(detectFormat("just some text")).toBeNull();
    expect(detectFormat("")).toBeNull();
  });
});
