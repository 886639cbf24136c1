import ipaddr from 'ipaddr.js';

/** A parsed CIDR: the address as written, its prefix length and the network it denotes. */
export interface Cidr {
  family: 'ipv4' | 'ipv6';
  address: string;
  prefix: number;
  /** The network address (host bits cleared), e.g. 10.0.0.0 for 10.0.0.5/24. */
  network: string;
  /** True when the address has bits set beyond the prefix (10.0.0.5/24 rather than 10.0.0.0/24). */
  hostBitsSet: boolean;
}

/**
 * True for an IP address in its usual text form: dotted-quad IPv4 (no octal, hex or short forms, which
 * ipaddr.js would accept but OpenStack would not) or IPv6 without a zone index.
 */
export function isIpAddress(text: string): boolean {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return !/(^|\.)0\d/.test(text);
  return !text.includes('%') && text.includes(':') && ipaddr.IPv6.isValid(text);
}

/** Parses `address/prefix`; undefined when the text is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!match || !isIpAddress(match[1] as string)) return undefined;
  const address = match[1] as string;
  const prefix = Number(match[2]);
  const parsed = ipaddr.parse(address);
  const family = parsed.kind();
  if (prefix > (family === 'ipv4' ? 32 : 128)) return undefined;
  const networkAddress =
    family === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefix}`);
  const hostBitsSet = networkAddress.toNormalizedString() !== parsed.toNormalizedString();
  return { family, address, prefix, network: networkAddress.toString(), hostBitsSet };
}

/** True when the text is a syntactically valid CIDR (host bits may be set). */
export function isCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

/** The CIDR in canonical form: network address and prefix, e.g. 10.0.0.0/24. */
export function canonicalCidr(cidr: Cidr): string {
  return `${cidr.network}/${cidr.prefix}`;
}

/** True when two CIDRs share at least one address (one contains the other's network). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const netA = ipaddr.parse(a.network);
  const netB = ipaddr.parse(b.network);
  if (netA.kind() !== netB.kind()) return false;
  return netB.match([netA, a.prefix]) || netA.match([netB, b.prefix]);
}
