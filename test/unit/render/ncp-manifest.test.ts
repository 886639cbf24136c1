/**
 * The NCP bundle cp-1 applies (render/ncp.ts, templates/ncp-<line>.yaml): every object valid for
 * the Kubernetes API of each vendored release (test/helpers/k8s-openapi.ts), in apply order, every
 * reference inside the bundle resolved, and cp-1's user data within Nova's limit with it.
 */
import { gunzipSync } from 'node:zlib';
import YAML from 'yaml';
import type { ClusterPki } from '../../../src/pki';
import type { NcpRenderInput, NcpVersion, RegistryMirrorRenderInput } from '../../../src/render';
import {
  defaultNcpVersion,
  maxUserDataBytes,
  ncpVersions,
  renderControlPlaneUserData,
  renderNcpManifest,
} from '../../../src/render';
import { k8sProblems, k8sSchemaVersions } from '../../helpers/k8s-openapi';
import { clusterInput, fixturePki, ncpImage, ncpInput, nsxPassword } from './fixtures';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}
interface PodSpec {
  hostNetwork?: boolean;
  tolerations?: { key?: string; value?: string; effect?: string }[];
  serviceAccountName?: string;
  containers: { name: string; image: string; volumeMounts?: { name: string; mountPath: string }[] }[];
  initContainers?: { name: string; image: string }[];
  volumes?: {
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string };
    projected?: {
      sources: {
        configMap?: { name: string; items?: { key: string }[] };
        secret?: { name: string; items?: { key: string; path: string }[] };
      }[];
    };
  }[];
}
const api = { host: '10.1.0.4', port: 6443 };
const pullSecret = JSON.stringify({
  auths: {
    'registry.example.com': { auth: Buffer.from('robot$ncp:pull-token-0123456789').toString('base64') },
  },
});
const certInput = (over: Partial<NcpRenderInput> = {}): NcpRenderInput =>
  ncpInput({ credentials: { kind: 'client-certificate', certPem: 'CERT', keyPem: 'KEY' }, ...over });

const objects = (ncp: NcpRenderInput): Obj[] =>
  YAML.parseAllDocuments(renderNcpManifest(ncp, api)).map((d) => d.toJS() as Obj);
const find = (objs: Obj[], kind: string, name: string): Obj => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o;
};
const podSpec = (o: Obj): PodSpec => (o['spec'] as { template: { spec: PodSpec } }).template.spec;

describe.each<NcpVersion>([...ncpVersions])('NCP %s bundle', (version) => {
  const password = objects(ncpInput({ version }));
  const cert = objects(certInput({ version }));
  const pulling = objects(certInput({ version, imagePullSecret: pullSecret }));

  it.each([...k8sSchemaVersions])(
    'is valid for the Kubernetes %s API, strictly (no unknown field)',
    (k8s) => {
      for (const objs of [password, cert, pulling]) {
        expect(objs.flatMap((o) => k8sProblems(k8s, o))).toEqual([]);
      }
    },
  );

  it('pulls NCP from a private registry with the pull Secret when one is given, and only then', () => {
    const secret = find(pulling, 'Secret', 'ncp-image-pull');
    expect(secret['type']).toBe('kubernetes.io/dockerconfigjson');
    expect(secret['stringData']).toEqual({ '.dockerconfigjson': pullSecret });
    const workloads = (objs: Obj[]) => objs.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet');
    expect(workloads(pulling).length).toBeGreaterThanOrEqual(3);
    for (const w of workloads(pulling))
      expect((podSpec(w) as { imagePullSecrets?: unknown }).imagePullSecrets).toEqual([
        { name: 'ncp-image-pull' },
      ]);
    for (const w of workloads(cert))
      expect((podSpec(w) as { imagePullSecrets?: unknown }).imagePullSecrets).toBeUndefined();
    expect(cert.some((o) => o.metadata.name === 'ncp-image-pull')).toBe(false);
  });

  it('is in apply order: namespace, CRDs, RBAC, configuration, workloads', () => {
    const kinds = cert.map((o) => o.kind);
    const group = (k: string): number =>
      k === 'Namespace'
        ? 0
        : k === 'CustomResourceDefinition'
          ? 1
          : /Role|ServiceAccount/.test(k)
            ? 2
            : k === 'ConfigMap' || k === 'Secret'
              ? 3
              : 4;
    const groups = kinds.map(group);
    expect(groups).toEqual([...groups].sort((a, b) => a - b));
    expect(kinds[0]).toBe('Namespace');
    expect(new Set(groups)).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('deploys what the vendor ships: CRDs, one nsx-ncp replica, the bootstrap and node-agent DaemonSets', () => {
    expect(cert.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name)).toEqual(
      expect.arrayContaining([
        'nsxerrors.nsx.vmware.com',
        'nsxlocks.nsx.vmware.com',
        'ncpconfigs.nsx.vmware.com',
      ]),
    );
    const ncp = find(cert, 'Deployment', 'nsx-ncp');
    expect((ncp['spec'] as { replicas: number }).replicas).toBe(1);
    expect(podSpec(ncp).serviceAccountName).toBe('ncp-svc-account');
    for (const ds of ['nsx-ncp-bootstrap', 'nsx-node-agent']) {
      const spec = podSpec(find(cert, 'DaemonSet', ds));
      expect(spec.hostNetwork).toBe(true);
      expect(spec.serviceAccountName).toBe('nsx-node-agent-svc-account');
    }
    expect(podSpec(find(cert, 'DaemonSet', 'nsx-node-agent')).containers.map((c) => c.name)).toEqual([
      'nsx-node-agent',
      'nsx-kube-proxy',
      'nsx-ovs',
    ]);
  });

  it("runs on nodes the cloud controller manager has not initialized yet (it is the cluster's network)", () => {
    const workloads = cert.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet');
    expect(workloads.map((o) => o.metadata.name).sort()).toEqual([
      'nsx-ncp',
      'nsx-ncp-bootstrap',
      'nsx-node-agent',
    ]);
    for (const o of workloads) {
      expect(podSpec(o).tolerations).toContainEqual({
        key: 'node.cloudprovider.kubernetes.io/uninitialized',
        value: 'true',
        effect: 'NoSchedule',
      });
    }
  });

  it('runs the spec image everywhere, and fills every placeholder', () => {
    const text = renderNcpManifest(certInput({ version }), api);
    expect(text).not.toContain('{{');
    for (const o of cert.filter((x) => x.kind === 'Deployment' || x.kind === 'DaemonSet')) {
      const s = podSpec(o);
      for (const c of [...s.containers, ...(s.initContainers ?? [])]) expect(c.image).toBe(ncpImage);
    }
  });

  it('resolves every service account, ConfigMap and Secret the workloads use inside the bundle', () => {
    for (const objs of [password, cert]) {
      const has = (kind: string, name: string): boolean =>
        objs.some(
          (o) =>
            o.kind === kind &&
            o.metadata.name === name &&
            (kind === 'ServiceAccount' || o.metadata.namespace === 'nsx-system'),
        );
      for (const o of objs.filter((x) => x.kind === 'Deployment' || x.kind === 'DaemonSet')) {
        const s = podSpec(o);
        expect(has('ServiceAccount', s.serviceAccountName ?? '')).toBe(true);
        for (const v of s.volumes ?? []) {
          for (const src of v.projected?.sources ?? []) {
            if (src.configMap) {
              const cm = find(objs, 'ConfigMap', src.configMap.name) as Obj & {
                data: Record<string, string>;
              };
              for (const item of src.configMap.items ?? []) expect(cm.data[item.key]).toBeDefined();
            }
            if (src.secret) {
              const sec = find(objs, 'Secret', src.secret.name) as Obj & {
                stringData: Record<string, string>;
              };
              for (const item of src.secret.items ?? []) expect(sec.stringData[item.key]).toBeDefined();
            }
          }
        }
      }
      for (const b of objs.filter((o) => o.kind.endsWith('Binding'))) {
        const ref = b['roleRef'] as { kind: string; name: string };
        expect(objs.some((o) => o.kind === ref.kind && o.metadata.name === ref.name)).toBe(true);
        for (const s of b['subjects'] as { kind: string; name: string }[])
          expect(has(s.kind, s.name)).toBe(true);
      }
    }
  });

  it('mounts ncp.ini where the vendor reads it, and the password (password mode) only from its Secret', () => {
    const ncp = podSpec(find(password, 'Deployment', 'nsx-ncp'));
    expect(ncp.containers[0]?.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'projected-volume', mountPath: '/etc/nsx-ujo' }),
    );
    const sources = ncp.volumes?.find((v) => v.name === 'projected-volume')?.projected?.sources ?? [];
    expect(sources).toContainEqual({
      secret: {
        name: 'nsx-ncp-credentials',
        items: [{ key: 'nsx-credentials.ini', path: 'credentials/nsx-credentials.ini' }],
      },
    });
    const holders = password.filter((o) => JSON.stringify(o).includes(nsxPassword.replace(/\$/g, '$$$$')));
    expect(holders.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Secret/nsx-ncp-credentials']);
    expect(JSON.stringify(cert)).not.toContain('nsx-ncp-credentials');
  });
});

describe('the Kubernetes schema oracle', () => {
  const deployment = (): Obj => find(objects(certInput()), 'Deployment', 'nsx-ncp');

  it('refuses a misspelt field, naming it and where it is', () => {
    const d = deployment();
    (podSpec(d) as unknown as Record<string, unknown>)['hostNetwrok'] = true;
    expect(k8sProblems('v1.31', d)).toEqual([
      'Deployment/nsx-ncp /spec/template/spec: unknown field "hostNetwrok"',
    ]);
  });

  it('refuses a wrong type, a missing required field and an unknown kind', () => {
    const d = deployment();
    (d['spec'] as Record<string, unknown>)['replicas'] = 'one';
    delete (podSpec(d).containers[0] as Partial<PodSpec['containers'][number]>).name;
    const problems = k8sProblems('v1.34', d);
    expect(problems).toContain('Deployment/nsx-ncp /spec/replicas: must be integer');
    expect(problems.some((p) => p.includes('/spec/template/spec/containers/0') && p.includes("'name'"))).toBe(
      true,
    );
    expect(
      k8sProblems('v1.34', {
        apiVersion: 'policy/v1beta1',
        kind: 'PodSecurityPolicy',
        metadata: { name: 'x' },
      }),
    ).toEqual(['PodSecurityPolicy/x: Kubernetes v1.34 serves no PodSecurityPolicy in policy/v1beta1']);
  });

  it('reads a null field as unset, as the API server decodes it', () => {
    const d = deployment();
    (d['spec'] as Record<string, unknown>)['paused'] = null;
    expect(k8sProblems('v1.28', d)).toEqual([]);
  });

  it('takes an integer or a string where Kubernetes has IntOrString', () => {
    const ds = find(objects(certInput()), 'DaemonSet', 'nsx-node-agent');
    (ds['spec'] as Record<string, unknown>)['updateStrategy'] = {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1 },
    };
    expect(k8sProblems('v1.31', ds)).toEqual([]);
    (ds['spec'] as Record<string, unknown>)['updateStrategy'] = {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '10%' },
    };
    expect(k8sProblems('v1.31', ds)).toEqual([]);
  });
});

describe('renderNcpManifest', () => {
  it('defaults to the newest line', () => {
    expect(defaultNcpVersion).toBe(ncpVersions[ncpVersions.length - 1]);
    expect(renderNcpManifest(certInput(), api)).toBe(
      renderNcpManifest(certInput({ version: defaultNcpVersion }), api),
    );
  });

  it('refuses an image reference that would break the manifest', () => {
    expect(() => renderNcpManifest(certInput({ image: 'reg/ncp:1" evil' }), api)).toThrow(
      /not an image reference/,
    );
  });
});

describe('cp-1 user data with the NCP bundle', () => {
  let pki: ClusterPki;
  beforeAll(async () => {
    pki = await fixturePki();
  });

  it("carries the bundle gzipped and stays under Nova's limit at its largest", () => {
    // the largest a real cluster makes: client certificate + key of a 4096-bit RSA identity, a CA
    // bundle of three certificates, the longest manager list, the newest line
    const pem = (label: string, bytes: number): string =>
      `-----BEGIN ${label}-----\n${'A'.repeat(bytes).replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;
    const ncp = ncpInput({
      credentials: {
        kind: 'client-certificate',
        certPem: pem('CERTIFICATE', 2000),
        keyPem: pem('PRIVATE KEY', 3200),
      },
      caPem: pem('CERTIFICATE', 2000).repeat(3),
      // a registry robot account's pull credentials
      imagePullSecret: JSON.stringify({
        auths: { 'registry.example.com:5000': { auth: 'A'.repeat(160), email: 'ncp-robot@example.com' } },
      }),
      managers: [
        'https://nsxmgr-1.example.com',
        'https://nsxmgr-2.example.com',
        'https://nsxmgr-3.example.com',
      ],
    });
    // and every bootstrap setting: a proxy, apt mirrors, registry mirrors each with its own CA
    const mirror = (registry: string): RegistryMirrorRenderInput => ({
      registry,
      endpoints: [`https://mirror-1.example.com/${registry}`, `https://mirror-2.example.com/${registry}`],
      caPem: pem('CERTIFICATE', 2000),
    });
    const c = {
      ...clusterInput(pki, 'nsx-t'),
      ncp,
      // the CCM's --cloud-provider=external (its manifests are applied through the API, not here)
      cloudProvider: 'external' as const,
      // Keystone sign-in: the webhook's kubeconfig, certificate script and API server flags
      keystoneAuth: { policy: [{ users: { roles: ['member'] } }] },
      bootstrap: {
        proxy: {
          http: 'http://proxy.example.com:3128',
          https: 'http://proxy.example.com:3128',
          noProxy: ['.example.com', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
        },
        aptMirrors: {
          distribution: 'https://apt.example.com/ubuntu',
          security: 'https://apt.example.com/ubuntu-security',
          kubernetes: 'https://apt.example.com/kubernetes',
        },
        registryMirrors: ['registry.example.com', 'registry.k8s.io', 'docker.io'].map(mirror),
      },
    };
    const node = {
      name: 'demo-cp-0',
      address: '10.1.0.11',
      nics: [
        { macAddress: 'fa:16:3e:00:0b:00', role: 'management' as const },
        {
          macAddress: 'fa:16:3e:00:0b:01',
          role: 'api' as const,
          apiRouting: { subnetCidr: '10.1.0.0/24', gateway: '10.1.0.1', returnCidrs: ['172.30.0.0/16'] },
        },
        { macAddress: 'fa:16:3e:00:0b:02', role: 'pod' as const },
      ],
    };
    const userData = renderControlPlaneUserData(c, node, true);
    const size = Buffer.from(userData).toString('base64').length;
    // about 61 kB of base64 with all of that (62,368 B; the CCM's flags and NCP's toleration of
    // uninitialized nodes add 276, a registry pull secret 180, Keystone sign-in 2,788, the add-ons'
    // retry 890; the gzipped install script saves 3,600): the gzipped bundle keeps NCP's share to
    // about 7 kB
    expect(size).toBeLessThanOrEqual(65535);
    expect(Buffer.byteLength(userData)).toBeLessThanOrEqual(maxUserDataBytes);
    const doc = YAML.parse(userData) as {
      write_files: { path: string; content: string; encoding?: string }[];
    };
    const f = doc.write_files.find((w) => w.path === '/etc/kubernetes/viok/manifests/10-ncp.yaml');
    expect(f?.encoding).toBe('gz+b64');
    expect(gunzipSync(Buffer.from(f?.content ?? '', 'base64')).toString('utf8')).toBe(
      renderNcpManifest(ncp, c.apiEndpoint),
    );
  });
});
