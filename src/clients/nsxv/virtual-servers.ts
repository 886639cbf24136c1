import type { LbCodec } from './lb-resource';
import type { VirtualServer, VirtualServerInput } from './types';
import { bool, int, text, type XmlNode } from './xml';

/**
 * virtualServersCreate.xsd order. `applicationRuleId` (optional in the RAML) is left out rather than sent
 * empty: viok uses no application rules, and an empty id would name a rule that does not exist.
 */
export function virtualServerToXml(v: VirtualServerInput): XmlNode {
  return {
    name: v.name,
    description: v.description ?? '',
    enabled: String(v.enabled ?? true),
    ipAddress: v.ipAddress,
    protocol: v.protocol,
    port: v.port,
    connectionLimit: String(v.connectionLimit ?? 0),
    connectionRateLimit: String(v.connectionRateLimit ?? 0),
    applicationProfileId: v.applicationProfileId ?? '',
    defaultPoolId: v.defaultPoolId ?? '',
    enableServiceInsertion: 'false',
    accelerationEnabled: String(v.accelerationEnabled ?? false),
  };
}

/** loadBalancerConfig.xsd order: the id first, no applicationRuleId. */
export function virtualServerToConfigXml(v: VirtualServer): XmlNode {
  return { virtualServerId: v.id, ...virtualServerToXml(v) };
}

export function virtualServerFromXml(n: XmlNode): VirtualServer {
  const applicationProfileId = text(n, 'applicationProfileId');
  const defaultPoolId = text(n, 'defaultPoolId');
  return {
    id: text(n, 'virtualServerId') ?? '',
    name: text(n, 'name') ?? '',
    description: text(n, 'description') ?? '',
    enabled: bool(n, 'enabled', true),
    ipAddress: text(n, 'ipAddress') ?? '',
    protocol: text(n, 'protocol') ?? '',
    port: text(n, 'port') ?? '',
    connectionLimit: int(n, 'connectionLimit') ?? 0,
    connectionRateLimit: int(n, 'connectionRateLimit') ?? 0,
    accelerationEnabled: bool(n, 'accelerationEnabled', false),
    ...(applicationProfileId ? { applicationProfileId } : {}),
    ...(defaultPoolId ? { defaultPoolId } : {}),
  };
}

/** How the Edge's load balancer writes and reads a virtualServer; `lbResource` makes the API of it. */
export const virtualServerCodec: LbCodec<VirtualServer, VirtualServerInput> = {
  collection: 'virtualservers',
  element: 'virtualServer',
  toXml: virtualServerToXml,
  fromXml: virtualServerFromXml,
};
