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

/** The first `size`-aligned range of `blockCidr` (IPv4) that no existing subnet overlaps. */
export function carve(blockCidr: string, size: number, existing: NsxObject[]): string {
  if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0)
    throw invalid(`size=${size} must be a power of two, at least 4`);
  const [net, bitsText] = blockCidr.split('/');
  const base = toInt(net ?? '');
  const total = 2 ** (32 - Number(bitsText));
  const taken = existing.map((s) => {
    const [start, bits] = String(s.cidr).split('/');
    return { start: toInt(start ?? ''), end: toInt(start ?? '') + 2 ** (32 - Number(bits)) - 1 };
  });
  for (let at = base; at + size <= base + total; at += size) {
    if (!taken.some((t) => t.start <= at + size - 1 && at <= t.end))
      return `${fromInt(at)}/${32 - Math.log2(size)}`;
  }
  throw new NsxFault(
    409,
    NsxErrorCode.poolExhausted,
    `IP block ${blockCidr} does not have enough space to allocate a subnet of size ${size}.`,
    'Ipam',
  );
}

/** Allocated addresses per pool id; part of the simulator's state. */
export type Allocations = Map<string, Set<string>>;

export function registerIpam(
  r: NsxRoutes,
  allocations: Allocations,
  hooks: { blockCreated?: (block: NsxObject) => void } = {},
): void {
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

  const subnetsOfBlock = (blockId: string): NsxObject[] =>
    store.all('IpBlockSubnet').filter((s) => s.block_id === blockId);

  r.crud('/pools/ip-blocks', 'IpBlock', {
    ...(hooks.blockCreated ? { afterCreate: hooks.blockCreated } : {}),
    validate: (body, _ctx, current) => {
      required(body, 'cidr');
      checkCidr(body.cidr, 'cidr');
      tagsValid(body);
      if (current && body.cidr !== current.cidr && subnetsOfBlock(current.id).length > 0)
        throw new NsxFault(
          409,
          NsxErrorCode.inUse,
          `IP block ${current.id} has subnets: its cidr can be changed only to one containing them all.`,
          'Ipam',
        );
    },
    // DeleteIpBlock: "IP block cannot be deleted if there are allocated subnets from the block"; the
    // spec lists no 409 for it, so a 400 (the code is the simulator's own)
    canDelete: (block) => {
      const subnets = subnetsOfBlock(block.id);
      if (subnets.length > 0)
        throw new NsxFault(
          400,
          NsxErrorCode.inUse,
          `IP block ${block.id} cannot be deleted: ${subnets.length} subnets are allocated from it ` +
            `(${subnets.map((s) => String(s.cidr)).join(', ')}). Delete them first.`,
          'Ipam',
        );
    },
  });

  // CreateIpBlockSubnet: `block_id` and `size` in, the first free aligned CIDR of that size out;
  // 409 when the block has no room (Manager API 3.1).
  r.crud('/pools/ip-subnets', 'IpBlockSubnet', {
    noCreate: true,
    filters: { block_id: (o, v) => o.block_id === v },
    keep: ['block_id', 'size', 'cidr', 'allocation_ranges'],
    validate: (body) => tagsValid(body),
  });
  r.add('POST', '/pools/ip-subnets', (ctx) => {
    const body = ctx.body;
    required(body, 'block_id', 'size');
    tagsValid(body);
    const block = store.get('IpBlock', String(body.block_id));
    const cidr = carve(String(block.cidr), Number(body.size), subnetsOfBlock(block.id));
    const first = toInt(cidr.split('/')[0] ?? '');
    const created = store.create(
      'IpBlockSubnet',
      {
        ...body,
        cidr,
        allocation_ranges: [{ start: fromInt(first + 1), end: fromInt(first + Number(body.size) - 2) }],
      },
      { user: ctx.user, protection: 'NOT_PROTECTED' },
    );
    return { status: 201, body: created };
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
