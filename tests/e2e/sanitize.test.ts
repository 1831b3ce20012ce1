import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ALLOWED_ELEMENTS, GLOBAL_ATTRIBUTES } from "../../src/ingest/html-policy";
import { sanitizeHtml } from "../../src/ingest/sanitize";
import { markers, wrapVector, XSS_VECTORS } from "../fixtures/html/xss-vectors";
import { policyViolations } from "../support/html-invariants";
import { launchBrowser } from "./browser";

const baseUrl = inject("baseUrl");
/** The origin the vector pages pretend to come from; every request to it is answered by the test itself. */
const ORIGIN = "http://127.0.0.1:18999";
const ALLOWED = Object.fromEntries(Object.entries(ALLOWED_ELEMENTS).map(([name, attrs]) => [name, [...attrs, ...GLOBAL_ATTRIBUTES, ...(name === "a" ? ["rel"] : [])]]));
let browser: Browser;

/** What a page did that it should not have: dialogs, navigations, popups, requests other than its own images. */
interface Observed {
  dialogs: string[];
  requests: string[];
  navigations: string[];
}

/** Everything the rendered body holds, read by the browser's own DOM: elements outside the allow-list, handlers, URLs. */
function domViolations(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(
    ({ selector, allowed }) => {
      const root = document.querySelector(selector);
      if (!root) return [`${selector} missing`];
      const out: string[] = [];
      for (const el of root.querySelectorAll("*")) {
        const name = el.localName;
        if (el.namespaceURI !== "http://www.w3.org/1999/xhtml") out.push(`<${name}> in ${el.namespaceURI}`);
        const attrs = allowed[name];
        if (!attrs) out.push(`<${name}>`);
        for (const attr of el.attributes) {
          if (!attrs?.includes(attr.name)) out.push(`${attr.name} on <${name}>`);
          if (["href", "src", "cite"].includes(attr.name) && !/^(https?|mailto):$/.test(new URL(attr.value, "http://x.invalid/").protocol)) {
            out.push(`${attr.name}=${attr.value}`);
          }
        }
      }
      return out;
    },
    { selector, allowed: ALLOWED },
  );
}

interface VectorPage {
  page: Page;
  observed: Observed;
  /** Renders `html` as the whole body of a page at `url`, with scripts on and no CSP. */
  render: (url: string, html: string) => Promise<void>;
  close: () => Promise<void>;
}

/**
 * A browser context in which every request is answered by the test: the vector pages
 * themselves, and "not found" for images on their own origin (what the sanitizer keeps of a
 * relative `src`), so an onerror handler, had one survived, would fire. Any other request is
 * recorded and refused, so nothing leaves the machine.
 */
async function vectorPage(): Promise<VectorPage> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const documents = new Map<string, string>();
  const observed: Observed = { dialogs: [], requests: [], navigations: [] };
  await context.route("**/*", (route) => {
    const request = route.request();
    const document = documents.get(request.url());
    if (document !== undefined) return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: document });
    if (request.resourceType() === "image" && request.url().startsWith(`${ORIGIN}/`)) return route.fulfill({ status: 404, body: "" });
    observed.requests.push(`${request.resourceType()} ${request.url()}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    observed.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  page.on("popup", (popup) => observed.navigations.push(`popup ${popup.url()}`));
  page.on("framenavigated", (frame) => {
    if (!documents.has(frame.url()) && frame.url() !== "about:blank") observed.navigations.push(frame.url());
  });
  const render = async (url: string, html: string) => {
    documents.set(url, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vector</title></head><body><div id="vector">${html}</div></body></html>`);
    await page.goto(url, { waitUntil: "load" }).catch((error: Error) => observed.navigations.push(`load of ${url} interrupted: ${error.message.split("\n")[0]}`));
    // Handlers queued by the load (meta refresh, autofocus, toggles) get one more turn of the
    // event loop; a navigation they start shows up as a destroyed context, recorded above.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))).catch(() => {});
  };
  return { page, observed, render, close: () => context.close() };
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("sanitized hostile bodies in a real browser, scripts on, no CSP", () => {
  it("the harness notices an unsanitized handler (control)", async () => {
    const { page, observed, render, close } = await vectorPage();
    try {
      await render(`${ORIGIN}/vector/control`, "<img src=x onerror=alert(1)>");
      expect(observed.dialogs).toEqual(["alert: 1"]);
      expect(await domViolations(page, "#vector")).toEqual(["onerror on <img>"]);
    } finally {
      await close();
    }
  });

  it("no vector opens a dialog, navigates, or sends a request, and the text around each survives", async () => {
    const { page, observed, render, close } = await vectorPage();
    const failures: string[] = [];
    try {
      for (const [i, vector] of XSS_VECTORS.entries()) {
        const url = `${ORIGIN}/vector/${i}`;
        const { html } = sanitizeHtml(wrapVector(i, vector.html), url);
        await render(url, html);
        const problems = [...observed.dialogs, ...observed.requests, ...observed.navigations];
        problems.push(...(await domViolations(page, "#vector").catch((error: Error) => [`page unreadable: ${error.message.split("\n")[0]}`])));
        const text = await page.locator("#vector").innerText({ timeout: 5000 }).catch(() => "");
        if (!text.includes(markers(i).before)) problems.push("text before it lost");
        if (!vector.swallowsRest && !text.includes(markers(i).after)) problems.push("text after it lost");
        if (problems.length) failures.push(`${vector.name}: ${problems.join("; ")}`);
        observed.dialogs.length = observed.requests.length = observed.navigations.length = 0;
      }
    } finally {
      await close();
    }
    expect(failures).toEqual([]);
  });
});


/** Every vector as one RSS feed, each body escaped into a description (loopback clients are not rate limited, so all of them go through the running stack). */
function hostileFeed(origin: string): string {
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\u0000/g, "");
  const items: string[] = [];
  for (const [i, v] of XSS_VECTORS.entries()) {
    items.push(`<item><title>Hostile ${i}: ${escape(v.name)}</title><link>${origin}/story/${i}</link><guid>hostile-${i}</guid>
      <description>${escape(wrapVector(i, v.html))}</description><pubDate>Mon, 05 Jan 2026 08:${String(i % 60).padStart(2, "0")}:00 GMT</pubDate></item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hostile</title><link>https://hostile.example/</link>${items.join("")}</channel></rss>`;
}

describe("hostile items through the running stack", () => {
  const SOURCE = "e2e-hostile";
  let upstream: Server;
  let token: string;
  const admin = (method: string, pathname: string, body?: unknown) =>
    fetch(`${baseUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    const vars = await readFile(path.join(import.meta.dirname, "..", "..", ".dev.vars"), "utf8");
    token = vars.match(/^ADMIN_TOKEN=(.*)$/m)?.[1]?.trim() ?? "dev-token";
    let feed = "";
    upstream = createServer((_req, res) => res.writeHead(200, { "content-type": "application/rss+xml" }).end(feed));
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const address = upstream.address();
    const port = typeof address === "object" && address ? address.port : 0;
    // Item links point back at this loopback server, so the bodies' relative images do too.
    feed = hostileFeed(`http://127.0.0.1:${port}`);
    const created = await admin("POST", "/api/v1/sources", { id: SOURCE, name: "Hostile (test)", url: `http://127.0.0.1:${port}/feed.xml`, language: "en" });
    expect(created.status).toBe(201);
    const refreshed = await admin("POST", `/api/v1/admin/refresh?source=${SOURCE}`);
    expect(refreshed.status).toBe(200);
  });

  afterAll(async () => {
    // The other browser tests count the demo content: leave none of this behind.
    await admin("DELETE", `/api/v1/sources/${SOURCE}?purge=true`);
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it("stores every hostile item with a body that a WHATWG parser reads as allow-listed markup only", async () => {
    const res = await fetch(`${baseUrl}/api/v1/articles?source=${SOURCE}&per_page=100`);
    const { data } = (await res.json()) as { data: { id: string; content_html: string }[] };
    expect(data).toHaveLength(XSS_VECTORS.length);
    for (const a of data) {
      const detail = (await (await fetch(`${baseUrl}/api/v1/articles/${a.id}`)).json()) as { data: { content_html: string } };
      expect(policyViolations(detail.data.content_html), a.id).toEqual([]);
    }
  });

  it("renders their reader pages with nothing run, loaded or opened", async () => {
    const res = await fetch(`${baseUrl}/api/v1/articles?source=${SOURCE}&per_page=100`);
    const { data } = (await res.json()) as { data: { id: string; slug: string; title: string }[] };
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    const seen: string[] = [];
    page.on("dialog", (dialog) => {
      seen.push(`dialog ${dialog.message()}`);
      void dialog.dismiss().catch(() => {});
    });
    page.on("popup", (popup) => seen.push(`popup ${popup.url()}`));
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(baseUrl)) return route.continue();
      // The images the sanitizer kept (the vectors' relative `src`) point at the loopback feed
      // server; answer them "not found", so a surviving onerror would fire. Nothing else may load.
      if (route.request().resourceType() === "image" && new URL(url).hostname === "127.0.0.1") return route.fulfill({ status: 404, body: "" });
      seen.push(`${route.request().resourceType()} ${url}`);
      return route.abort();
    });
    try {
      for (const a of data) {
        const path = `/en/news/${a.id}/${encodeURIComponent(a.slug)}`;
        const response = await page.goto(path, { waitUntil: "load" });
        expect(response?.status(), a.title).toBe(200);
        expect(page.url(), a.title).toBe(`${baseUrl}${path}`);
        expect(await domViolations(page, ".content"), a.title).toEqual([]);
        const i = Number(/^Hostile (\d+):/.exec(a.title)?.[1]);
        await expect(page.locator(".content").innerText()).resolves.toContain(markers(i).before);
      }
    } finally {
      await context.close();
    }
    expect(seen).toEqual([]);
  });
});
