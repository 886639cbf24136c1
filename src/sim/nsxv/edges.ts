/**
 * `/api/4.0/edges`: the paged Edge list, one Edge, and its vnics. A vnic PUT is how a load-balancer VIP
 * becomes a secondary address of the uplink (vmware-nsx `add_vip_as_secondary_ip`).
 */
import ipaddr from 'ipaddr.js';
import type { Router } from '../framework';
import { child, children, text, texts, type XmlNode } from '../../clients/nsxv/xml';
import { invalid, notFound } from './errors';
import { route, xmlBody } from './request';
import type { AddressGroupState, EdgeState, NsxvState, VnicState } from './state';
import { xmlResponse, noContent } from './xml-response';

const DATACENTER = { moid: 'datacenter-2', name: 'VIO Datacenter' };
const VERSION = '6.4.14';

function mask(prefix: number): string {
  return ipaddr.IPv4.subnetMaskFromPrefixLength(prefix).toString();
}

/** nsxEdgeUpdate.xsd's vnic element order. */
export function renderVnic(v: VnicState): XmlNode {
  const shaping = {
    averageBandwidth: '0',
    peakBandwidth: '0',
    burstSize: '0',
    enabled: 'false',
    inherited: 'false',
  };
  return {
    index: String(v.index),
    name: v.name,
    type: v.type,
    portgroupId: v.portgroupId,
    addressGroups: {
      addressGroup: v.addressGroups.map((g) => ({
        primaryAddress: g.primaryAddress,
        secondaryAddresses: g.secondaryAddresses.length > 0 ? { ipAddress: g.secondaryAddresses } : undefined,
        subnetMask: mask(g.subnetPrefixLength),
      })),
    },
    mtu: String(v.mtu),
    enableProxyArp: 'false',
    enableSendRedirects: 'true',
    isConnected: String(v.isConnected),
    inShapingPolicy: shaping,
    outShapingPolicy: shaping,
  };
}

function renderSummary(e: EdgeState): XmlNode {
  return {
    objectId: e.id,
    objectTypeName: 'Edge',
    revision: '1',
    type: { typeName: 'Edge' },
    name: e.name,
    isUniversal: 'false',
    id: e.id,
    state: 'deployed',
    edgeType: 'gatewayServices',
    datacenterMoid: DATACENTER.moid,
    datacenterName: DATACENTER.name,
    tenantId: e.tenant,
    apiVersion: '4.0',
    edgeStatus: 'GREEN',
    numberOfConnectedVnics: String(e.vnics.filter((v) => v.isConnected).length),
    appliancesSummary: {
      vmVersion: VERSION,
      applianceSize: e.applianceSize,
      fqdn: e.name,
      numberOfDeployedVms: '1',
    },
  };
}

function renderEdge(e: EdgeState): XmlNode {
  return {
    id: e.id,
    version: '1',
    status: 'deployed',
    datacenterMoid: DATACENTER.moid,
    datacenterName: DATACENTER.name,
    tenant: e.tenant,
    name: e.name,
    fqdn: e.name,
    enableAesni: 'true',
    enableFips: 'false',
    vseLogLevel: 'info',
    vnics: { vnic: e.vnics.map(renderVnic) },
    appliances: { applianceSize: e.applianceSize, deployAppliances: 'true' },
    type: 'gatewayServices',
    isUniversal: 'false',
  };
}

function pageParam(query: URLSearchParams, name: string): string | null {
  for (const [k, v] of query) if (k.toLowerCase() === name.toLowerCase()) return v;
  return null;
}

function intParam(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = pageParam(query, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw invalid(`${name}: "${raw}" is not a number.`);
  return Math.min(Number(raw), max);
}

/** Applies a vnic PUT: the address groups (with secondary addresses) and the name; the rest is the manager's. */
function applyVnic(vnic: VnicState, node: XmlNode): void {
  const groups: AddressGroupState[] = children(child(node, 'addressGroups'), 'addressGroup').map((g) => {
    const primaryAddress = text(g, 'primaryAddress') ?? '';
    if (!ipaddr.IPv4.isValid(primaryAddress))
      throw invalid(`primaryAddress: "${primaryAddress}" is not a valid IPv4 address.`);
    const prefixText = text(g, 'subnetPrefixLength');
    const maskText = text(g, 'subnetMask');
    const prefix =
      prefixText !== undefined
        ? Number(prefixText)
        : maskText && ipaddr.IPv4.isValid(maskText)
          ? ipaddr.IPv4.parse(maskText).prefixLengthFromSubnetMask()
          : null;
    if (prefix === null || !Number.isInteger(prefix) || prefix < 1 || prefix > 32)
      throw invalid('addressGroup: subnetMask or subnetPrefixLength is required.');
    const subnet = ipaddr.IPv4.parse(primaryAddress);
    const secondaryAddresses = texts(child(g, 'secondaryAddresses'), 'ipAddress');
    for (const s of secondaryAddresses) {
      if (!ipaddr.IPv4.isValid(s) || !ipaddr.IPv4.parse(s).match(subnet, prefix)) {
        throw invalid(`secondaryAddresses: ${s} is not in the subnet of ${primaryAddress}/${prefix}.`);
      }
    }
    return { primaryAddress, subnetPrefixLength: prefix, secondaryAddresses };
  });
  vnic.addressGroups = groups;
  vnic.name = text(node, 'name') ?? vnic.name;
}

/** Every Edge here backs a router: its connected uplink and its router-interface vnics are Neutron's. */
function neutronManaged(vnic: VnicState): boolean {
  return vnic.portId !== undefined || (vnic.index === 0 && vnic.isConnected);
}

/** A vnic mirroring a Neutron port keeps Neutron's address: only secondary addresses may change. */
function applyVnicChecked(vnic: VnicState, node: XmlNode, neutronPrimary: string | undefined): void {
  const before = structuredClone(vnic);
  applyVnic(vnic, node);
  if (neutronManaged(vnic) && vnic.addressGroups[0]?.primaryAddress !== neutronPrimary) {
    Object.assign(vnic, before);
    throw invalid(
      `vNic ${vnic.index} is managed by OpenStack Neutron: its primary address ${neutronPrimary ?? ''} cannot be changed here.`,
    );
  }
}

export function registerEdges(
  router: Router,
  state: () => NsxvState,
  findEdge: (id: string) => EdgeState,
): void {
  router.add(
    'GET',
    '/api/4.0/edges',
    route((req) => {
      const startIndex = intParam(req.query, 'startIndex', 0, Number.MAX_SAFE_INTEGER);
      const pageSize = intParam(req.query, 'pageSize', 256, 1024);
      const edges = state().edges;
      return xmlResponse(200, 'pagedEdgeList', {
        edgePage: {
          pagingInfo: {
            pageSize: String(pageSize),
            startIndex: String(startIndex),
            totalCount: String(edges.length),
            sortOrderAscending: 'true',
            sortBy: 'id',
          },
          edgeSummary: edges.slice(startIndex, startIndex + pageSize).map(renderSummary),
        },
      });
    }),
  );
  router.add(
    'GET',
    '/api/4.0/edges/:edgeId',
    route((_req, p) => xmlResponse(200, 'edge', renderEdge(findEdge(p.edgeId ?? '')))),
  );
  router.add(
    'GET',
    '/api/4.0/edges/:edgeId/summary',
    route((_req, p) => xmlResponse(200, 'edgeSummary', renderSummary(findEdge(p.edgeId ?? '')))),
  );
  router.add(
    'GET',
    '/api/4.0/edges/:edgeId/vnics',
    route((_req, p) => xmlResponse(200, 'vnics', { vnic: findEdge(p.edgeId ?? '').vnics.map(renderVnic) })),
  );

  const findVnic = (edgeId: string, index: string): VnicState => {
    const vnic = findEdge(edgeId).vnics.find((v) => String(v.index) === index);
    if (!vnic) throw notFound(`vNic ${index}`);
    return vnic;
  };
  router.add(
    'GET',
    '/api/4.0/edges/:edgeId/vnics/:index',
    route((_req, p) => xmlResponse(200, 'vnic', renderVnic(findVnic(p.edgeId ?? '', p.index ?? '')))),
  );
  router.add(
    'PUT',
    '/api/4.0/edges/:edgeId/vnics/:index',
    route((req, p) => {
      const vnic = findVnic(p.edgeId ?? '', p.index ?? '');
      // The RAML example wraps the vnic in <vnics>; vmware-nsx sends the bare vnic. Both are accepted.
      const { root, node } = xmlBody(req, 'vnic', 'vnics');
      const body = root === 'vnics' ? children(node, 'vnic')[0] : node;
      if (!body) throw invalid('Expected a <vnic> element.');
      if (neutronManaged(vnic) && (text(body, 'isConnected') ?? 'true').toLowerCase() === 'false') {
        throw invalid(`vNic ${vnic.index} is managed by OpenStack Neutron and cannot be disconnected here.`);
      }
      const primary = vnic.addressGroups[0]?.primaryAddress;
      applyVnicChecked(vnic, body, primary);
      return noContent();
    }),
  );
}
