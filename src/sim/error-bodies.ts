/** Error bodies in each service's own shape, for failures the server answers itself (faults, 404s, 401s). */
import type { SimResponse } from './framework';
import type { SimService } from './types';

export type ServiceName = SimService['name'];

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Nova's fault names by status, as its wsgi layer picks them. */
const NOVA_FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** A failure a service's handler throws; the route wrapper answers it in the service's own shape. */
export class ServiceFault extends Error {
  constructor(
    readonly service: ServiceName,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  toResponse(): SimResponse {
    return errorResponse(this.service, this.status, this.message);
  }
}

/** A failure body as the named service would send it. */
export function errorResponse(service: ServiceName, status: number, message: string): SimResponse {
  const title = STATUS_TITLES[status] ?? 'Error';
  switch (service) {
    case 'keystone':
      return { status, body: { error: { code: status, title, message } } };
    case 'nova':
      return { status, body: { [NOVA_FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } } };
    case 'neutron':
      return {
        status,
        body: { NeutronError: { type: `HTTP${title.replace(/ /g, '')}`, message, detail: '' } },
      };
    case 'glance':
      // glance answers errors with webob's plain-text pages
      return {
        status,
        headers: { 'content-type': 'text/plain; charset=UTF-8' },
        body: `${status} ${title}\n\n${message}\n\n   `,
      };
    case 'nsxt':
      return {
        status,
        body: {
          httpStatus: title.toUpperCase().replace(/ /g, '_'),
          error_code: status,
          module_name: 'common-services',
          error_message: message,
        },
      };
    case 'kube':
      return {
        status,
        body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: status },
      };
    case 'nsxv':
      return {
        status,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<error><details>${escapeXml(message)}</details><errorCode>${status}</errorCode><moduleName>vShield Edge</moduleName></error>`,
      };
  }
}

/** keystonemiddleware's answer to a missing, unknown or expired token (the same for every OpenStack service). */
export function unauthorized(openstackUrl: string): SimResponse {
  return {
    status: 401,
    headers: { 'www-authenticate': `Keystone uri="${openstackUrl}/identity"` },
    body: {
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    },
  };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
