import { NeutronResource } from './resource';

export interface SecurityGroupRule {
  id: string;
  security_group_id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
  description?: string;
  project_id: string;
  tags?: string[];
}

export interface SecurityGroupRuleCreate {
  security_group_id: string;
  direction: 'ingress' | 'egress';
  ethertype?: 'IPv4' | 'IPv6';
  protocol?: string;
  port_range_min?: number;
  port_range_max?: number;
  remote_ip_prefix?: string;
  remote_group_id?: string;
  description?: string;
}

/** Rules cannot be changed once created (Neutron has no PUT for them beyond the description). */
export type SecurityGroupRuleUpdate = { description?: string };

export class SecurityGroupRules extends NeutronResource<
  SecurityGroupRule,
  SecurityGroupRuleCreate,
  SecurityGroupRuleUpdate
> {}
