/**
 * Rendered clusters for the render tests and the real-tool checks (test/e2e/render-tools.test.ts):
 * one per backend, with every node role, addresses as a provisioner would fill them in.
 */
import type { ClusterPki } from '../../../src/pki';
import { generateClusterPki } from '../../../src/pki';
import type {
  Backend,
  BackendServer,
  ClusterRenderInput,
  LbNodeRenderInput,
  NodeNic,
  NcpRenderInput,
} from '../../../src/render';
import {
  defaultIngressNginxVersion,
  renderControlPlaneUserData,
  renderHaproxyCfg,
  renderKeepalivedConf,
  renderLoadBalancerUserData,
  renderWorkerUserData,
} from '../../../src/render';

export const nsxPassword = 'S3cret$pa ss!';
/** An NCP image as an operator would load it into their own registry. */
export const ncpImage = 'registry.example.com/nsx-ncp-ubuntu:4.2.1.24114718';

export function ncpInput(overrides: Partial<NcpRenderInput> = {}): NcpRenderInput {
  return {
    image: ncpImage,
    cluster: 'demo',
    managers: ['https://nsxmgr-1.example.com/', 'https://10.20.0.2:443'],
    user: 'admin',
    credentials: { kind: 'password', password: nsxPassword },
    caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    insecure: false,
    tier0Router: 't0-vio',
    overlayTransportZone: 'tz-overlay',
    containerIpBlocks: ['viok-demo-pods'],
    externalIpPools: ['viok-demo-external'],
    firewallMarkers: { top: 'viok-demo-top', bottom: 'viok-demo-bottom' },
    ...overrides,
  };
}

export function clusterInput(
  pki: ClusterPki,
  backend: Backend,
  kubernetesVersion = '1.31.4',
): ClusterRenderInput {
  const apiHost = backend === 'nsx-v' ? '203.0.113.10' : backend === 'nsx-t' ? '10.1.0.4' : '10.0.0.4';
  return {
    clusterName: 'demo',
    backend,
    kubernetesVersion,
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/12',
    apiEndpoint: { host: apiHost, port: 6443 },
    pki,
    ...(backend === 'nsx-t' ? { ncp: ncpInput() } : {}),
    // as the vds and nsx-v backends fill it by default; nsx-t never (NCP provides ingress)
    ...(backend === 'nsx-t'
      ? {}
      : { ingress: { controller: 'ingress-nginx' as const, version: defaultIngressNginxVersion } }),
  };
}

const mac = (n: number, nic: number): string => `fa:16:3e:00:${n.toString(16).padStart(2, '0')}:0${nic}`;

/** The API subnet's routing on nsx-t: pods come from NCP's IP block and SNAT pool. */
export const apiRouting = {
  subnetCidr: '10.1.0.0/24',
  gateway: '10.1.0.1',
  returnCidrs: ['172.30.0.0/16', '192.0.2.0/24'],
};

/** nsx-t nodes: management (first NIC), API network, NCP pod network; found by MAC. */
function nsxtNics(n: number, withPod: boolean): NodeNic[] {
  const nics: NodeNic[] = [
    { macAddress: mac(n, 0), role: 'management' },
    { macAddress: mac(n, 1), role: 'api', apiRouting },
  ];
  if (withPod) nics.push({ macAddress: mac(n, 2), role: 'pod' });
  return nics;
}

export interface RenderedCluster {
  backend: Backend;
  /** File name → content: user data of every node, and each LB node's haproxy.cfg and keepalived.conf. */
  userData: Record<string, string>;
  haproxyCfg: Record<string, string>;
  keepalivedConf: Record<string, string>;
}

export function renderCluster(
  pki: ClusterPki,
  backend: Backend,
  kubernetesVersion = '1.31.4',
): RenderedCluster {
  const c = clusterInput(pki, backend, kubernetesVersion);
  const prefix = backend === 'nsx-t' ? '10.1.0.' : '10.0.0.';
  const nsxt = backend === 'nsx-t';
  const userData: Record<string, string> = {};
  const controlPlane: BackendServer[] = [];
  for (let i = 0; i < 3; i++) {
    const node = {
      name: `demo-cp-${i}`,
      address: `${prefix}${11 + i}`,
      ...(nsxt ? { nics: nsxtNics(11 + i, true) } : {}),
    };
    controlPlane.push({ name: node.name, address: node.address });
    userData[`${node.name}.user-data`] = renderControlPlaneUserData(c, node, i === 0);
  }
  for (let i = 0; i < 2; i++) {
    const node = {
      name: `demo-worker-${i}`,
      address: `${prefix}${21 + i}`,
      ...(nsxt ? { nics: nsxtNics(21 + i, true) } : {}),
    };
    userData[`${node.name}.user-data`] = renderWorkerUserData(c, node);
  }
  const haproxyCfg: Record<string, string> = {};
  const keepalivedConf: Record<string, string> = {};
  if (backend !== 'nsx-v') {
    const lbAddresses = [`${prefix}5`, `${prefix}6`];
    lbAddresses.forEach((address, index) => {
      const node: LbNodeRenderInput = {
        name: `demo-lb-${index}`,
        index,
        address,
        peers: lbAddresses.filter((a) => a !== address),
        vipMac: mac(5 + index, nsxt ? 1 : 0),
        vipPrefixLength: 24,
        ...(nsxt
          ? {
              nics: nsxtNics(5 + index, false),
              externalVip: { address: '10.2.0.4', prefixLength: 24, mac: mac(5 + index, 0) },
            }
          : {}),
      };
      userData[`${node.name}.user-data`] = renderLoadBalancerUserData({
        clusterName: 'demo',
        apiPort: 6443,
        vip: c.apiEndpoint.host,
        node,
        controlPlane,
      });
      haproxyCfg[node.name] = renderHaproxyCfg({ clusterName: 'demo', apiPort: 6443, controlPlane });
      // with the names a node would resolve (the e2e checks it with keepalived -t in a namespace
      // holding eth0 and eth1): the management NIC eth0, the API NIC eth1 (nsx-t)
      keepalivedConf[node.name] = renderKeepalivedConf(
        { clusterName: 'demo', vip: c.apiEndpoint.host, node },
        (m) => (m.endsWith(':01') ? 'eth1' : 'eth0'),
      );
    });
  }
  return { backend, userData, haproxyCfg, keepalivedConf };
}

export const fixtureNow = new Date('2026-01-15T12:00:00Z');

export async function fixturePki(kubernetesVersion = '1.31.4'): Promise<ClusterPki> {
  return generateClusterPki({ kubernetesVersion, now: fixtureNow });
}
