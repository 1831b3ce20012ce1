import type { IncomingMessage, ServerResponse } from "node:http";

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Upstream behaviours that real publishers (or attackers) exhibit, plus one feed whose body
 * a test can replace (`PUT /mutable/{name}`) to simulate a publisher editing a story.
 */
export function hostileRoutes(): Record<string, Route> {
  const mutable = new Map<string, { body: string; type: string; version: number }>();
  const routes: Record<string, Route> = {
    "/hostile/500": (_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
    },
  };
  for (const name of ["a", "b", "c"]) {
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
