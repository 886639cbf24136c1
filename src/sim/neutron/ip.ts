/**
 * Address arithmetic for subnets and allocation pools, on bigint so IPv4 and IPv6 share one path.
 */
import ipaddr from 'ipaddr.js';

export interface ParsedIp {
  version: 4 | 6;
  value: bigint;
}

export interface ParsedCidr {
  version: 4 | 6;
  /** First address of the block. */
  first: bigint;
  /** Last address of the block. */
  last: bigint;
  prefix: number;
}

export function parseIp(text: string): ParsedIp | undefined {
  if (typeof text !== 'string' || !ipaddr.isValid(text)) return undefined;
  // ipaddr.js accepts shorthand like "10.1" for IPv4; Neutron does not.
  if (!text.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  const addr = ipaddr.parse(text);
  let value = 0n;
  for (const byte of addr.toByteArray()) value = (value << 8n) | BigInt(byte);
  return { version: addr.kind() === 'ipv4' ? 4 : 6, value };
}

export function formatIp(value: bigint, version: 4 | 6): string {
  const size = version === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = size - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Parses `a.b.c.d/n`; `strict` rejects host bits (as Neutron does for subnet CIDRs). */
export function parseCidr(text: string, strict = true): ParsedCidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  const first = ip.value & ~mask;
  if (strict && first !== ip.value) return undefined;
  return { version: ip.version, first, last: first | mask, prefix };
}

export function cidrText(c: ParsedCidr): string {
  return `${formatIp(c.first, c.version)}/${c.prefix}`;
}

export function cidrContains(c: ParsedCidr, ip: ParsedIp): boolean {
  return c.version === ip.version && ip.value >= c.first && ip.value <= c.last;
}

export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/** Usable host range: IPv4 skips the network and broadcast addresses (except /31 and /32), IPv6 only the subnet-router anycast. */
export function hostRange(c: ParsedCidr): { first: bigint; last: bigint } | undefined {
  if (c.version === 4 && c.prefix >= 31) return { first: c.first, last: c.last };
  const first = c.first + 1n;
  const last = c.version === 4 ? c.last - 1n : c.last;
  return first <= last ? { first, last } : undefined;
}

export interface Range {
  first: bigint;
  last: bigint;
}

/** Neutron's default pools: the host range minus the gateway address. */
export function defaultPools(c: ParsedCidr, gateway: bigint | undefined): Range[] {
  const hosts = hostRange(c);
  if (!hosts) return [];
  if (gateway === undefined || gateway < hosts.first || gateway > hosts.last) return [hosts];
  const out: Range[] = [];
  if (gateway > hosts.first) out.push({ first: hosts.first, last: gateway - 1n });
  if (gateway < hosts.last) out.push({ first: gateway + 1n, last: hosts.last });
  return out;
}

export function rangeSize(ranges: Range[]): bigint {
  return ranges.reduce((n, r) => n + (r.last - r.first + 1n), 0n);
}
