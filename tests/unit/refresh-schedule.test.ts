/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { REFRESH_CRON, REFRESH_INTERVAL_MS } from "../../src/ingest/schedule";

const config = import.meta.glob<string>("../../wrangler.toml", { query: "?raw", import: "default", eager: true })["../../wrangler.toml"]!;

describe("refresh schedule", () => {
  it("is the cron trigger wrangler.toml declares", () => {
    expect(/^crons\s*=\s*\[\s*"([^"]+)"\s*\]/m.exec(config)?.[1]).toBe(REFRESH_CRON);
  });

  it("makes a source due again one cron step after it was fetched", () => {
    expect(REFRESH_INTERVAL_MS).toBe(15 * 60_000);
  });
});
