import type { IncomingMessage, ServerResponse } from "node:http";

type Route = (req: IncomingMessage, res: ServerResponse) => void;

interface Held {
  body: string;
  holding: boolean;
  /** Feed requests waiting for the release. */
  waiting: (() => void)[];
  /** Tests waiting for a feed request to arrive. */
  watchers: (() => void)[];
}

/**
 * A feed whose answer waits until the test lets it go, so a test can act (delete a source, say)
 * between a refresh's request and its response. Per `tag`: `PUT /held/feed?tag=x` sets the body;
 * `POST /held/hold?tag=x` makes the next requests of `GET /held/feed?tag=x` wait;
 * `GET /held/arrived?tag=x` answers once one is waiting; `POST /held/release?tag=x` answers the
 * waiting ones and stops holding.
 */
export function heldRoutes(): Record<string, Route> {
  const feeds = new Map<string, Held>();
  const tagOf = (req: IncomingMessage) => new URL(req.url ?? "/", "http://upstream").searchParams.get("tag") ?? "";
  const held = (tag: string) => {
    let entry = feeds.get(tag);
    if (!entry) feeds.set(tag, (entry = { body: "", holding: false, waiting: [], watchers: [] }));
    return entry;
  };
  return {
    "/held/feed": (req, res) => {
      const feed = held(tagOf(req));
      if (req.method === "PUT") {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          feed.body = Buffer.concat(chunks).toString("utf8");
          res.writeHead(204).end();
        });
        return;
      }
      const answer = () => void res.writeHead(200, { "content-type": "application/rss+xml" }).end(feed.body);
      if (!feed.holding) return answer();
      feed.waiting.push(answer);
      for (const watcher of feed.watchers.splice(0)) watcher();
    },
    "/held/hold": (req, res) => {
      held(tagOf(req)).holding = true;
      res.writeHead(204).end();
    },
    "/held/arrived": (req, res) => {
      const feed = held(tagOf(req));
      const answer = () => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ waiting: feed.waiting.length }));
      if (feed.waiting.length) answer();
      else feed.watchers.push(answer);
    },
    "/held/release": (req, res) => {
      const feed = held(tagOf(req));
      feed.holding = false;
      const released = feed.waiting.splice(0);
      for (const answer of released) answer();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ released: released.length }));
    },
  };
}
