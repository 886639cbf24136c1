import { ConfigError } from '../core/errors';

/**
 * The OpenStack cloud provider's `cloud.conf` (INI), as cloud-provider-openstack documents it for
 * openstack-cloud-controller-manager and Cinder CSI: `[Global]` signs in with the cluster's own
 * application credential (never the operator's password), `[Networking]` and `[LoadBalancer]` are
 * optional and come from the choices the caller (cloudint's Octavia detection) makes.
 *
 * The result holds the credential's secret: callers keep it in memory and hand it to the cluster
 * as the Kubernetes Secret `kube-system/cloud-config` (key `cloud.conf`); it is never logged,
 * printed or written to state.
 */

/** `[Networking]`: which Neutron networks the nodes' addresses come from. */
export interface CloudConfNetworking {
  readonly internalNetworkName?: string;
  readonly publicNetworkName?: string;
}

/** `[LoadBalancer]`: Octavia for Services of type LoadBalancer, or off. */
export interface CloudConfLoadBalancer {
  readonly enabled: boolean;
  readonly lbProvider?: string;
  readonly floatingNetworkId?: string;
}

export interface CloudConfInput {
  readonly authUrl: string;
  readonly applicationCredentialId: string;
  readonly applicationCredentialSecret: string;
  readonly region?: string;
  /** The cloud config's `verify: false`. */
  readonly tlsInsecure?: boolean;
  /** Path of the CA bundle on the nodes, when the cloud config names one. */
  readonly caFile?: string;
  readonly networking?: CloudConfNetworking;
  readonly loadBalancer?: CloudConfLoadBalancer;
}

/** Quote a value so `;`, `#`, `=` or spaces cannot change its meaning (gcfg style, `"` and `\` escaped). */
function value(v: string): string {
  if (/[\n\r]/.test(v)) throw new ConfigError('cloud.conf: a value cannot contain a line break');
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function section(name: string, entries: ReadonlyArray<readonly [string, string | undefined]>): string[] {
  const lines = entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v as string}`);
  return lines.length === 0 ? [] : [`[${name}]`, ...lines, ''];
}

export function renderCloudConf(input: CloudConfInput): string {
  const g = section('Global', [
    ['auth-url', value(input.authUrl)],
    ['application-credential-id', value(input.applicationCredentialId)],
    ['application-credential-secret', value(input.applicationCredentialSecret)],
    ['region', input.region === undefined ? undefined : value(input.region)],
    ['tls-insecure', input.tlsInsecure === true ? 'true' : undefined],
    ['ca-file', input.caFile === undefined ? undefined : value(input.caFile)],
  ]);
  const n = input.networking;
  const net =
    n === undefined
      ? []
      : section('Networking', [
          [
            'internal-network-name',
            n.internalNetworkName === undefined ? undefined : value(n.internalNetworkName),
          ],
          ['public-network-name', n.publicNetworkName === undefined ? undefined : value(n.publicNetworkName)],
        ]);
  const lb = input.loadBalancer;
  const lbs =
    lb === undefined
      ? []
      : section('LoadBalancer', [
          ['enabled', lb.enabled ? 'true' : 'false'],
          ['lb-provider', lb.lbProvider === undefined ? undefined : value(lb.lbProvider)],
          [
            'floating-network-id',
            lb.floatingNetworkId === undefined ? undefined : value(lb.floatingNetworkId),
          ],
        ]);
  return [...g, ...net, ...lbs].join('\n');
}
