/**
 * IP address management: the next free address from a subnet's allocation pools, and checks for
 * addresses a caller asks for. Allocation walks from a per-subnet cursor, so handing out thousands
 * of addresses stays linear overall.
 */
import { conflict } from './errors';
import { parseCidr, parseIp, formatIp, type ParsedCidr, type Range } from './ip';
import type { Subnet } from './model';
import type { NeutronStore } from './store';

export function subnetCidr(subnet: Subnet): ParsedCidr {
  const c = parseCidr(subnet.cidr);
  if (!c) throw new Error(`stored subnet ${subnet.id} has an invalid cidr ${subnet.cidr}`);
  return c;
}

export function poolRanges(subnet: Subnet): Range[] {
  return subnet.allocation_pools.map((p) => ({
    first: parseIp(p.start)?.value ?? 0n,
    last: parseIp(p.end)?.value ?? 0n,
  }));
}

/** Next free pool address of the subnet, or undefined when the pools are exhausted. */
export function nextFreeAddress(store: NeutronStore, subnet: Subnet): string | undefined {
  const version = subnet.ip_version === 6 ? 6 : 4;
  const ranges = poolRanges(subnet);
  if (ranges.length === 0) return undefined;
  const taken = store.allocations(subnet.id);
  const cursor = store.allocationCursor.get(subnet.id);
  // A free address exists within (taken + 1) candidates of any start, so the walk is bounded.
  let budget = BigInt(taken.size) + 1n;
  const tryRange = (first: bigint, last: bigint): string | undefined => {
    for (let v = first; v <= last && budget > 0n; v++, budget--) {
      const text = formatIp(v, version);
      if (!taken.has(text)) {
        store.allocationCursor.set(subnet.id, v + 1n);
        return text;
      }
    }
    return undefined;
  };
  // Walk from the cursor to the end of the pools, then wrap round to where the cursor started.
  const at = cursor === undefined ? -1 : ranges.findIndex((r) => cursor >= r.first && cursor <= r.last);
  const segments: Range[] = [];
  if (at < 0 || cursor === undefined) segments.push(...ranges);
  else {
    const r = ranges[at] as Range;
    segments.push({ first: cursor, last: r.last }, ...ranges.slice(at + 1), ...ranges.slice(0, at));
    if (cursor > r.first) segments.push({ first: r.first, last: cursor - 1n });
  }
  for (const seg of segments) {
    const found = tryRange(seg.first, seg.last);
    if (found) return found;
    if (budget <= 0n) break;
  }
  return undefined;
}

/** 409 IpAddressAlreadyAllocated unless the address is free (or already held by `portId`). */
export function assertFree(store: NeutronStore, subnet: Subnet, ip: string, portId?: string): void {
  const owner = store.allocations(subnet.id).get(ip);
  if (owner !== undefined && owner !== portId) {
    throw conflict('IpAddressAlreadyAllocated', `IP address ${ip} already allocated in subnet ${subnet.id}`);
  }
}

/** Canonical text of an address (so "10.0.0.05"-style variants compare equal). */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip ? formatIp(ip.value, ip.version) : undefined;
}
