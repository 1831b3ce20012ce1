import type { IncomingMessage, ServerResponse } from "node:http";

type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface HubRequest {
  [field: string]: string;
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/**
 * A WebSub publisher and hub on the loopback upstream. `/websub/feed?name=x` is a feed that
 * declares `/websub/hub` as its hub (in Atom, or RSS with `format=rss`, or only in a `Link`
 * header with `via=header`; `hub=down` names a hub that answers 503, `hub=metadata` one on a
 * forbidden address). The hub records every subscription request it accepts; tests read them
 * at `/websub/hub-requests?topic=...` and play the hub's verification and delivery themselves,
 * since the Worker under test is reached only from the test.
 */
export function websubRoutes(): Record<string, Route> {
  const received: HubRequest[] = [];
  return {
    "/websub/feed": (req, res) => {
      const origin = `http://${req.headers.host}`;
      const url = new URL(req.url ?? "/", origin);
      const name = url.searchParams.get("name") ?? "x";
      const hubParam = url.searchParams.get("hub");
      const hub = hubParam === "down" ? `${origin}/websub/hub-down` : hubParam === "metadata" ? "http://169.254.169.254/hub" : `${origin}/websub/hub`;
      const self = url.href;
      const headers: Record<string, string> = {};
      let links = "";
      if (url.searchParams.get("via") === "header") headers.link = `<${hub}>; rel="hub", <${self}>; rel="self"`;
      else links = url.searchParams.get("format") === "rss"
        ? `<atom:link rel="hub" href="${escape(hub)}"/><atom:link rel="self" href="${escape(self)}"/>`
        : `<link rel="hub" href="${escape(hub)}"/><link rel="self" href="${escape(self)}"/>`;
      if (url.searchParams.get("format") === "rss") {
        res.writeHead(200, { "content-type": "application/rss+xml", ...headers }).end(
          `<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Pushed ${name}</title><link>https://push.example.org/${name}/</link>${links}` +
            `<item><title>First story of ${name}</title><link>https://push.example.org/${name}/1</link><guid>${name}-1</guid><pubDate>Mon, 07 Dec 2026 08:00:00 GMT</pubDate><description>Polled.</description></item></channel></rss>`,
        );
        return;
      }
      res.writeHead(200, { "content-type": "application/atom+xml", ...headers }).end(
        `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Pushed ${name}</title><id>urn:push:${name}</id><updated>2026-12-07T08:00:00Z</updated>${links}` +
          `<entry><title>First story of ${name}</title><id>urn:push:${name}:1</id><link href="https://push.example.org/${name}/1"/><updated>2026-12-07T08:00:00Z</updated><summary>Polled.</summary></entry></feed>`,
      );
    },
    "/websub/hub": (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
        received.push({ ...Object.fromEntries(form), "content-type": req.headers["content-type"] ?? "", method: req.method ?? "" });
        res.writeHead(202).end();
      });
    },
    "/websub/hub-down": (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" }).end("hub unavailable");
    },
    "/websub/hub-requests": (req, res) => {
      const topic = new URL(req.url ?? "/", "http://upstream").searchParams.get("topic");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received.filter((r) => r["hub.topic"] === topic)));
    },
  };
}
