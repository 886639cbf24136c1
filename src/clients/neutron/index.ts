import type { HttpClient } from '../http/types';
import { NeutronExtensions } from './extensions';
import { FloatingIps } from './floating-ips';
import { Networks } from './networks';
import { Ports } from './ports';
import { NeutronQuotas } from './quotas';
import type { TagSupport } from './resource';
import { Routers } from './routers';
import { SecurityGroupRules } from './security-group-rules';
import { SecurityGroups } from './security-groups';
import { Subnets } from './subnets';
import { NeutronTags } from './tags';

export * from './networks';
export * from './subnets';
export * from './ports';
export * from './routers';
export * from './floating-ips';
export * from './security-groups';
export * from './security-group-rules';
export * from './quotas';
export * from './extensions';
export * from './tags';
export type { ListOptions } from './list-options';
export { parseNeutronError } from './parse-error';

/** Neutron's catalog URL usually has no version; viok speaks v2.0. */
export function neutronBaseUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return /\/v2\.0$/.test(trimmed) ? trimmed : `${trimmed}/v2.0`;
}

/** All of Neutron that viok uses, over one HttpClient whose base URL ends in /v2.0. */
export class NeutronClient {
  readonly extensions: NeutronExtensions;
  readonly tags: NeutronTags;
  readonly networks: Networks;
  readonly subnets: Subnets;
  readonly ports: Ports;
  readonly routers: Routers;
  readonly floatingIps: FloatingIps;
  readonly securityGroups: SecurityGroups;
  readonly securityGroupRules: SecurityGroupRules;
  readonly quotas: NeutronQuotas;

  constructor(readonly http: HttpClient) {
    this.extensions = new NeutronExtensions(http);
    this.tags = new NeutronTags(http);
    const tagging: TagSupport = {
      tags: this.tags,
      createTimeTags: () => this.extensions.supportsCreateTimeTags(),
    };
    this.networks = new Networks(http, 'network', 'networks', tagging);
    this.subnets = new Subnets(http, 'subnet', 'subnets', tagging);
    this.ports = new Ports(http, 'port', 'ports', tagging);
    this.routers = new Routers(http, 'router', 'routers', tagging);
    this.floatingIps = new FloatingIps(http, 'floatingip', 'floatingips', tagging);
    this.securityGroups = new SecurityGroups(
      http,
      'security_group',
      'security_groups',
      tagging,
      'security-groups',
    );
    this.securityGroupRules = new SecurityGroupRules(
      http,
      'security_group_rule',
      'security_group_rules',
      tagging,
      'security-group-rules',
    );
    this.quotas = new NeutronQuotas(http);
  }
}
