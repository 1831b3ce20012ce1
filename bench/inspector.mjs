// A minimal client of workerd's V8 inspector (Chrome DevTools Protocol over a WebSocket on
// 127.0.0.1), enough to read one isolate's JS heap: RSS of the workerd process also holds the
// local D1/KV/Cache simulators' storage, the heap is what the Worker itself keeps.
import { randomBytes } from "node:crypto";
import { connect } from "node:net";

/** The inspector targets (one per worker) listed by `GET /json`. */
export async function inspectorTargets(port) {
  const res = await fetch(`http://127.0.0.1:${port}/json`);
  return res.json();
}

function frame(text) {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.from([0x81, 0xfe, len >> 8, len & 255]) : null;
  if (!head) throw new Error("message too large");
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([head, mask, masked]);
}

/**
 * Opens a CDP session on a `ws://127.0.0.1:port/path` URL. Only what reading the heap needs:
 * text frames, no extensions; server frames are never masked.
 * @returns {Promise<{ send: (method: string, params?: object) => Promise<any>, close: () => void }>}
 */
export function openSession(wsUrl, { timeoutMs = 10_000 } = {}) {
  const url = new URL(wsUrl);
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error("loopback inspectors only");
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), "127.0.0.1");
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("inspector handshake timed out"));
    }, timeoutMs);
    let buffer = Buffer.alloc(0);
    let open = false;
    let nextId = 1;
    const pending = new Map();
    let fragments = [];
    socket.on("error", (err) => {
      clearTimeout(timer);
      for (const p of pending.values()) p.reject(err);
      if (!open) reject(err);
    });
    socket.on("connect", () => {
      socket.write(
        `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1:${url.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!open) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const status = buffer.subarray(0, buffer.indexOf("\r\n")).toString();
        if (!/ 101 /.test(status)) {
          clearTimeout(timer);
          socket.destroy();
          reject(new Error(`inspector refused the upgrade: ${status}`));
          return;
        }
        buffer = buffer.subarray(end + 4);
        open = true;
        clearTimeout(timer);
        resolve(session);
      }
      // Frames: FIN/opcode, length (7, 16 or 64 bit), payload (unmasked from the server).
      for (let guard = 0; guard < 10_000 && buffer.length >= 2; guard++) {
        const fin = (buffer[0] & 0x80) !== 0;
        const opcode = buffer[0] & 0x0f;
        let len = buffer[1] & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (buffer.length < 4) return;
          len = buffer.readUInt16BE(2);
          offset = 4;
        } else if (len === 127) {
          if (buffer.length < 10) return;
          len = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + len) return;
        const payload = buffer.subarray(offset, offset + len);
        buffer = buffer.subarray(offset + len);
        if (opcode === 0x8) {
          socket.end();
          return;
        }
        if (opcode === 0x9) continue; // ping: the inspector does not require pongs here
        if (opcode === 0x1 || opcode === 0x0) {
          fragments.push(Buffer.from(payload));
          if (!fin) continue;
          const message = JSON.parse(Buffer.concat(fragments).toString("utf8"));
          fragments = [];
          const p = message.id !== undefined ? pending.get(message.id) : undefined;
          if (p) {
            pending.delete(message.id);
            if (message.error) p.reject(new Error(message.error.message));
            else p.resolve(message.result);
          }
        }
      }
    });
    const session = {
      send(method, params = {}) {
        const id = nextId++;
        return new Promise((res, rej) => {
          const t = setTimeout(() => {
            pending.delete(id);
            rej(new Error(`${method} timed out`));
          }, timeoutMs);
          pending.set(id, {
            resolve: (v) => (clearTimeout(t), res(v)),
            reject: (e) => (clearTimeout(t), rej(e)),
          });
          socket.write(frame(JSON.stringify({ id, method, params })));
        });
      },
      close() {
        socket.end();
        socket.destroy();
      },
    };
  });
}

/**
 * The inspector WebSocket URL of one worker of a Miniflare instance started with
 * `inspectorPort`. `Runtime.getHeapUsage` on it reads the isolate's used JS heap. (workerd
 * does not run HeapProfiler.collectGarbage on request, so the retained size is estimated
 * from the troughs between collections.)
 */
export async function targetUrl(mf, workerName) {
  const base = await mf.getInspectorURL();
  const port = Number(new URL(base).port);
  const targets = await inspectorTargets(port);
  const target = targets.find((t) => t.id === `core:user:${workerName}`) ?? null;
  if (!target) throw new Error(`no inspector target for worker ${workerName}: ${targets.map((t) => t.id).join(", ")}`);
  return (target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target.id}`).replace("localhost", "127.0.0.1");
}
