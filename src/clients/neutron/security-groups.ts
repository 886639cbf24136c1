import { NeutronResource } from './resource';
import type { SecurityGroupRule } from './security-group-rules';

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  project_id: string;
  stateful?: boolean;
  security_group_rules: SecurityGroupRule[];
  tags: string[];
}

export interface SecurityGroupCreate {
  name: string;
  description?: string;
  stateful?: boolean;
}

export type SecurityGroupUpdate = Partial<Pick<SecurityGroupCreate, 'name' | 'description'>>;

export class SecurityGroups extends NeutronResource<
  SecurityGroup,
  SecurityGroupCreate,
  SecurityGroupUpdate
> {}
