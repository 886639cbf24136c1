/**
 * The typed NSX-T Manager API client. `http` is bound to the manager's root URL
 * (e.g. `https://nsx-manager`); paths under `/api/v1` and `/api/session/create` are added here.
 *
 * ```ts
 * const nsx = createNsxtClient(http, { auth: { type: 'session', username, password }, allowOverwrite: true });
 * const [port] = await nsx.logicalPorts.findByAttachmentId(neutronPortId);
 * await nsx.logicalPorts.mergeTags(port.id, [{ scope: 'ncp/node_name', tag: 'worker-0' }]);
 * ```
 */
import type { HttpClient } from '../http/types';
import { NsxtConnection, type NsxtClientOptions } from './connection';
import { firewallSections } from './firewall-sections';
import { ipSets, nsGroups } from './grouping';
import { ipBlocks } from './ip-blocks';
import { ipPools } from './ip-pools';
import { ipSubnets } from './ip-subnets';
import { loadBalancer } from './load-balancer';
import { logicalPorts } from './logical-ports';
import { logicalRouterPorts } from './logical-router-ports';
import { logicalRouters } from './logical-routers';
import { logicalSwitches } from './logical-switches';
import { natRules } from './nat-rules';
import { principalIdentities } from './principal-identities';
import { transportZones } from './transport-zones';
import { trustCertificates } from './certificates';

export function createNsxtClient(http: HttpClient, options: NsxtClientOptions) {
  const c = new NsxtConnection(http, options);
  return {
    connection: c,
    logicalPorts: logicalPorts(c),
    ipBlocks: ipBlocks(c),
    ipPools: ipPools(c),
    ipSubnets: ipSubnets(c),
    logicalRouters: logicalRouters(c),
    logicalRouterPorts: logicalRouterPorts(c),
    logicalSwitches: logicalSwitches(c),
    transportZones: transportZones(c),
    natRules: natRules(c),
    firewallSections: firewallSections(c),
    nsGroups: nsGroups(c),
    ipSets: ipSets(c),
    loadBalancer: loadBalancer(c),
    principalIdentities: principalIdentities(c),
    certificates: trustCertificates(c),
  };
}

export type NsxtClient = ReturnType<typeof createNsxtClient>;

export { parseNsxtError } from './error-body';
export { isStaleRevision, type NsxtClientOptions, type WriteOptions } from './connection';
export type { NsxtAuthOptions } from './session';
export { mergeTagList, removeTagScopes, hasTag } from './tags';
export type * from './types';
