import type { HttpClient } from '../http/types';
import { isNotFound } from '../http/errors';
import { edgePath, getXml, idFromLocation, xmlRequest } from './request';
import type { FirewallRule, FirewallRuleInput } from './types';
import { child, children, text, texts, type XmlNode } from './xml';

/** The Edge firewall: a load-balancer VIP needs a rule that lets its traffic in ("add firewall rules", RAML). */
export interface FirewallApi {
  /** POST one rule; returns its id from `Location`. */
  addRule(edgeId: string, rule: FirewallRuleInput): Promise<string>;
  listRules(edgeId: string): Promise<FirewallRule[]>;
  findRuleByName(edgeId: string, name: string): Promise<FirewallRule | undefined>;
  /** PUT one rule (firewallRuleUpdate): the whole rule, e.g. with other sources; its id stays. */
  updateRule(edgeId: string, ruleId: string, rule: FirewallRuleInput): Promise<void>;
  /** Deleting a rule that is already gone succeeds. */
  deleteRule(edgeId: string, ruleId: string): Promise<void>;
}

/**
 * firewallRulesCreate.xsd (and firewallRuleUpdate.xsd) order. `ruleTag`, `source` (any) and `applicationId` are left out: the API
 * assigns the tag, and the rule names its service inline.
 */
export function firewallRuleToXml(r: FirewallRuleInput): XmlNode {
  const addresses = (ips: string[] | undefined): XmlNode => ({ exclude: 'false', ipAddress: ips ?? [] });
  return {
    name: r.name,
    source: r.sourceIps && r.sourceIps.length > 0 ? addresses(r.sourceIps) : undefined,
    destination: addresses(r.destinationIps),
    application: { service: { protocol: r.protocol, port: r.port ?? 'any', sourcePort: 'any' } },
    matchTranslated: 'false',
    direction: 'in',
    action: r.action ?? 'accept',
    enabled: 'true',
    loggingEnabled: 'false',
    description: r.description ?? '',
  };
}

export function firewallRuleFromXml(n: XmlNode): FirewallRule {
  const service = child(child(n, 'application'), 'service');
  const sourceIps = texts(child(n, 'source'), 'ipAddress');
  const port = text(service, 'port');
  const ruleType = text(n, 'ruleType');
  return {
    id: text(n, 'id') ?? '',
    name: text(n, 'name') ?? '',
    action: text(n, 'action') ?? 'accept',
    destinationIps: texts(child(n, 'destination'), 'ipAddress'),
    ...(sourceIps.length > 0 ? { sourceIps } : {}),
    protocol: text(service, 'protocol') ?? 'any',
    ...(port ? { port } : {}),
    description: text(n, 'description') ?? '',
    ...(ruleType ? { ruleType } : {}),
  };
}

export function firewallApi(http: HttpClient): FirewallApi {
  const rulesPath = (edgeId: string): string => edgePath(edgeId, 'firewall', 'config', 'rules');
  async function listRules(edgeId: string): Promise<FirewallRule[]> {
    const config = await getXml(http, edgePath(edgeId, 'firewall', 'config'));
    return children(child(config, 'firewallRules'), 'firewallRule').map(firewallRuleFromXml);
  }
  return {
    async addRule(edgeId, rule) {
      const res = await xmlRequest(http, 'POST', rulesPath(edgeId), {
        body: { root: 'firewallRules', content: { firewallRule: [firewallRuleToXml(rule)] } },
      });
      return idFromLocation(res, 'firewallRule');
    },
    listRules,
    async findRuleByName(edgeId, name) {
      return (await listRules(edgeId)).find((r) => r.name === name);
    },
    async updateRule(edgeId, ruleId, rule) {
      await xmlRequest(http, 'PUT', `${rulesPath(edgeId)}/${encodeURIComponent(ruleId)}`, {
        body: { root: 'firewallRule', content: firewallRuleToXml(rule) },
      });
    },
    async deleteRule(edgeId, ruleId) {
      try {
        await xmlRequest(http, 'DELETE', `${rulesPath(edgeId)}/${encodeURIComponent(ruleId)}`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },
  };
}
