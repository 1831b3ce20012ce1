/**
 * The part of the runtime's `node:crypto` (the `nodejs_compat` flag in wrangler.toml) the
 * ingest uses: a synchronous SHA-256. Declared here rather than through the Node types, which
 * would bring Node's globals into Worker code.
 */
declare module "node:crypto" {
  interface Hash {
    update(data: string | Uint8Array): Hash;
    digest(encoding: "hex"): string;
  }
  export function createHash(algorithm: "sha256"): Hash;
}
