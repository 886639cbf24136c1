/**
 * The Edge firewall (`/api/4.0/edges/{edgeId}/firewall/config` and `.../rules`): a load-balancer VIP needs
 * a rule letting its traffic in ("add firewall rules to allow required traffic", RAML). Default policy deny.
 */
import ipaddr from 'ipaddr.js';
import type { Router } from '../framework';
import { child, children, text, texts, type XmlNode } from '../../clients/nsxv/xml';
import { invalid, notFound } from './errors';
import { route, xmlBody } from './request';
import type { EdgeState, FirewallRuleState, NsxvState } from './state';
import { created, noContent, xmlResponse } from './xml-response';

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'any'];

function readRule(n: XmlNode, id: string): FirewallRuleState {
  const service = child(child(n, 'application'), 'service');
  const addresses = (side: string): string[] => {
    const ips = texts(child(n, side), 'ipAddress');
    for (const ip of ips)
      if (!ipaddr.isValid(ip) && !ipaddr.isValidCIDR(ip))
        throw invalid(`${side}: "${ip}" is not an IP address or CIDR.`);
    return ips;
  };
  const protocol = (text(service, 'protocol') ?? 'any').toLowerCase();
  if (!PROTOCOLS.includes(protocol))
    throw invalid(`protocol: "${protocol}" is not one of ${PROTOCOLS.join(', ')}.`);
  const action = (text(n, 'action') ?? 'accept').toLowerCase();
  if (!['accept', 'deny', 'reject'].includes(action))
    throw invalid(`action: "${action}" is not accept, deny or reject.`);
  return {
    id,
    name: text(n, 'name') ?? '',
    ruleType: 'user',
    action,
    enabled: (text(n, 'enabled') ?? 'true').toLowerCase() === 'true',
    loggingEnabled: (text(n, 'loggingEnabled') ?? 'false').toLowerCase() === 'true',
    description: text(n, 'description') ?? '',
    direction: text(n, 'direction') ?? 'in',
    matchTranslated: (text(n, 'matchTranslated') ?? 'false').toLowerCase() === 'true',
    sourceIps: addresses('source'),
    destinationIps: addresses('destination'),
    protocol,
    port: text(service, 'port') ?? 'any',
    sourcePort: text(service, 'sourcePort') ?? 'any',
  };
}

/** The rule as GET answers it: the firewallRule order of nsxEdgeFirewallConfigUpdate.xsd, plus id and ruleType. */
function renderRule(r: FirewallRuleState): XmlNode {
  const side = (ips: string[]): XmlNode | undefined =>
    ips.length > 0 ? { exclude: 'false', ipAddress: ips } : undefined;
  return {
    id: r.id,
    ruleTag: r.id,
    name: r.name,
    ruleType: r.ruleType,
    source: side(r.sourceIps),
    destination: side(r.destinationIps),
    application: { service: { protocol: r.protocol, port: r.port, sourcePort: r.sourcePort } },
    matchTranslated: String(r.matchTranslated),
    direction: r.direction,
    action: r.action,
    enabled: String(r.enabled),
    loggingEnabled: String(r.loggingEnabled),
    description: r.description,
  };
}

export function registerFirewall(
  router: Router,
  state: () => NsxvState,
  findEdge: (id: string) => EdgeState,
): void {
  const config = '/api/4.0/edges/:edgeId/firewall/config';
  const findRule = (edge: EdgeState, id: string): FirewallRuleState => {
    const rule = edge.firewall.rules.find((r) => r.id === id);
    if (!rule) throw notFound(`firewall rule ${id}`);
    return rule;
  };
  router.add(
    'GET',
    config,
    route((_req, p) => {
      const fw = findEdge(p.edgeId ?? '').firewall;
      return xmlResponse(200, 'firewall', {
        defaultPolicy: { action: fw.defaultAction, loggingEnabled: 'false' },
        enabled: String(fw.enabled),
        firewallRules: { firewallRule: fw.rules.map(renderRule) },
      });
    }),
  );
  router.add(
    'POST',
    `${config}/rules`,
    route((req, p) => {
      const edge = findEdge(p.edgeId ?? '');
      const rules = children(xmlBody(req, 'firewallRules').node, 'firewallRule');
      if (rules.length === 0) throw invalid('firewallRules: at least one firewallRule is required.');
      const added = rules.map((n) => readRule(n, ''));
      for (const rule of added) {
        rule.id = String(state().nextRuleId++);
        edge.firewall.rules.push(rule);
      }
      return created(`/api/4.0/edges/${edge.id}/firewall/config/rules/${added[0]?.id ?? ''}`);
    }),
  );
  router.add(
    'GET',
    `${config}/rules/:ruleId`,
    route((_req, p) =>
      xmlResponse(200, 'firewallRule', renderRule(findRule(findEdge(p.edgeId ?? ''), p.ruleId ?? ''))),
    ),
  );
  router.add(
    'PUT',
    `${config}/rules/:ruleId`,
    route((req, p) => {
      const edge = findEdge(p.edgeId ?? '');
      const old = findRule(edge, p.ruleId ?? '');
      const rule = readRule(xmlBody(req, 'firewallRule').node, old.id);
      edge.firewall.rules[edge.firewall.rules.indexOf(old)] = rule;
      return noContent();
    }),
  );
  router.add(
    'DELETE',
    `${config}/rules/:ruleId`,
    route((_req, p) => {
      const edge = findEdge(p.edgeId ?? '');
      const rule = findRule(edge, p.ruleId ?? '');
      edge.firewall.rules.splice(edge.firewall.rules.indexOf(rule), 1);
      return noContent();
    }),
  );
}
