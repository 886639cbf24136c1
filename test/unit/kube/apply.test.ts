import path from 'node:path';
import { installIntegrations } from '../../../src/app/integrations';
import type { ProgressEvent } from '../../../src/core/progress';
import { ApplyError, applyObjects, objectPath } from '../../../src/kube';
import { adminKubeconfig } from '../../../src/kubeconfig';
import { parseKubernetesVersion } from '../../../src/render/kubernetes-version';
import { cloudConfigSecret, cloudConfigSecretRef } from '../../../src/render/cloud-config-secret';
import { renderOpenStackIntegrations } from '../../../src/render/openstack-integrations';
import { loadValidSpec } from '../../../src/spec/validate';
import type { ClusterSpec } from '../../../src/spec/types';
import { FakeKubeApi } from '../../helpers/fake-kube-api';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('server-side apply of the OpenStack integrations', () => {
  let server: FakeKubeApi;
  beforeAll(async () => {
    server = await FakeKubeApi.start();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    Object.assign(server.state, { applied: {}, applyRefused: [] });
    server.requests.length = 0;
  });

  const objects = renderOpenStackIntegrations({
    kubernetesVersion: parseKubernetesVersion('1.31.4'),
    clusterName: 'demo',
    ccm: {},
    cinderCsi: {},
  });

  it('applies every object at its API path, in order, as viok with forced ownership; twice is fine', async () => {
    await applyObjects(server.kubeconfig(), undefined, objects);
    await applyObjects(server.kubeconfig(), undefined, objects);
    const patches = server.requests.filter((r) => r.startsWith('PATCH '));
    const once = objects.map((o) => `PATCH ${objectPath(o)}`);
    expect(patches).toEqual([...once, ...once]);
    expect(Object.keys(server.state.applied)).toContain(
      '/apis/apps/v1/namespaces/kube-system/daemonsets/openstack-cloud-controller-manager',
    );
    expect(Object.keys(server.state.applied)).toContain('/apis/storage.k8s.io/v1/storageclasses/cinder');
    expect(Object.keys(server.state.applied)).toContain(
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/system:cloud-controller-manager',
    );
    for (const a of Object.values(server.state.applied)) {
      expect(a.fieldManager).toBe('viok');
      expect(a.force).toBe('true');
    }
  });

  it('stops at an object the API server refuses, naming it', async () => {
    server.state.applyRefused.push('/apis/storage.k8s.io/v1/csidrivers/cinder.csi.openstack.org');
    const err = await applyObjects(server.kubeconfig(), undefined, objects).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplyError);
    expect((err as Error).message).toMatch(
      /^applying CSIDriver cinder\.csi\.openstack\.org: the API server answered 422/,
    );
    // nothing after it was applied (the workloads come after the CSIDriver)
    expect(Object.keys(server.state.applied).some((p) => p.includes('/deployments/'))).toBe(false);
  });

  it('refuses a kind it has no path for before sending anything', async () => {
    const odd = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' } };
    await expect(applyObjects(server.kubeconfig(), undefined, [...objects, odd])).rejects.toThrow(
      /cannot apply Pod in v1/,
    );
    expect(server.requests).toEqual([]);
  });

  describe('after create: installIntegrations', () => {
    const spec = (openstack?: ClusterSpec['spec']['openstack']): ClusterSpec => {
      const s = loadValidSpec(path.join(repoRoot, 'examples', 'vds.yaml'));
      return { ...s, spec: { ...s.spec, ...(openstack ? { openstack } : {}) } };
    };
    const config = () => adminKubeconfig(server.pki, 'demo', { host: '127.0.0.1', port: server.port });

    it('applies what the preflight turned on, with the spec images and zone, and says so', async () => {
      const events: ProgressEvent[] = [];
      const done = await installIntegrations(
        { progress: { emit: (e) => events.push(e) } },
        {
          cluster: 'demo',
          spec: spec({ availabilityZone: 'az-1', images: { cinderCsi: 'mirror.example.com/csi:v1.31.4' } }),
          integrations: { ccm: false, cinderCsi: true, loadBalancer: false },
          kubeconfig: { config: config() },
          keystone: { url: 'https://keystone.example.com:5000/v3' },
          credential: async (kube) => {
            expect(await kube.exists(cloudConfigSecretRef)).toBe(false);
            await kube.apply([cloudConfigSecret('[Global]\n', 'demo')]);
            expect(await kube.exists(cloudConfigSecretRef)).toBe(true);
            return { id: 'cred-1', action: 'created' };
          },
        },
      );
      expect(done).toEqual({
        applied: ['cinderCsi'],
        release: 'v1.31.4',
        credential: { id: 'cred-1', action: 'created' },
      });
      // the Secret the pods mount is there before the first workload
      const patches = server.requests.filter((r) => r.startsWith('PATCH '));
      expect(patches[0]).toBe('PATCH /api/v1/namespaces/kube-system/secrets/cloud-config');
      expect(events).toEqual([
        {
          type: 'phase',
          phase: 'integrations',
          message: 'applying Cinder CSI (cloud-provider-openstack v1.31.4)',
        },
      ]);
      const paths = Object.keys(server.state.applied);
      expect(paths.some((p) => p.includes('openstack-cloud-controller-manager'))).toBe(false);
      const sc = server.state.applied['/apis/storage.k8s.io/v1/storageclasses/cinder']?.object;
      expect(sc?.['allowedTopologies']).toEqual([
        { matchLabelExpressions: [{ key: 'topology.cinder.csi.openstack.org/zone', values: ['az-1'] }] },
      ]);
      const node =
        server.state.applied['/apis/apps/v1/namespaces/kube-system/daemonsets/csi-cinder-nodeplugin'];
      expect(JSON.stringify(node?.object)).toContain('"image":"mirror.example.com/csi:v1.31.4"');
    });

    it('applies nothing when everything is off, or for a state from before the integrations', async () => {
      for (const integrations of [undefined, { ccm: false, cinderCsi: false, loadBalancer: false }]) {
        const done = await installIntegrations(
          { progress: { emit: () => undefined } },
          {
            cluster: 'demo',
            spec: spec(),
            integrations,
            kubeconfig: { config: config() },
            keystone: { url: 'https://keystone.example.com:5000/v3' },
            credential: () => Promise.reject(new Error('no credential when nothing is on')),
          },
        );
        expect(done).toEqual({ applied: [] });
      }
      expect(server.requests).toEqual([]);
    });

    it('keystoneAuth alone: the webhook, its policy and role mappings, no cloud credential', async () => {
      const events: ProgressEvent[] = [];
      const base = spec({ ccm: false, cinderCsi: false, loadBalancer: false });
      const done = await installIntegrations(
        { progress: { emit: (e) => events.push(e) } },
        {
          cluster: 'demo',
          spec: {
            ...base,
            spec: {
              ...base.spec,
              keystoneAuth: {
                enabled: true,
                roleMappings: [{ keystoneRole: 'member', groups: ['demo-members'] }],
                policy: [{ users: { roles: ['k8s-viewer'] }, resource_permissions: { '*/pods': ['get'] } }],
              },
            },
          },
          integrations: { ccm: false, cinderCsi: false, loadBalancer: false },
          kubeconfig: { config: config() },
          keystone: { url: 'https://keystone.example.com:5000/v3' },
          credential: () => Promise.reject(new Error('the webhook needs no cloud credential')),
        },
      );
      expect(done).toEqual({ applied: ['keystoneAuth'], release: 'v1.31.4' });
      expect(events.map((e) => e.message)).toEqual([
        'applying k8s-keystone-auth (cloud-provider-openstack v1.31.4)',
      ]);
      const applied = server.state.applied;
      const ds = applied['/apis/apps/v1/namespaces/kube-system/daemonsets/k8s-keystone-auth']?.object;
      const args = (ds as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec
        .template.spec.containers[0]?.args;
      expect(args).toEqual(
        expect.arrayContaining([
          '--keystone-url',
          'https://keystone.example.com:5000/v3',
          '--policy-configmap-name',
          'k8s-auth-policy',
          '--sync-configmap-name',
          'keystone-sync-policy',
        ]),
      );
      expect(applied['/api/v1/namespaces/kube-system/configmaps/k8s-auth-policy']).toBeDefined();
      expect(applied['/api/v1/namespaces/kube-system/configmaps/keystone-sync-policy']).toBeDefined();
      expect(Object.keys(applied).some((p) => p.includes('/secrets/cloud-config'))).toBe(false);
    });
  });
});
