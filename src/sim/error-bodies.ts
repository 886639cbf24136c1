/** Error bodies in each service's own shape, for failures the server answers itself (faults, 404s, 401s). */
import type { SimResponse } from './framework';
import { novaErrorBody } from './nova/errors';
import type { SimService } from './types';

export type ServiceName = SimService['name'];

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A failure body as the named service would send it. */
export function errorResponse(service: ServiceName, status: number, message: string): SimResponse {
  const title = STATUS_TITLES[status] ?? 'Error';
  switch (service) {
    case 'keystone':
      return { status, body: { error: { code: status, title, message } } };
    case 'nova':
      return { status, body: novaErrorBody(status, message) };
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
