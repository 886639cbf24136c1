import type { HttpClient } from '../http/types';
import { lbResource, type LbCodec, type LbResourceApi } from './lb-resource';
import type { MemberCondition, Pool, PoolInput, PoolMember } from './types';
import { bool, children, int, text, type XmlNode } from './xml';

type FullMember = Pool['members'][number];

function fullMember(m: PoolMember): FullMember {
  return {
    name: m.name,
    ipAddress: m.ipAddress,
    port: m.port,
    monitorPort: m.monitorPort ?? m.port,
    weight: m.weight ?? 1,
    minConn: m.minConn ?? 0,
    maxConn: m.maxConn ?? 0,
    condition: m.condition ?? 'enabled',
  };
}

/**
 * `condition` (6.3+) is sent only when it is not the default, where the RAML's poolUpdate example puts it
 * (after maxConn): the vendor XSDs predate it.
 */
function conditionXml(c: string): string | undefined {
  return c === 'enabled' ? undefined : c;
}

/** poolsCreate.xsd / poolUpdate.xsd order. */
export function poolToXml(p: PoolInput): XmlNode {
  return {
    name: p.name,
    description: p.description ?? '',
    transparent: String(p.transparent ?? false),
    algorithm: p.algorithm ?? 'round-robin',
    monitorId: p.monitorId ?? '',
    member: (p.members ?? []).map(fullMember).map((m) => ({
      ipAddress: m.ipAddress,
      weight: String(m.weight),
      port: String(m.port),
      minConn: String(m.minConn),
      maxConn: String(m.maxConn),
      condition: conditionXml(m.condition),
      name: m.name,
      monitorPort: String(m.monitorPort),
    })),
  };
}

/** A pool as the manager stores it: the member condition as it was given. */
type StoredPool = Omit<Pool, 'members'> & {
  members: Array<Omit<FullMember, 'condition'> & { condition: string }>;
};

/**
 * loadBalancerConfig.xsd order: ids first, and the member fields in that schema's (different) order.
 * For a whole-config PUT, and the simulator's answer to a GET of the config.
 */
export function poolToConfigXml(p: StoredPool): XmlNode {
  return {
    poolId: p.id,
    name: p.name,
    description: p.description,
    transparent: String(p.transparent),
    algorithm: p.algorithm,
    monitorId: p.monitorId ?? '',
    member: p.members.map((m) => ({
      memberId: m.memberId,
      ipAddress: m.ipAddress,
      weight: String(m.weight),
      port: String(m.port),
      monitorPort: String(m.monitorPort),
      minConn: String(m.minConn),
      maxConn: String(m.maxConn),
      condition: conditionXml(m.condition),
      name: m.name,
    })),
  };
}

export function poolFromXml(n: XmlNode): Pool {
  const monitorId = text(n, 'monitorId');
  return {
    id: text(n, 'poolId') ?? '',
    name: text(n, 'name') ?? '',
    description: text(n, 'description') ?? '',
    algorithm: text(n, 'algorithm') ?? 'round-robin',
    transparent: bool(n, 'transparent', false),
    ...(monitorId ? { monitorId } : {}),
    members: children(n, 'member').map((m) => {
      const port = int(m, 'port') ?? int(m, 'monitorPort') ?? 0;
      const memberId = text(m, 'memberId');
      return {
        ...fullMember({
          name: text(m, 'name') ?? '',
          ipAddress: text(m, 'ipAddress') ?? '',
          port,
          monitorPort: int(m, 'monitorPort') ?? port,
          weight: int(m, 'weight') ?? 1,
          minConn: int(m, 'minConn') ?? 0,
          maxConn: int(m, 'maxConn') ?? 0,
          condition: (text(m, 'condition') ?? 'enabled') as MemberCondition,
        }),
        ...(memberId ? { memberId } : {}),
      };
    }),
  };
}

const codec: LbCodec<Pool, PoolInput> = {
  collection: 'pools',
  element: 'pool',
  toXml: poolToXml,
  fromXml: poolFromXml,
};

export interface PoolsApi extends LbResourceApi<Pool, PoolInput> {
  /**
   * Makes the pool's members exactly `members` by reading the pool and PUTting it whole (the API has no
   * per-member create; vmware-nsx does the same). No PUT when they already match; returns whether it changed.
   */
  setMembers(edgeId: string, poolId: string, members: PoolMember[]): Promise<boolean>;
}

export function poolsApi(http: HttpClient): PoolsApi {
  const base = lbResource(http, codec);
  return {
    ...base,
    async setMembers(edgeId, poolId, members) {
      const pool = await base.get(edgeId, poolId);
      const wanted = members.map(fullMember);
      const have = pool.members.map(({ memberId: _ignored, ...m }) => m);
      if (sameMembers(have, wanted)) return false;
      const { name, description, algorithm, transparent, monitorId } = pool;
      await base.update(edgeId, poolId, {
        name,
        description,
        algorithm,
        transparent,
        ...(monitorId ? { monitorId } : {}),
        members: wanted,
      });
      return true;
    },
  };
}

function sameMembers(a: FullMember[], b: FullMember[]): boolean {
  const key = (ms: FullMember[]): string =>
    ms
      .map((m) => JSON.stringify(m))
      .sort()
      .join('\n');
  return key(a) === key(b);
}
