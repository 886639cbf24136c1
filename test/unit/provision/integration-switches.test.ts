import path from 'node:path';
import type { CatalogService } from '../../../src/clients/keystone/types';
import { cloudProviderChoices } from '../../../src/provision/cloud-integration';
import { decideIntegrations } from '../../../src/provision/integration-switches';
import type { Backend } from '../../../src/render';
import { loadValidSpec } from '../../../src/spec/validate';
import type { ClusterSpec, OpenStackIntegrations } from '../../../src/spec/types';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function spec(backend: Backend, openstack?: OpenStackIntegrations, kubernetesVersion?: string): ClusterSpec {
  const s = loadValidSpec(path.join(repoRoot, 'examples', `${backend}.yaml`));
  return {
    ...s,
    spec: {
      ...s.spec,
      ...(openstack ? { openstack } : {}),
      ...(kubernetesVersion ? { kubernetesVersion } : {}),
    },
  };
}

const service = (type: string, region = 'RegionOne'): CatalogService => ({
  type,
  endpoints: [{ interface: 'public', region_id: region, url: `https://${type}.example.com` }],
});
/** What a VIO cloud with everything offers; VDS and NSX-V deployments often lack Octavia. */
const full = ['identity', 'compute', 'network', 'image', 'volumev3', 'load-balancer'].map((t) => service(t));
const withoutOctavia = full.filter((s) => s.type !== 'load-balancer');
const withoutCinder = full.filter((s) => s.type !== 'volumev3');

describe('spec.openstack switches against the service catalog', () => {
  it('turns everything on by default where the cloud offers it (vds, nsx-v)', () => {
    for (const backend of ['vds', 'nsx-v'] as const) {
      const d = decideIntegrations(spec(backend), full, 'RegionOne');
      expect(d).toEqual({
        switches: { ccm: true, cinderCsi: true, loadBalancer: true },
        warnings: [],
        problems: [],
      });
    }
  });

  it("accepts Cinder's block-storage service type as well as volumev3", () => {
    const catalog = [...withoutCinder, service('block-storage')];
    expect(decideIntegrations(spec('vds'), catalog).switches.cinderCsi).toBe(true);
  });

  it('turns a defaulted switch off with a warning naming the missing service', () => {
    const d = decideIntegrations(spec('vds'), withoutOctavia, 'RegionOne');
    expect(d.switches).toEqual({ ccm: true, cinderCsi: true, loadBalancer: false });
    expect(d.problems).toEqual([]);
    expect(d.warnings).toEqual([
      "spec.openstack.loadBalancer is off: the cloud's service catalog has no 'load-balancer' service in region RegionOne",
    ]);
  });

  it('refuses a switch set to true that the catalog cannot serve, naming the switch and the service', () => {
    const d = decideIntegrations(
      spec('nsx-v', { cinderCsi: true, loadBalancer: true }),
      withoutCinder.filter((s) => s.type !== 'load-balancer'),
    );
    expect(d.problems).toEqual([
      {
        kind: 'missing',
        message:
          "spec.openstack.cinderCsi is true but the cloud's service catalog has no 'block-storage' or 'volumev3' service",
      },
      {
        kind: 'missing',
        message:
          "spec.openstack.loadBalancer is true but the cloud's service catalog has no 'load-balancer' service",
      },
    ]);
  });

  it('counts a service only in the region the cluster is in', () => {
    const catalog = [...withoutCinder, service('volumev3', 'RegionTwo')];
    expect(decideIntegrations(spec('vds'), catalog, 'RegionOne').switches.cinderCsi).toBe(false);
    expect(decideIntegrations(spec('vds'), catalog, 'RegionTwo').switches.cinderCsi).toBe(true);
  });

  it('keeps what the spec turned off off, and LoadBalancer Services need the CCM', () => {
    expect(decideIntegrations(spec('vds', { cinderCsi: false }), full).switches.cinderCsi).toBe(false);
    const defaulted = decideIntegrations(spec('vds', { ccm: false }), full);
    expect(defaulted.switches).toEqual({ ccm: false, cinderCsi: true, loadBalancer: false });
    expect(defaulted.warnings).toEqual([expect.stringContaining('spec.openstack.loadBalancer is off')]);
    const chosen = decideIntegrations(spec('vds', { ccm: false, loadBalancer: true }), full);
    expect(chosen.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^spec\.openstack\.loadBalancer is true but .*spec\.openstack\.ccm is off/),
    ]);
  });

  it('leaves LoadBalancer Services to NCP on nsx-t, quietly by default, and refuses true there', () => {
    const d = decideIntegrations(spec('nsx-t'), full);
    expect(d).toEqual({
      switches: { ccm: true, cinderCsi: true, loadBalancer: false },
      warnings: [],
      problems: [],
    });
    expect(
      decideIntegrations(spec('nsx-t', { loadBalancer: true }), full).problems.map((p) => p.message),
    ).toEqual([
      expect.stringContaining(
        'spec.openstack.loadBalancer is true but on nsx-t NCP serves Services of type LoadBalancer',
      ),
    ]);
  });

  it('turns everything off for a Kubernetes minor without a cloud-provider-openstack release', () => {
    const d = decideIntegrations(spec('vds', undefined, '1.27.9'), full);
    expect(d.switches).toEqual({ ccm: false, cinderCsi: false, loadBalancer: false });
    expect(d.warnings[0]).toMatch(
      /spec\.openstack\.ccm is off: viok ships cloud-provider-openstack for Kubernetes 1\.28.*not 1\.27/,
    );
  });
});

describe("cloud.conf's [Networking] and [LoadBalancer] per backend", () => {
  it('vds: the provider network is internal, no public network, Octavia with its default provider', () => {
    expect(
      cloudProviderChoices({
        backend: 'vds',
        cluster: 'demo',
        loadBalancer: true,
        providerNetworkName: 'provider-net',
      }),
    ).toEqual({ networking: { internalNetworkName: 'provider-net' }, loadBalancer: { enabled: true } });
    expect(
      cloudProviderChoices({ backend: 'vds', cluster: 'demo', loadBalancer: false }).loadBalancer,
    ).toEqual({
      enabled: false,
    });
  });

  it("nsx-v: viok's internal network, the NSX Edge driver, floating IPs from the external management network", () => {
    expect(
      cloudProviderChoices({
        backend: 'nsx-v',
        cluster: 'demo',
        loadBalancer: true,
        externalNetworkId: 'ext-id',
      }),
    ).toEqual({
      networking: { internalNetworkName: 'viok-demo-network-internal' },
      loadBalancer: { enabled: true, lbProvider: 'vmwareedge', floatingNetworkId: 'ext-id' },
    });
  });

  it('nsx-t: the API network is internal (node-ip), management public (floating IPs), no CCM load balancers', () => {
    expect(cloudProviderChoices({ backend: 'nsx-t', cluster: 'demo', loadBalancer: false })).toEqual({
      networking: {
        internalNetworkName: 'viok-demo-network-api',
        publicNetworkName: 'viok-demo-network-mgmt',
      },
      loadBalancer: { enabled: false },
    });
  });
});
