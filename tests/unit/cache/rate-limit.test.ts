import { describe, expect, it } from "vitest";
import { clientKey, isLoopback, RATE_LIMIT, rateLimitSettings, retryAfterSeconds } from "../../../src/cache/rate-limit";

describe("rate-limit settings", () => {
  it("are the RATE_LIMITER binding's own, read from the bundled wrangler.toml", () => {
    expect(RATE_LIMIT).toEqual({ limit: 100, period: 60 });
    expect(retryAfterSeconds()).toBe(60);
  });

  it("are found among other sections and bindings, and absent when the binding is", () => {
    const toml = `name = "x"\n[[ratelimits]]\nname = "OTHER"\nnamespace_id = "1"\nsimple = { limit = 5, period = 10 }\n\n[[ratelimits]]\nname = "RATE_LIMITER"\nnamespace_id = "2"\nsimple = { period = 10, limit = 40 }\n[vars]\nA = "1"\n`;
    expect(rateLimitSettings(toml)).toEqual({ limit: 40, period: 10 });
    expect(rateLimitSettings('[vars]\nA = "1"\n')).toBeNull();
  });
});

describe("the key a client is counted under", () => {
  it("is an IPv4 address as it is", () => {
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("is the /64 of an IPv6 address, however it is written", () => {
    const key = clientKey("2001:db8:aa:1::1");
    expect(key).toBe("2001:db8:aa:1::/64");
    for (const same of ["2001:0db8:00aa:0001:ffff:1:2:3", "2001:DB8:AA:1::beef", "2001:db8:aa:1:0:0:0:9"]) expect(clientKey(same), same).toBe(key);
    expect(clientKey("2001:db8:aa:2::1")).not.toBe(key);
    expect(clientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
  });
});

describe("loopback clients", () => {
  it("are 127.0.0.0/8 and ::1 only", () => {
    for (const ip of ["127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) expect(isLoopback(ip), ip).toBe(true);
    for (const ip of ["10.0.0.1", "203.0.113.1", "::", "::2", "2001:db8::1", "128.0.0.1"]) expect(isLoopback(ip), ip).toBe(false);
  });
});
