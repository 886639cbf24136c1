import type { LbCodec } from './lb-resource';
import type { ApplicationProfile, ApplicationProfileInput, Persistence, Template } from './types';
import { bool, child, text, type XmlNode } from './xml';

function persistenceXml(p: Persistence | undefined): XmlNode | undefined {
  return p ? { method: p.method, cookieName: p.cookieName ?? '', cookieMode: p.cookieMode ?? '' } : undefined;
}

/**
 * applicationProfilesCreate.xsd order (name, insertXForwardedFor, sslPassthrough, persistence) plus
 * `template` after sslPassthrough, where loadBalancerConfig.xsd declares it: without it the Edge would not
 * know the profile's protocol.
 */
export function profileToXml(p: ApplicationProfileInput): XmlNode {
  return {
    name: p.name,
    insertXForwardedFor: String(p.insertXForwardedFor ?? false),
    sslPassthrough: String(p.sslPassthrough ?? false),
    template: p.template,
    persistence: persistenceXml(p.persistence),
  };
}

/**
 * loadBalancerConfig.xsd order, for a whole-config PUT (and the simulator's answer to a GET of the
 * config); the template as the manager stores it.
 */
export function profileToConfigXml(p: Omit<ApplicationProfile, 'template'> & { template: string }): XmlNode {
  return {
    applicationProfileId: p.id,
    name: p.name,
    insertXForwardedFor: String(p.insertXForwardedFor),
    sslPassthrough: String(p.sslPassthrough),
    template: p.template,
    persistence: persistenceXml(p.persistence),
    serverSslEnabled: String(p.serverSslEnabled),
  };
}

export function profileFromXml(n: XmlNode): ApplicationProfile {
  const persistence = child(n, 'persistence');
  const method = text(persistence, 'method');
  const cookieName = text(persistence, 'cookieName');
  const cookieMode = text(persistence, 'cookieMode');
  return {
    id: text(n, 'applicationProfileId') ?? '',
    name: text(n, 'name') ?? '',
    template: (text(n, 'template') ?? 'TCP').toUpperCase() as Template,
    insertXForwardedFor: bool(n, 'insertXForwardedFor', false),
    sslPassthrough: bool(n, 'sslPassthrough', false),
    serverSslEnabled: bool(n, 'serverSslEnabled', false),
    ...(method
      ? {
          persistence: {
            method,
            ...(cookieName ? { cookieName } : {}),
            ...(cookieMode ? { cookieMode } : {}),
          },
        }
      : {}),
  };
}

/** How the Edge's load balancer writes and reads a applicationProfile; `lbResource` makes the API of it. */
export const applicationProfileCodec: LbCodec<ApplicationProfile, ApplicationProfileInput> = {
  collection: 'applicationprofiles',
  element: 'applicationProfile',
  toXml: profileToXml,
  fromXml: profileFromXml,
};
