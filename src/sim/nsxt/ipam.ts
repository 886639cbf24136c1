/**
 * IP blocks (`/pools/ip-blocks`) and IP pools (`/pools/ip-pools`, with `?action=ALLOCATE|RELEASE`).
 * Allocation is IPv4 only: the first free address of the pool's allocation ranges.
 */
import ipaddr from 'ipaddr.js';
import type { NsxRoutes } from './routes';
import { NsxErrorCode, NsxFault, invalid } from './errors';
import type { NsxObject } from './store';
import { oneOf, required, tagsValid } from './validate';

interface Range {
  start: string;
  end: string;
}
interface PoolSubnet {
  cidr?: string;
  allocation_ranges?: Range[];
}

function toInt(ip: string): number {
  return ipaddr.IPv4.parse(ip)
    .toByteArray()
    .reduce((n, b) => n * 256 + b, 0);
}

function fromInt(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function checkCidr(cidr: unknown, field: string): void {
  if (typeof cidr !== 'string' || !ipaddr.isValidCIDR(cidr))
    throw invalid(`${field}=${String(cidr)} is not a valid CIDR`);
}

function subnetsOf(pool: NsxObject): PoolSubnet[] {
  return Array.isArray(pool.subnets) ? (pool.subnets as PoolSubnet[]) : [];
}

function validatePool(body: Record<string, unknown>): void {
  tagsValid(body);
  const subnets = body.subnets;
  if (subnets === undefined) return;
  if (!Array.isArray(subnets) || subnets.length > 5)
    throw invalid('subnets must be an array of at most 5 subnets');
  for (const s of subnets as PoolSubnet[]) {
    required(s as Record<string, unknown>, 'cidr', 'allocation_ranges');
    checkCidr(s.cidr, 'cidr');
    for (const range of s.allocation_ranges ?? []) {
      if (
        !ipaddr.IPv4.isValid(range.start) ||
        !ipaddr.IPv4.isValid(range.end) ||
        toInt(range.start) > toInt(range.end)
      ) {
        throw invalid(`allocation range ${range.start}-${range.end} is not a valid IPv4 range`);
      }
    }
  }
}

/** Allocated addresses per pool id; part of the simulator's state. */
export type Allocations = Map<string, Set<string>>;

export function registerIpam(r: NsxRoutes, allocations: Allocations): void {
  const store = r.store;
  const usage = (pool: NsxObject): Record<string, number> => {
    const total = subnetsOf(pool)
      .flatMap((s) => s.allocation_ranges ?? [])
      .reduce((n, range) => n + toInt(range.end) - toInt(range.start) + 1, 0);
    const allocated = allocations.get(pool.id)?.size ?? 0;
    return { total_ids: total, allocated_ids: allocated, free_ids: total - allocated };
  };
  const withUsage = (pool: NsxObject): NsxObject => {
    pool.pool_usage = usage(pool);
    return pool;
  };

  r.crud('/pools/ip-blocks', 'IpBlock', {
    validate: (body) => {
      required(body, 'cidr');
      checkCidr(body.cidr, 'cidr');
      tagsValid(body);
    },
  });

  r.crud('/pools/ip-pools', 'IpPool', {
    validate: validatePool,
    decorate: withUsage,
    canDelete: (pool, ctx) => {
      if ((allocations.get(pool.id)?.size ?? 0) > 0 && ctx.req.query.get('force') !== 'true') {
        throw invalid(`IP pool ${pool.id} has allocated addresses; release them or pass force=true`);
      }
    },
    afterDelete: (pool) => allocations.delete(pool.id),
  });

  r.add('POST', '/pools/ip-pools/:id', (ctx) => {
    const pool = store.get('IpPool', ctx.params.id ?? '');
    oneOf({ action: ctx.req.query.get('action') ?? undefined }, 'action', ['ALLOCATE', 'RELEASE']);
    const action = ctx.req.query.get('action');
    if (!action) throw invalid('required query parameter action is missing');
    const used = allocations.get(pool.id) ?? new Set<string>();
    allocations.set(pool.id, used);
    if (action === 'RELEASE') {
      const ip = ctx.body.allocation_id;
      if (typeof ip !== 'string' || !used.has(ip))
        throw invalid(`address ${String(ip)} is not allocated from IP pool ${pool.id}`);
      used.delete(ip);
      withUsage(pool);
      return { status: 200, body: { allocation_id: ip } };
    }
    for (const range of subnetsOf(pool).flatMap((s) => s.allocation_ranges ?? [])) {
      for (let n = toInt(range.start); n <= toInt(range.end); n++) {
        const ip = fromInt(n);
        if (!used.has(ip)) {
          used.add(ip);
          withUsage(pool);
          return { status: 200, body: { allocation_id: ip } };
        }
      }
    }
    throw new NsxFault(
      409,
      NsxErrorCode.poolExhausted,
      `IP pool ${pool.id} is exhausted: no free address is left to allocate.`,
      'id-allocation-service',
    );
  });
}
