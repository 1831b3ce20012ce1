/**
 * Which upstream URLs a source (or a redirect) may point at, so that a source cannot be used
 * to reach the operator's internal network or a cloud metadata endpoint.
 *
 * Only http(s) without credentials. Hosts are judged after WHATWG URL parsing, which already
 * turns every numeric IPv4 spelling (decimal `2130706433`, octal `0177.1`, hex `0x7f.1`, short
 * `127.1`) into dotted decimal and IPv6 into its compressed form. Refused: every range of the
 * IANA IPv4 and IPv6 special-purpose address registries, multicast, reserved space, and every
 * IPv6 address outside global unicast (2000::/3), which covers the forms that embed an IPv4
 * address (mapped, compatible, NAT64, 6to4). Loopback and private networks (and internal host
 * names such as `localhost`) are allowed only when the deployment opts in
 * (ALLOW_PRIVATE_UPSTREAMS, for the local demo and tests); the rest never are.
 *
 * A host name is not resolved here (a Worker has no resolver API): names that resolve to an
 * internal address are left to the platform, whose fetch does not reach private networks.
 */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** loopback and private hosts are allowed on opt-in; special ones never. */
export type HostKind = "public" | "loopback" | "private" | "special";

export interface HostVerdict {
  kind: HostKind;
  /** Why the host is not public, for the problem detail or run report. */
  reason: string;
}

type Range = readonly [prefix: string, bits: number, name: string, kind: Exclude<HostKind, "public">];

/** IANA IPv4 Special-Purpose Address Registry, plus multicast and the reserved 240/4. */
const IPV4_RANGES: readonly Range[] = [
  ["0.0.0.0", 8, "unspecified (this network)", "special"],
  ["10.0.0.0", 8, "private-use", "private"],
  ["100.64.0.0", 10, "shared (carrier-grade NAT)", "private"],
  ["127.0.0.0", 8, "loopback", "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)", "special"],
  ["172.16.0.0", 12, "private-use", "private"],
  ["192.0.0.0", 24, "IETF protocol assignments", "special"],
  ["192.0.2.0", 24, "documentation (TEST-NET-1)", "special"],
  ["192.31.196.0", 24, "AS112", "special"],
  ["192.52.193.0", 24, "AMT", "special"],
  ["192.88.99.0", 24, "6to4 relay anycast", "special"],
  ["192.168.0.0", 16, "private-use", "private"],
  ["192.175.48.0", 24, "AS112 direct delegation", "special"],
  ["198.18.0.0", 15, "benchmarking", "special"],
  ["198.51.100.0", 24, "documentation (TEST-NET-2)", "special"],
  ["203.0.113.0", 24, "documentation (TEST-NET-3)", "special"],
  ["224.0.0.0", 4, "multicast", "special"],
  ["255.255.255.255", 32, "limited broadcast", "special"],
  ["240.0.0.0", 4, "reserved", "special"],
];

/**
 * IANA IPv6 Special-Purpose Address Registry and the other non-global blocks. First match wins;
 * whatever is outside 2000::/3 and not listed is refused as not global unicast.
 */
const IPV6_RANGES: readonly Range[] = [
  ["::1", 128, "loopback", "loopback"],
  ["::", 128, "unspecified", "special"],
  ["::ffff:0:0", 96, "IPv4-mapped", "special"],
  ["::", 96, "IPv4-compatible", "special"],
  ["64:ff9b::", 96, "NAT64", "special"],
  ["64:ff9b:1::", 48, "local-use NAT64", "special"],
  ["100::", 64, "discard-only", "special"],
  ["2001:db8::", 32, "documentation", "special"],
  ["2001::", 23, "IETF protocol assignments (Teredo, benchmarking, ORCHID…)", "special"],
  ["2002::", 16, "6to4", "special"],
  ["2620:4f:8000::", 48, "AS112 direct delegation", "special"],
  ["3fff::", 20, "documentation", "special"],
  ["5f00::", 16, "segment routing", "special"],
  ["fc00::", 7, "unique local", "private"],
  ["fe80::", 10, "link-local", "special"],
  ["fec0::", 10, "site-local", "special"],
  ["ff00::", 8, "multicast", "special"],
];

/** Dotted-decimal IPv4 (the only spelling a parsed URL keeps) as an unsigned 32-bit number. */
export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** An IPv6 address without brackets (`::` compression and a trailing dotted IPv4 allowed). */
export function parseIpv6(text: string): bigint | null {
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (dotted) {
    const v4 = parseIpv4(dotted[2]!);
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    text = dotted[1]!.endsWith("::") ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const split = (s: string) => (s === "" ? [] : s.split(":"));
  const head = split(halves[0]!);
  const rest = halves.length === 2 ? split(halves[1]!) : [];
  const missing = 8 - tail.length - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const words = [...groups.map((g) => parseInt(g, 16)), ...tail];
  return words.reduce((n, w) => (n << 16n) | BigInt(w), 0n);
}

function ipv4Text(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** The IPv4 address carried inside an IPv6 one, for a clearer reason. */
function embeddedIpv4(addr: bigint, name: string): string | null {
  if (name === "6to4") return ipv4Text(Number((addr >> 80n) & 0xffffffffn));
  if (["IPv4-mapped", "IPv4-compatible", "NAT64"].includes(name)) return ipv4Text(Number(addr & 0xffffffffn));
  return null;
}

const V4 = IPV4_RANGES.map(([prefix, bits, name, kind]) => ({ net: parseIpv4(prefix)!, bits, name, kind, prefix }));
const V6 = IPV6_RANGES.map(([prefix, bits, name, kind]) => ({ net: parseIpv6(prefix)!, bits, name, kind, prefix }));

function classifyIpv4(addr: number, text: string): HostVerdict {
  for (const r of V4) {
    const shift = 32 - r.bits;
    if (Math.floor(addr / 2 ** shift) === Math.floor(r.net / 2 ** shift)) {
      return { kind: r.kind, reason: `${text} is in the ${r.name} range (${r.prefix}/${r.bits})` };
    }
  }
  return { kind: "public", reason: "" };
}

function classifyIpv6(addr: bigint, text: string): HostVerdict {
  for (const r of V6) {
    const shift = BigInt(128 - r.bits);
    if (addr >> shift === r.net >> shift) {
      const v4 = embeddedIpv4(addr, r.name);
      return { kind: r.kind, reason: `${text} is in the ${r.name} range (${r.prefix}/${r.bits})${v4 ? ` embedding ${v4}` : ""}` };
    }
  }
  if (addr >> 125n !== 1n) return { kind: "special", reason: `${text} is outside global unicast (2000::/3)` };
  return { kind: "public", reason: "" };
}

/** Classifies a URL hostname as `URL.hostname` gives it (IPv6 in brackets). */
export function classifyHost(hostname: string): HostVerdict {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[") && host.endsWith("]")) {
    const addr = parseIpv6(host.slice(1, -1));
    return addr === null ? { kind: "special", reason: `${hostname} is not a valid IPv6 address` } : classifyIpv6(addr, host.slice(1, -1));
  }
  const v4 = parseIpv4(host);
  if (v4 !== null) return classifyIpv4(v4, host);
  if (host === "localhost" || host.endsWith(".localhost")) return { kind: "loopback", reason: `${host} is a loopback name` };
  if (!host.includes(".") || /\.(local|internal|home\.arpa)$/.test(host)) return { kind: "private", reason: `${host} is an internal host name` };
  return { kind: "public", reason: "" };
}

export function checkUpstreamUrl(raw: string, allowPrivate: boolean): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "not an absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: "only http and https URLs are allowed" };
  if (url.username || url.password) return { ok: false, reason: "credentials in the URL are not allowed" };
  const verdict = classifyHost(url.hostname);
  if (verdict.kind === "special" || (verdict.kind !== "public" && !allowPrivate)) {
    return { ok: false, reason: `${verdict.reason}; ${verdict.kind === "special" ? "special-purpose" : "private, loopback and internal"} hosts are not allowed` };
  }
  return { ok: true, url };
}

/**
 * Whether a redirect from `from` to `to` may be followed, beyond the address rules that apply
 * to every hop: never from https down to http, which would send the request in clear text.
 */
export function checkRedirect(from: URL, to: URL): { ok: true } | { ok: false; reason: string } {
  if (from.protocol === "https:" && to.protocol === "http:") return { ok: false, reason: "a redirect from https to http is not followed" };
  return { ok: true };
}
