import ipaddr from 'ipaddr.js';
import { OperationError } from '../../core/errors';
import type { HttpClient } from '../http/types';
import { EDGES, edgePath, getXml, xmlRequest } from './request';
import type { Edge, EdgeAddressGroup, EdgeSummary, EdgeVnic } from './types';
import { bool, child, children, int, text, texts, type XmlNode } from './xml';

/** Edges per page when listing. @default 256 (the manager's own default page). */
const PAGE_SIZE = 256;

export interface EdgesApi {
  /** Every Edge, following `pagingInfo` across pages. */
  list(): Promise<EdgeSummary[]>;
  /** The Edge with exactly this name (VIO names an exclusive router's Edge `<router name>-<router id>`). */
  findByName(name: string): Promise<EdgeSummary | undefined>;
  get(edgeId: string): Promise<Edge>;
  vnics(edgeId: string): Promise<EdgeVnic[]>;
  /** The uplink (external) vnic's primary address: the router's gateway address. */
  uplinkAddress(edgeId: string): Promise<string | undefined>;
  /**
   * Adds `ip` as a secondary address of the vnic whose subnet contains it (or of `vnicIndex`), so a
   * load-balancer VIP on that subnet answers. Returns false when it was already there.
   */
  addSecondaryAddress(edgeId: string, ip: string, vnicIndex?: number): Promise<boolean>;
  /** Removes `ip` from whichever vnic has it; returns false when none had it. */
  removeSecondaryAddress(edgeId: string, ip: string): Promise<boolean>;
}

function summaryFromXml(n: XmlNode): EdgeSummary {
  const state = text(n, 'state');
  const edgeType = text(n, 'edgeType') ?? text(n, 'type');
  return {
    id: text(n, 'id') ?? text(n, 'objectId') ?? '',
    name: text(n, 'name') ?? '',
    ...(state ? { state } : {}),
    ...(edgeType ? { edgeType } : {}),
  };
}

function addressGroupFromXml(n: XmlNode): EdgeAddressGroup {
  const prefix = int(n, 'subnetPrefixLength');
  const mask = text(n, 'subnetMask');
  return {
    primaryAddress: text(n, 'primaryAddress') ?? '',
    ...(prefix !== undefined ? { subnetPrefixLength: prefix } : {}),
    ...(mask ? { subnetMask: mask } : {}),
    secondaryAddresses: texts(child(n, 'secondaryAddresses'), 'ipAddress'),
  };
}

function vnicFromXml(n: XmlNode): EdgeVnic {
  const portgroupId = text(n, 'portgroupId');
  return {
    index: int(n, 'index') ?? -1,
    name: text(n, 'name') ?? '',
    type: text(n, 'type') ?? '',
    isConnected: bool(n, 'isConnected', false),
    ...(portgroupId ? { portgroupId } : {}),
    addressGroups: children(child(n, 'addressGroups'), 'addressGroup').map(addressGroupFromXml),
  };
}

function prefixLength(g: EdgeAddressGroup): number | undefined {
  if (g.subnetPrefixLength !== undefined) return g.subnetPrefixLength;
  if (g.subnetMask && ipaddr.IPv4.isValid(g.subnetMask))
    return ipaddr.IPv4.parse(g.subnetMask).prefixLengthFromSubnetMask() ?? undefined;
  return undefined;
}

function inSubnet(ip: string, g: EdgeAddressGroup): boolean {
  const bits = prefixLength(g);
  if (bits === undefined || !ipaddr.isValid(ip) || !ipaddr.isValid(g.primaryAddress)) return false;
  const a = ipaddr.parse(ip);
  const b = ipaddr.parse(g.primaryAddress);
  return a.kind() === b.kind() && a.match(b, bits);
}

/** Sets an addressGroup's secondary addresses, keeping the API's element order (primary, secondary, mask). */
function setSecondary(group: XmlNode, addresses: string[]): void {
  const rest = Object.entries(group).filter(([k]) => k !== 'primaryAddress' && k !== 'secondaryAddresses');
  const primaryAddress = group.primaryAddress;
  for (const key of Object.keys(group)) delete group[key];
  if (primaryAddress !== undefined) group.primaryAddress = primaryAddress;
  if (addresses.length > 0) group.secondaryAddresses = { ipAddress: addresses };
  for (const [k, v] of rest) group[k] = v;
}

export function edgesApi(http: HttpClient): EdgesApi {
  async function list(): Promise<EdgeSummary[]> {
    const all: EdgeSummary[] = [];
    for (let start = 0; ;) {
      const page = child(await getXml(http, EDGES, { startIndex: start, pageSize: PAGE_SIZE }), 'edgePage');
      const summaries = children(page, 'edgeSummary').map(summaryFromXml);
      all.push(...summaries);
      const total = int(child(page, 'pagingInfo'), 'totalCount') ?? all.length;
      if (summaries.length === 0 || all.length >= total) return all;
      start += summaries.length;
    }
  }

  async function vnicNodes(edgeId: string): Promise<XmlNode[]> {
    return children(await getXml(http, edgePath(edgeId, 'vnics')), 'vnic');
  }

  /** Read-modify-write of one vnic's XML, so fields viok does not model go back unchanged. */
  async function putVnic(edgeId: string, node: XmlNode): Promise<void> {
    const index = text(node, 'index') ?? '';
    await xmlRequest(http, 'PUT', edgePath(edgeId, 'vnics', index), {
      body: { root: 'vnic', content: node },
    });
  }

  return {
    list,
    async findByName(name) {
      return (await list()).find((e) => e.name === name);
    },
    async get(edgeId) {
      const n = await getXml(http, edgePath(edgeId));
      return { ...summaryFromXml(n), vnics: children(child(n, 'vnics'), 'vnic').map(vnicFromXml) };
    },
    async vnics(edgeId) {
      return (await vnicNodes(edgeId)).map(vnicFromXml);
    },
    async uplinkAddress(edgeId) {
      const uplink = (await vnicNodes(edgeId))
        .map(vnicFromXml)
        .find((v) => v.type === 'uplink' && v.isConnected);
      return uplink?.addressGroups[0]?.primaryAddress || undefined;
    },
    async addSecondaryAddress(edgeId, ip, vnicIndex) {
      const nodes = await vnicNodes(edgeId);
      for (const node of nodes) {
        const vnic = vnicFromXml(node);
        if (vnicIndex !== undefined && vnic.index !== vnicIndex) continue;
        const groups = children(child(node, 'addressGroups'), 'addressGroup');
        const at = groups.findIndex((g) => vnicIndex !== undefined || inSubnet(ip, addressGroupFromXml(g)));
        const group = groups[at];
        if (!group) continue;
        const secondary = texts(child(group, 'secondaryAddresses'), 'ipAddress');
        if (secondary.includes(ip)) return false;
        setSecondary(group, [...secondary, ip]);
        await putVnic(edgeId, node);
        return true;
      }
      throw new OperationError(`NSX Edge ${edgeId} has no interface on a subnet that contains ${ip}`);
    },
    async removeSecondaryAddress(edgeId, ip) {
      for (const node of await vnicNodes(edgeId)) {
        for (const group of children(child(node, 'addressGroups'), 'addressGroup')) {
          const secondary = texts(child(group, 'secondaryAddresses'), 'ipAddress');
          if (!secondary.includes(ip)) continue;
          setSecondary(
            group,
            secondary.filter((a) => a !== ip),
          );
          await putVnic(edgeId, node);
          return true;
        }
      }
      return false;
    },
  };
}
