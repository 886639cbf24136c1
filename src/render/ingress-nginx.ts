/**
 * The nginx ingress controller (vds), installed from the project's pinned release manifest for
 * bare metal: a NodePort Service in front of the controller, since vds has no LoadBalancer
 * Services. Applied by URL on the first control-plane node rather than embedded: the manifest is
 * about 20 kB and user data is capped at 48 kB.
 */
export const ingressNginxVersion = 'controller-v1.11.3';
export const ingressNginxManifestUrl = `https://raw.githubusercontent.com/kubernetes/ingress-nginx/${ingressNginxVersion}/deploy/static/provider/baremetal/deploy.yaml`;
