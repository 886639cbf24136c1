/**
 * NSX-V Manager authentication: HTTP basic on every call ("The NSX REST API uses basic authentication",
 * nsxvapi.raml). A missing or wrong credential is 403, the status vmware-nsx's VcnsApiClient expects.
 */
import type { SimRequest } from '../framework';
import { NsxvErrorCode, NsxvFault } from './errors';

/** The seeded user, documented for `viok sim serve` users. */
export const NSXV_SIM_USER = 'admin';
export const NSXV_SIM_PASSWORD = 'VMware1!VMware1!';

export function checkBasicAuth(req: SimRequest): void {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+(\S+)$/i.exec(header);
  const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = colon >= 0 ? decoded.slice(0, colon) : '';
  const password = colon >= 0 ? decoded.slice(colon + 1) : '';
  if (user !== NSXV_SIM_USER || password !== NSXV_SIM_PASSWORD) {
    throw new NsxvFault(
      403,
      NsxvErrorCode.badCredentials,
      'The credentials were incorrect or the account specified has been locked.',
      'core-services',
    );
  }
}
