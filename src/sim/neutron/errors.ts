/**
 * Neutron's fault model: every failure is a `NeutronFault` carrying the HTTP status and the
 * exception class name real Neutron puts in `{"NeutronError": {"type", "message", "detail"}}`.
 * Messages follow neutron-lib's wording so clients that match on them behave the same.
 */
import { OperationError } from '../../core/errors';
import type { SimResponse } from '../framework';

export class NeutronFault extends OperationError {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  toResponse(): SimResponse {
    return {
      status: this.status,
      body: { NeutronError: { type: this.type, message: this.message, detail: '' } },
    };
  }
}

/** The Neutron resource kinds whose NotFound messages differ. */
export type ResourceKind =
  'network' | 'subnet' | 'port' | 'router' | 'floatingip' | 'security_group' | 'security_group_rule';

const notFoundText: Record<ResourceKind, [string, (id: string) => string]> = {
  network: ['NetworkNotFound', (id) => `Network ${id} could not be found.`],
  subnet: ['SubnetNotFound', (id) => `Subnet ${id} could not be found.`],
  port: ['PortNotFound', (id) => `Port ${id} could not be found.`],
  router: ['RouterNotFound', (id) => `Router ${id} could not be found.`],
  floatingip: ['FloatingIPNotFound', (id) => `Floating IP ${id} could not be found`],
  security_group: ['SecurityGroupNotFound', (id) => `Security group ${id} does not exist`],
  security_group_rule: ['SecurityGroupRuleNotFound', (id) => `Security group rule ${id} does not exist`],
};

export function notFound(kind: ResourceKind, id: string): NeutronFault {
  const [type, text] = notFoundText[kind];
  return new NeutronFault(404, type, text(id));
}

/** webob's HTTPBadRequest, used by the API layer for body and query validation. */
export function httpBadRequest(message: string): NeutronFault {
  return new NeutronFault(400, 'HTTPBadRequest', message);
}

/** neutron-lib `BadRequest(resource, msg)`. */
export function badRequest(resource: string, msg: string): NeutronFault {
  return new NeutronFault(400, 'BadRequest', `Bad ${resource} request: ${msg}.`);
}

/** neutron-lib `InvalidInput(error_message)`. */
export function invalidInput(msg: string): NeutronFault {
  return new NeutronFault(400, 'InvalidInput', `Invalid input for operation: ${msg}.`);
}

export function conflict(type: string, message: string): NeutronFault {
  return new NeutronFault(409, type, message);
}
