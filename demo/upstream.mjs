// A small real HTTP upstream on loopback that serves feed files the way publishers do:
// strong ETag, Last-Modified, 304 on If-None-Match / If-Modified-Since, gzip when asked.
// `npm start` serves the demo feeds with it; the tests serve their fixtures (plus hostile
// behaviours registered as extra routes) with the same code.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { gzipSync } from "node:zlib";

const TYPES = {
  ".xml": "application/xml",
  ".rss": "application/rss+xml",
  ".atom": "application/atom+xml",
  ".rdf": "application/rdf+xml",
  ".json": "application/feed+json",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain",
};

/**
 * @param {{ root: string, host?: string, port?: number,
 *           routes?: Record<string, (req: import("node:http").IncomingMessage,
 *                                     res: import("node:http").ServerResponse) => void> }} options
 * @returns {Promise<{ origin: string, requests: object[], close: () => Promise<void> }>}
 */
export async function startUpstream({ root, host = "127.0.0.1", port = 0, routes = {} }) {
  /** The last requests seen, newest last, so tests can check what a refresh sent. */
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://upstream");
    if (url.pathname === "/__requests") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(requests.slice(-500)));
      return;
    }
    requests.push({ method: req.method, path: url.pathname + url.search, headers: req.headers, at: Date.now() });
    if (requests.length > 2000) requests.splice(0, 1000);
    const route = routes[url.pathname];
    if (route) return route(req, res);
    try {
      await serveFile(root, url.pathname, req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  // Hostile routes may hold sockets open forever; never let them keep the process alive.
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const origin = `http://${host}:${typeof address === "object" && address ? address.port : port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

async function serveFile(root, pathname, req, res) {
  const file = path.join(root, path.normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, ""));
  if (!file.startsWith(path.resolve(root))) {
    res.writeHead(403).end();
    return;
  }
  let info;
  try {
    info = await stat(file);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  if (!info.isFile()) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  const body = await readFile(file);
  const etag = `"${createHash("sha1").update(body).digest("hex").slice(0, 20)}"`;
  const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000).toUTCString();
  const headers = {
    "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
    etag,
    "last-modified": lastModified,
    "cache-control": "max-age=60",
  };
  const since = req.headers["if-modified-since"];
  const notModified =
    req.headers["if-none-match"] !== undefined
      ? req.headers["if-none-match"].split(/\s*,\s*/).includes(etag)
      : since !== undefined && Date.parse(since) >= Date.parse(lastModified);
  if (notModified) {
    res.writeHead(304, headers).end();
    return;
  }
  if (/\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
    const zipped = gzipSync(body);
    res.writeHead(200, { ...headers, "content-encoding": "gzip", "content-length": zipped.length });
    res.end(req.method === "HEAD" ? undefined : zipped);
    return;
  }
  res.writeHead(200, { ...headers, "content-length": body.length });
  res.end(req.method === "HEAD" ? undefined : body);
}
