import type { IncomingMessage, ServerResponse } from "node:http";

type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** Upstream behaviours that real publishers (or attackers) exhibit; see the ingest tests. */
export function hostileRoutes(): Record<string, Route> {
  return {
    "/hostile/500": (_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" }).end("internal error");
    },
  };
}
