import type { IncomingMessage, ServerResponse } from "node:http";
import { createGzip } from "node:zlib";

type Route = (req: IncomingMessage, res: ServerResponse) => void;

const MB = 1024 * 1024;

/** 64 MB of zeros, gzipped once (about 64 KB on the wire): a decompression bomb. */
let bomb: Promise<Buffer> | null = null;
function gzipBomb(): Promise<Buffer> {
  bomb ??= new Promise((resolve, reject) => {
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on("data", (d: Buffer) => parts.push(d));
    gzip.on("end", () => resolve(Buffer.concat(parts)));
    gzip.on("error", reject);
    const zeros = Buffer.alloc(MB);
    for (let i = 0; i < 64; i++) gzip.write(zeros);
    gzip.end();
  });
  return bomb;
}

function rssHead(): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Huge</title><link>https://huge.example.org/</link>`;
}

function billionLaughs(): string {
  const levels = ["<!ENTITY a0 \"lol\">"];
  for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY a${i} "${`&a${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?>
<!DOCTYPE rss [${levels.join("")}]>
<rss version="2.0"><channel><title>Laughs</title><item><title>Boom &a9;</title><guid>laugh-1</guid><link>https://laughs.example.org/1</link><description>&a9;&a9;&a9;</description></item></channel></rss>`;
}

/**
 * Upstream behaviours that real publishers (or attackers) exhibit, plus feeds whose body a
 * test can replace (`PUT /mutable/{name}`) to simulate a publisher editing a story.
 */
export function hostileRoutes(): Record<string, Route> {
  const mutable = new Map<string, { body: string; type: string; version: number }>();
  const bigBodies = new Map<string, { sent: number; closed: boolean }>();
  const dropCounts = new Map<string, number>();
  const routes: Record<string, Route> = {
    "/hostile/500": (_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
    },
    "/hostile/429": (_req, res) => {
      res.writeHead(429, { "content-type": "text/plain", "retry-after": "3600" }).end("slow down");
    },
    // Headers, then a byte now and then, forever (until the client gives up).
    "/hostile/never-ending": (req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write(rssHead());
      const timer = setInterval(() => res.write(" "), 200);
      req.socket.on("close", () => clearInterval(timer));
    },
    // 60 MB of well-formed items, streamed without a Content-Length, one item per chunk.
    // `?tag=x` records how many bytes went out and whether the client hung up, readable
    // at /hostile/60mb-stats?tag=x: a client that stops reading must also close the socket.
    "/hostile/60mb": (req, res) => {
      const tag = new URL(req.url ?? "/", "http://upstream").searchParams.get("tag");
      const stats = { sent: 0, closed: false };
      if (tag) bigBodies.set(tag, stats);
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write(rssHead());
      const item = Buffer.from(`<item><title>Padding</title><description>${"x".repeat(1000)}</description></item>`);
      req.socket.on("close", () => (stats.closed = true));
      const pump = () => {
        while (!stats.closed && stats.sent < 60 * MB) {
          stats.sent += item.length;
          if (!res.write(item)) return void res.once("drain", pump);
        }
        if (!stats.closed) res.end("</channel></rss>");
      };
      pump();
    },
    "/hostile/60mb-stats": (req, res) => {
      const tag = new URL(req.url ?? "/", "http://upstream").searchParams.get("tag") ?? "";
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(bigBodies.get(tag) ?? null));
    },
    // Accepts the request and never answers, not even with a status line.
    "/hostile/no-headers": (req) => {
      req.socket.setTimeout(60_000, () => req.socket.destroy());
    },
    // Nested internal entities that would expand to gigabytes if a parser expanded them.
    "/hostile/billion-laughs": (_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" }).end(billionLaughs());
    },
    // Drops the connection of the first `drops` requests of a `tag` without answering, then
    // answers with a one-item feed; /hostile/drop-stats?tag=x says how many requests came.
    "/hostile/drop": (req, res) => {
      const params = new URL(req.url ?? "/", "http://upstream").searchParams;
      const tag = params.get("tag") ?? "";
      const seen = (dropCounts.get(tag) ?? 0) + 1;
      dropCounts.set(tag, seen);
      if (seen <= Number(params.get("drops") ?? 1)) return void req.socket.destroy();
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.end(`${rssHead()}<item><title>Answered</title><guid>drop-1</guid><link>https://huge.example.org/drop-1</link></item></channel></rss>`);
    },
    "/hostile/drop-stats": (req, res) => {
      const tag = new URL(req.url ?? "/", "http://upstream").searchParams.get("tag") ?? "";
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests: dropCounts.get(tag) ?? 0 }));
    },
    "/hostile/redirect-loop": (_req, res) => {
      res.writeHead(302, { location: "/hostile/redirect-loop" }).end();
    },
    // Redirects wherever `?to=` says (another host, another scheme).
    "/hostile/redirect": (req, res) => {
      const to = new URL(req.url ?? "/", "http://upstream").searchParams.get("to") ?? "/";
      res.writeHead(302, { location: to }).end();
    },
    "/hostile/redirect-to-metadata": (_req, res) => {
      res.writeHead(301, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    },
    "/hostile/gzip-bomb": (_req, res) => {
      void gzipBomb().then((body) => {
        res.writeHead(200, { "content-type": "application/rss+xml", "content-encoding": "gzip", "content-length": body.length });
        res.end(body);
      });
    },
  };
  // One name per test that edits a feed: test files run in parallel against this one server.
  const invalidation = ["inv-en", "inv-fr", "inv-ko", ...Array.from({ length: 12 }, (_, i) => `fan-${i}`), "tiers"];
  // The period mover's and old-dated refresh tests (shard-move*.test.ts).
  invalidation.push(...Array.from({ length: 16 }, (_, i) => `mover-${i + 1}`));
  for (const name of ["a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "archive-1", "archive-2", "archive-3", "archive-4", "archive-5", "archive-6", "archive-7", ...invalidation]) {
    routes[`/mutable/${name}`] = (req, res) => {
      if (req.method === "PUT") {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const previous = mutable.get(name);
          mutable.set(name, {
            body: Buffer.concat(chunks).toString("utf8"),
            type: req.headers["content-type"] ?? "application/xml",
            version: (previous?.version ?? 0) + 1,
          });
          res.writeHead(204).end();
        });
        return;
      }
      const feed = mutable.get(name);
      if (!feed) return void res.writeHead(404).end();
      const etag = `"m${name}${feed.version}"`;
      if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { "content-type": feed.type, etag }).end(feed.body);
    };
  }
  return routes;
}
