/**
 * Load-balancer objects between XML and state. Rendering follows loadBalancerConfig.xsd's element order;
 * reading is lenient about order and absent elements (the manager's JAXB binding is), and strict about
 * values, answering 400 the way the manager does.
 */
import ipaddr from 'ipaddr.js';
import { profileToConfigXml } from '../../clients/nsxv/application-profiles';
import { monitorToConfigXml } from '../../clients/nsxv/monitors';
import { poolToConfigXml } from '../../clients/nsxv/pools';
import { child, children, text, texts, type XmlNode } from '../../clients/nsxv/xml';
import { invalid } from './errors';
import type {
  LbState,
  MemberState,
  MonitorState,
  PoolState,
  ProfileState,
  VirtualServerState,
} from './state';

const TEMPLATES = ['TCP', 'UDP', 'HTTP', 'HTTPS'];
const PROTOCOLS = ['tcp', 'udp', 'http', 'https'];
const MONITOR_TYPES = ['tcp', 'udp', 'http', 'https', 'icmp'];
const ALGORITHMS = ['round-robin', 'ip-hash', 'uri', 'leastconn', 'url', 'httpheader'];
const CONDITIONS = ['enabled', 'disabled', 'drain'];

// ---- reading ----

function required(n: XmlNode, name: string, what: string): string {
  const v = text(n, name);
  if (v === undefined) throw invalid(`${what}: ${name} is required.`);
  return v;
}

function boolOf(n: XmlNode, name: string, fallback: boolean): boolean {
  const v = text(n, name);
  if (v === undefined) return fallback;
  if (!/^(true|false)$/i.test(v)) throw invalid(`${name}: "${v}" is not a boolean (true or false).`);
  return v.toLowerCase() === 'true';
}

function intOf(n: XmlNode, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = text(n, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw invalid(`${name}: "${v}" is not a number between ${min} and ${max}.`);
  return Number(v);
}

function oneOf(value: string, allowed: string[], name: string): string {
  if (!allowed.includes(value.toLowerCase()) && !allowed.includes(value.toUpperCase())) {
    throw invalid(`${name}: "${value}" is not one of ${allowed.join(', ')}.`);
  }
  return allowed.includes(value.toLowerCase()) ? value.toLowerCase() : value.toUpperCase();
}

function ipOf(value: string, name: string): string {
  if (!ipaddr.isValid(value)) throw invalid(`${name}: "${value}" is not a valid IP address.`);
  return value;
}

/** `80`, `443,6000-7000`: numbers and ranges, 1..65535. */
function portSpec(value: string): string {
  const ok = value.split(',').every((part) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    return lo >= 1 && hi <= 65535 && lo <= hi;
  });
  if (!ok) throw invalid(`port: "${value}" is not a port, a range or a comma-separated list of them.`);
  return value;
}

export function readProfile(n: XmlNode, id: string): ProfileState {
  const persistence = child(n, 'persistence');
  const method = text(persistence, 'method');
  return {
    id,
    name: required(n, 'name', 'applicationProfile'),
    template: oneOf(text(n, 'template') ?? 'HTTP', TEMPLATES, 'template'),
    insertXForwardedFor: boolOf(n, 'insertXForwardedFor', false),
    sslPassthrough: boolOf(n, 'sslPassthrough', false),
    serverSslEnabled: boolOf(n, 'serverSslEnabled', false),
    ...(method
      ? {
          persistence: {
            method,
            cookieName: text(persistence, 'cookieName') ?? '',
            cookieMode: text(persistence, 'cookieMode') ?? '',
          },
        }
      : {}),
  };
}

export function readMonitor(n: XmlNode, id: string): MonitorState {
  const interval = intOf(n, 'interval', 5, 1);
  const timeout = intOf(n, 'timeout', 15, 1);
  return {
    id,
    name: required(n, 'name', 'monitor'),
    type: oneOf(required(n, 'type', 'monitor'), MONITOR_TYPES, 'type'),
    interval,
    timeout,
    maxRetries: intOf(n, 'maxRetries', 3, 1),
    method: text(n, 'method') ?? '',
    url: text(n, 'url') ?? '',
  };
}

/** Members keep their ids across a PUT when the request carries them (or names an existing member). */
export function readPool(n: XmlNode, id: string, lb: LbState, previous?: PoolState): PoolState {
  const members: MemberState[] = children(n, 'member').map((m) => {
    const name = text(m, 'name') ?? '';
    const ipAddress = ipOf(required(m, 'ipAddress', 'member'), 'member ipAddress');
    if (text(m, 'port') === undefined && text(m, 'monitorPort') === undefined) {
      throw invalid(`member ${name || ipAddress}: either monitorPort or port must be configured.`);
    }
    const port = intOf(m, 'port', 0, 1, 65535);
    const kept =
      text(m, 'memberId') ?? previous?.members.find((p) => name !== '' && p.name === name)?.memberId;
    return {
      memberId: kept ?? '',
      name,
      ipAddress,
      port,
      monitorPort: intOf(m, 'monitorPort', port, 1, 65535),
      weight: intOf(m, 'weight', 1, 1, 256),
      minConn: intOf(m, 'minConn', 0),
      maxConn: intOf(m, 'maxConn', 0),
      condition: oneOf(text(m, 'condition') ?? 'enabled', CONDITIONS, 'member condition'),
    };
  });
  const names = members.map((m) => m.name).filter((x) => x !== '');
  const dup = names.find((x, i) => names.indexOf(x) !== i);
  if (dup !== undefined) throw invalid(`Pool member name ${dup} is used more than once.`);
  const monitorIds = texts(n, 'monitorId');
  if (monitorIds.length > 1) throw invalid('At the most one monitor is supported per pool.');
  const monitorId = monitorIds[0] ?? '';
  if (monitorId !== '' && !lb.monitors.some((m) => m.id === monitorId))
    throw invalid(`monitorId: ${monitorId} is not a monitor on this Edge.`);
  return {
    id,
    name: required(n, 'name', 'pool'),
    description: text(n, 'description') ?? '',
    algorithm: oneOf(text(n, 'algorithm') ?? 'round-robin', ALGORITHMS, 'algorithm'),
    transparent: boolOf(n, 'transparent', false),
    monitorId,
    members,
  };
}

/** The VIP must be an address of the Edge (RAML: "A valid NSX Edge vNic IP address"). */
export function readVirtualServer(
  n: XmlNode,
  id: string,
  lb: LbState,
  edgeAddresses: string[],
): VirtualServerState {
  const ipAddress = ipOf(required(n, 'ipAddress', 'virtualServer'), 'ipAddress');
  if (!edgeAddresses.includes(ipAddress)) {
    throw invalid(
      `ipAddress: ${ipAddress} is not configured on any vNic of the Edge; add it as a secondary address first.`,
    );
  }
  const applicationProfileId = text(n, 'applicationProfileId') ?? '';
  if (applicationProfileId !== '' && !lb.applicationProfiles.some((p) => p.id === applicationProfileId)) {
    throw invalid(
      `applicationProfileId: ${applicationProfileId} is not an application profile on this Edge.`,
    );
  }
  const defaultPoolId = text(n, 'defaultPoolId') ?? '';
  if (defaultPoolId !== '' && !lb.pools.some((p) => p.id === defaultPoolId)) {
    throw invalid(`defaultPoolId: ${defaultPoolId} is not a pool on this Edge.`);
  }
  return {
    id,
    name: required(n, 'name', 'virtualServer'),
    description: text(n, 'description') ?? '',
    enabled: boolOf(n, 'enabled', true),
    ipAddress,
    protocol: oneOf(required(n, 'protocol', 'virtualServer'), PROTOCOLS, 'protocol'),
    port: portSpec(required(n, 'port', 'virtualServer')),
    connectionLimit: intOf(n, 'connectionLimit', 0),
    connectionRateLimit: intOf(n, 'connectionRateLimit', 0),
    applicationProfileId,
    defaultPoolId,
    enableServiceInsertion: boolOf(n, 'enableServiceInsertion', false),
    accelerationEnabled: boolOf(n, 'accelerationEnabled', false),
    applicationRuleIds: texts(n, 'applicationRuleId'),
  };
}

// ---- rendering (loadBalancerConfig.xsd order) ----

/** The config's forms are the ones the client writes in a whole-config PUT: one schema, both ways. */
export const renderProfile: (p: ProfileState) => XmlNode = profileToConfigXml;

export const renderMonitor: (m: MonitorState) => XmlNode = monitorToConfigXml;

export const renderPool: (p: PoolState) => XmlNode = poolToConfigXml;

export function renderVirtualServer(v: VirtualServerState): XmlNode {
  return {
    virtualServerId: v.id,
    name: v.name,
    description: v.description,
    enabled: String(v.enabled),
    ipAddress: v.ipAddress,
    protocol: v.protocol,
    port: v.port,
    connectionLimit: String(v.connectionLimit),
    connectionRateLimit: String(v.connectionRateLimit),
    applicationProfileId: v.applicationProfileId,
    defaultPoolId: v.defaultPoolId,
    enableServiceInsertion: String(v.enableServiceInsertion),
    accelerationEnabled: String(v.accelerationEnabled),
    applicationRuleId: v.applicationRuleIds.length > 0 ? v.applicationRuleIds : undefined,
  };
}

export function renderConfig(
  lb: LbState,
  parts: { virtualServer?: boolean; applicationProfile?: boolean; pool?: boolean; monitor?: boolean } = {},
): XmlNode {
  const all = Object.keys(parts).length === 0;
  return {
    enabled: String(lb.enabled),
    enableServiceInsertion: String(lb.enableServiceInsertion),
    accelerationEnabled: String(lb.accelerationEnabled),
    logging: { enable: String(lb.logging.enable), logLevel: lb.logging.logLevel },
    virtualServer: all || parts.virtualServer ? lb.virtualServers.map(renderVirtualServer) : undefined,
    applicationProfile:
      all || parts.applicationProfile ? lb.applicationProfiles.map(renderProfile) : undefined,
    pool: all || parts.pool ? lb.pools.map(renderPool) : undefined,
    monitor: all || parts.monitor ? lb.monitors.map(renderMonitor) : undefined,
  };
}
