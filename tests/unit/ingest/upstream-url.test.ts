import { describe, expect, it } from "vitest";
import { checkRedirect, checkUpstreamUrl, classifyHost, parseIpv6 } from "../../../src/ingest/upstream-url";

const refused = (url: string, allowPrivate = false) => {
  const check = checkUpstreamUrl(url, allowPrivate);
  return check.ok ? null : check.reason;
};

describe("IPv4 special-purpose ranges are refused", () => {
  // One address inside each range and its neighbour just outside, so a wrong prefix length fails.
  const ranges: [inside: string, outside: string | null, name: string][] = [
    ["0.1.2.3", "1.0.0.1", "unspecified"],
    ["10.255.0.1", "11.0.0.1", "private-use"],
    ["100.64.0.1", "100.63.255.255", "carrier-grade NAT"],
    ["100.127.255.254", "100.128.0.1", "carrier-grade NAT"],
    ["127.0.0.1", "128.0.0.1", "loopback"],
    ["127.255.255.254", null, "loopback"],
    ["169.254.169.254", "169.255.0.1", "link-local"],
    ["172.16.0.1", "172.15.255.255", "private-use"],
    ["172.31.255.255", "172.32.0.1", "private-use"],
    ["192.0.0.8", "192.0.1.1", "IETF protocol assignments"],
    ["192.0.2.10", "192.0.3.1", "TEST-NET-1"],
    ["192.31.196.1", "192.31.197.1", "AS112"],
    ["192.52.193.1", "192.52.194.1", "AMT"],
    ["192.88.99.1", "192.88.98.1", "6to4 relay"],
    ["192.168.1.1", "192.169.0.1", "private-use"],
    ["192.175.48.1", "192.175.49.1", "AS112"],
    ["198.18.0.1", "198.17.255.255", "benchmarking"],
    ["198.19.255.255", "198.20.0.1", "benchmarking"],
    ["198.51.100.7", "198.51.101.1", "TEST-NET-2"],
    ["203.0.113.9", "203.0.114.1", "TEST-NET-3"],
    ["224.0.0.1", "223.255.255.255", "multicast"],
    ["239.255.255.250", null, "multicast"],
    ["240.0.0.1", null, "reserved"],
    ["255.255.255.255", null, "broadcast"],
  ];
  for (const [inside, outside, name] of ranges) {
    it(`${inside} (${name})`, () => {
      expect(refused(`http://${inside}/feed`)).toContain(name);
      if (outside) expect(refused(`http://${outside}/feed`), outside).toBeNull();
    });
  }

  it("accepts ordinary public addresses", () => {
    for (const ip of ["8.8.8.8", "1.1.1.1", "93.184.216.34", "223.255.255.255"]) expect(refused(`https://${ip}/rss`), ip).toBeNull();
  });
});

describe("IPv6 special-purpose ranges are refused", () => {
  const ranges: [inside: string, name: string][] = [
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["::ffff:127.0.0.1", "IPv4-mapped"],
    ["::ffff:8.8.8.8", "IPv4-mapped"],
    ["::127.0.0.1", "IPv4-compatible"],
    ["::8.8.8.8", "IPv4-compatible"],
    ["64:ff9b::10.0.0.1", "NAT64"],
    ["64:ff9b::8.8.8.8", "NAT64"],
    ["64:ff9b:1::1", "local-use NAT64"],
    ["100::1", "discard-only"],
    ["2001:db8::1", "documentation"],
    ["2001::1", "IETF protocol assignments"],
    ["2001:2::1", "IETF protocol assignments"],
    ["2002:7f00:1::1", "6to4"],
    ["2002:a9fe:a9fe::", "6to4"],
    ["2620:4f:8000::1", "AS112"],
    ["3fff::1", "documentation"],
    ["5f00::1", "segment routing"],
    ["fc00::1", "unique local"],
    ["fdff:ffff::1", "unique local"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["4000::1", "outside global unicast"],
    ["1::1", "outside global unicast"],
  ];
  for (const [inside, name] of ranges) {
    it(`[${inside}] (${name})`, () => {
      expect(refused(`http://[${inside}]/feed`)).toContain(name);
    });
  }

  it("names the IPv4 address embedded in mapped, compatible, NAT64 and 6to4 addresses", () => {
    expect(refused("http://[::ffff:169.254.169.254]/")).toContain("embedding 169.254.169.254");
    expect(refused("http://[::10.1.2.3]/")).toContain("embedding 10.1.2.3");
    expect(refused("http://[64:ff9b::192.168.0.1]/")).toContain("embedding 192.168.0.1");
    expect(refused("http://[2002:c0a8:1::]/")).toContain("embedding 192.168.0.1");
  });

  it("accepts global unicast addresses outside the special blocks", () => {
    for (const ip of ["2606:4700:4700::1111", "2a00:1450:4001::1", "2001:4860:4860::8888", "2001:200::1"]) expect(refused(`https://[${ip}]/rss`), ip).toBeNull();
  });

  it("refuses the embedding forms even when private upstreams are allowed", () => {
    for (const ip of ["::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::", "fe80::1", "fec0::1"]) {
      expect(refused(`http://[${ip}]/feed`, true), ip).not.toBeNull();
    }
  });
});

describe("numeric and named spellings of internal hosts", () => {
  // The URL parser rewrites these to dotted decimal before any check sees them.
  for (const spelling of ["2130706433", "0x7f000001", "0177.0.0.1", "0x7f.1", "127.1", "0", "%31%32%37.0.0.1", "127.0.0.1.", "0xa9.0xfe.0xa9.0xfe"]) {
    it(`refuses http://${spelling}/`, () => {
      expect(refused(`http://${spelling}/feed`)).not.toBeNull();
    });
  }

  it("sees what the URL parser normalizes numeric hosts to", () => {
    expect(new URL("http://2130706433/").hostname).toBe("127.0.0.1");
    expect(new URL("http://0177.0.0.1/").hostname).toBe("127.0.0.1");
    expect(new URL("http://0x7f.1/").hostname).toBe("127.0.0.1");
    expect(new URL("http://[::ffff:127.0.0.1]/").hostname).toBe("[::ffff:7f00:1]");
  });

  for (const host of ["localhost", "LOCALHOST.", "api.localhost", "router.local", "db.internal", "nas.home.arpa", "intranet"]) {
    it(`refuses ${host} unless private upstreams are allowed`, () => {
      expect(refused(`http://${host}/feed`)).not.toBeNull();
      expect(refused(`http://${host}/feed`, true)).toBeNull();
    });
  }

  it("allows loopback and private addresses only on opt-in, and never link-local or unspecified", () => {
    for (const ip of ["127.0.0.1", "10.0.0.5", "172.20.1.1", "192.168.1.10", "100.100.1.1", "[::1]", "[fd00::5]"]) {
      expect(refused(`http://${ip}:8080/feed`), ip).not.toBeNull();
      expect(refused(`http://${ip}:8080/feed`, true), ip).toBeNull();
    }
    for (const ip of ["169.254.169.254", "0.0.0.0", "224.0.0.251", "255.255.255.255", "[fe80::1]"]) expect(refused(`http://${ip}/`, true), ip).not.toBeNull();
  });

  it("accepts public host names", () => {
    expect(classifyHost("news.un.org").kind).toBe("public");
    expect(refused("https://news.un.org/feed/subscribe/en/news/all/rss.xml")).toBeNull();
  });
});

describe("other URL rules", () => {
  it("refuses other schemes and credentials", () => {
    expect(refused("ftp://example.org/feed")).toContain("only http and https");
    expect(refused("file:///etc/passwd")).toContain("only http and https");
    expect(refused("https://user:pass@example.org/feed")).toContain("credentials");
    expect(refused("not a url")).toContain("absolute URL");
  });

  it("refuses a redirect from https to http and allows the other directions", () => {
    const https = new URL("https://feeds.example.org/a");
    const http = new URL("http://feeds.example.org/a");
    expect(checkRedirect(https, http)).toMatchObject({ ok: false, reason: expect.stringContaining("https to http") });
    expect(checkRedirect(http, https).ok).toBe(true);
    expect(checkRedirect(https, new URL("https://cdn.example.net/a")).ok).toBe(true);
    expect(checkRedirect(http, new URL("http://other.example.net/a")).ok).toBe(true);
  });

  it("parses every IPv6 spelling to the same address", () => {
    const one = parseIpv6("::1");
    expect(parseIpv6("0:0:0:0:0:0:0:1")).toBe(one);
    expect(parseIpv6("0::0:1")).toBe(one);
    expect(parseIpv6("::ffff:127.0.0.1")).toBe(parseIpv6("::ffff:7f00:1"));
    for (const bad of ["1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::1.2.3", "g::1", "1:2:3:4:5:6:7"]) expect(parseIpv6(bad), bad).toBeNull();
  });
});
