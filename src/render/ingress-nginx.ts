import { renderTemplate, type TemplateName } from './template';

/**
 * The ingress-nginx controller (vds, nsx-v), vendored from the project's release manifests for
 * bare metal (`deploy/static/provider/baremetal/deploy.yaml` at each tag) as templates in
 * `templates/`, so nodes need no GitHub access; the images stay the registry.k8s.io digests
 * upstream pins. viok's only change is the fixed NodePorts below on the controller Service.
 *
 * ingress-nginx is retired: best-effort maintenance ended in March 2026 and there will be no more
 * releases, including security fixes. These are its last releases (both fix CVE-2025-1974, fixed
 * upstream in 1.11.5 and 1.12.1); see the README's "Ingress" section.
 */
export const ingressNginxVersions = ['v1.15.1', 'v1.14.5'] as const;
export type IngressNginxVersion = (typeof ingressNginxVersions)[number];

/** The version used when the spec names none: the newest (Kubernetes 1.31 to 1.35 upstream). */
export const defaultIngressNginxVersion: IngressNginxVersion = 'v1.15.1';

/**
 * The controller Service's fixed NodePorts: the NSX-V Edge's ingress pools forward VIP:80 and
 * VIP:443 to the workers on these, so they are defined once, here.
 */
export const ingressNodePorts = { http: 30080, https: 30443 } as const;

/** The vendored manifest of a version, with the fixed NodePorts filled in. */
export function renderIngressNginxManifest(version: IngressNginxVersion): string {
  const template: TemplateName = `ingress-nginx-${version}.yaml`;
  return renderTemplate(template, {
    httpNodePort: String(ingressNodePorts.http),
    httpsNodePort: String(ingressNodePorts.https),
  });
}
