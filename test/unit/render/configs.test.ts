import YAML from 'yaml';
import { InternalError, UserInputError } from '../../../src/core/errors';
import {
  defaultIngressNginxVersion,
  flannelImages,
  ingressNginxVersions,
  ingressNodePorts,
  renderIngressNginxManifest,
  renderFlannelManifest,
  renderHaproxyCfg,
  renderKeepalivedConf,
  renderNcpIni,
  renderNcpManifest,
  renderNodeAgentIni,
  virtualRouterIdFor,
  vrrpPriority,
} from '../../../src/render';
import { readdirSync } from 'node:fs';
import { renderText, templateNames, templatesDir } from '../../../src/render/template';
import { k8sProblems, k8sSchemaVersions } from '../../helpers/k8s-openapi';
import { ncpInput, nsxPassword } from './fixtures';

/** A minimal ini reader: section → key → value, comments dropped. */
function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '';
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const s = /^\[(.+)\]$/.exec(t);
    if (s?.[1]) {
      section = s[1];
      out[section] ??= {};
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(t);
    if (!kv?.[1]) throw new Error(`bad ini line: ${line}`);
    (out[section] ??= {})[kv[1]] = kv[2] ?? '';
  }
  return out;
}

describe('template renderer', () => {
  it('fills placeholders and refuses missing or unused values', () => {
    expect(renderText('t', 'a={{ a }} b={{b}}', { a: '1', b: '2' })).toBe('a=1 b=2');
    expect(() => renderText('t', 'a={{ a }}', {})).toThrow(InternalError);
    expect(() => renderText('t', 'a={{ a }}', { a: '1', c: '3' })).toThrow(/never used: c/);
  });

  it('knows every file in templates/', () => {
    expect(readdirSync(templatesDir).sort()).toEqual([...templateNames].sort());
  });
});

describe('haproxy.cfg', () => {
  const cfg = renderHaproxyCfg({
    clusterName: 'demo',
    apiPort: 6443,
    controlPlane: [
      { name: 'demo-cp-0', address: '10.0.0.11' },
      { name: 'demo-cp-1', address: '10.0.0.12' },
      { name: 'demo-cp-2', address: 'fd00::13' },
    ],
  });

  it('listens on the API port in TCP mode and health-checks every control-plane node', () => {
    expect(cfg).toMatch(/^\s+mode tcp$/m);
    expect(cfg).toMatch(/^\s+bind :6443$/m);
    expect(cfg).toMatch(/^\s+default-server .*\bcheck\b.*$/m);
    expect(cfg).toMatch(/^\s+option httpchk GET \/readyz$/m);
    const servers = cfg.split('\n').filter((l) => l.trim().startsWith('server '));
    expect(servers.map((s) => s.trim())).toEqual([
      'server demo-cp-0 10.0.0.11:6443',
      'server demo-cp-1 10.0.0.12:6443',
      'server demo-cp-2 [fd00::13]:6443',
    ]);
  });
});

describe('keepalived.conf', () => {
  const conf = (index: number): string =>
    renderKeepalivedConf({
      clusterName: 'demo',
      vip: '10.1.0.4',
      node: {
        name: `demo-lb-${index}`,
        index,
        address: `10.1.0.${5 + index}`,
        peers: [`10.1.0.${6 - index}`],
        vipMac: 'FA:16:3E:00:00:05',
        vipPrefixLength: 24,
      },
    });

  it('shares the VIP over unicast VRRP with priority by index', () => {
    const first = conf(0);
    const second = conf(1);
    expect(first).toMatch(/^\s+priority 150$/m);
    expect(second).toMatch(/^\s+priority 140$/m);
    expect(first).toMatch(/^\s+unicast_src_ip 10\.1\.0\.5$/m);
    expect(first).toMatch(/unicast_peer \{\n\s+10\.1\.0\.6\n\s+\}/);
    // the interface is named by its port's MAC; the node resolves it (viok-keepalived-conf)
    expect(first).toMatch(/^\s+10\.1\.0\.4\/24 dev @nic:fa:16:3e:00:00:05@$/m);
    expect(first).toMatch(/^\s+interface @nic:fa:16:3e:00:00:05@$/m);
    expect(first).not.toMatch(/eth\d/);
    // Both nodes are in the same VRRP group.
    const vrid = (s: string): string | undefined => /virtual_router_id (\d+)/.exec(s)?.[1];
    expect(vrid(first)).toBe(vrid(second));
  });

  it('derives a valid router id per cluster and keeps priorities in range', () => {
    for (const name of ['a', 'demo', 'prod-eu-1', 'x'.repeat(47)]) {
      const id = virtualRouterIdFor(name);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(255);
    }
    expect(virtualRouterIdFor('demo')).not.toBe(virtualRouterIdFor('prod'));
    expect(vrrpPriority(100)).toBe(1);
  });

  it('checks HAProxy through /readyz with a timeout, lowering the priority (never pidof)', () => {
    const first = conf(0);
    expect(first).not.toContain('pidof');
    expect(first).toMatch(
      /script "\/usr\/bin\/curl -fsk --max-time 2 .*https:\/\/127\.0\.0\.1:6443\/readyz"/,
    );
    // a failed check drops 150 below the peer's 140, but both failing still leaves one holder
    expect(first).toMatch(/^\s+weight -50$/m);
    expect(vrrpPriority(0) - 50).toBeLessThan(vrrpPriority(1));
  });

  it('holds the management VIP (nsx-t external kubectl) in the same instance, on the NIC with that MAC', () => {
    const text = renderKeepalivedConf({
      clusterName: 'demo',
      vip: '10.1.0.4',
      node: {
        name: 'demo-lb-1',
        index: 0,
        address: '10.1.0.5',
        peers: ['10.1.0.6'],
        vipMac: 'fa:16:3e:00:00:01',
        vipPrefixLength: 24,
        externalVip: { address: '10.2.0.9', prefixLength: 23, mac: 'fa:16:3e:00:00:00' },
      },
    });
    expect(text.match(/vrrp_instance/g)).toHaveLength(1);
    expect(text).toMatch(
      /virtual_ipaddress \{\n\s+10\.1\.0\.4\/24 dev @nic:fa:16:3e:00:00:01@\n\s+10\.2\.0\.9\/23 dev @nic:fa:16:3e:00:00:00@\n\s+\}/,
    );
  });

  it('refuses a missing MAC rather than rendering an interface nobody has', () => {
    expect(() =>
      renderKeepalivedConf({
        clusterName: 'demo',
        vip: '10.1.0.4',
        node: { name: 'x', index: 0, address: '10.1.0.5', peers: [], vipMac: '', vipPrefixLength: 24 },
      }),
    ).toThrow(InternalError);
  });
});

describe('ingress-nginx manifest', () => {
  interface K8sDoc {
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string> };
    spec?: { type?: string; ports?: { name: string; port: number; nodePort?: number }[] };
  }
  const load = (text: string): K8sDoc[] =>
    YAML.parseAllDocuments(text).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as K8sDoc;
    });

  it('ships patched releases only (CVE-2025-1974 is fixed from 1.11.5 and 1.12.1), the newest by default', () => {
    const atLeast = (v: string, min: number[]): boolean => {
      const parts = v.replace(/^v/, '').split('.').map(Number);
      for (let i = 0; i < 3; i++)
        if ((parts[i] ?? 0) !== (min[i] ?? 0)) return (parts[i] ?? 0) > (min[i] ?? 0);
      return true;
    };
    for (const v of ingressNginxVersions) expect(atLeast(v, [1, 12, 1])).toBe(true);
    expect(defaultIngressNginxVersion).toBe(ingressNginxVersions[0]);
  });

  it.each([...ingressNginxVersions])(
    '%s: the controller Service is a NodePort on the fixed ports',
    (version) => {
      const text = renderIngressNginxManifest(version);
      expect(text).not.toContain('{{');
      const docs = load(text);
      const controller = docs.filter(
        (d) => d.kind === 'Service' && d.metadata.name === 'ingress-nginx-controller',
      );
      expect(controller).toHaveLength(1);
      expect(controller[0]?.spec?.type).toBe('NodePort');
      expect(controller[0]?.spec?.ports).toEqual([
        expect.objectContaining({ name: 'http', port: 80, nodePort: ingressNodePorts.http }),
        expect.objectContaining({ name: 'https', port: 443, nodePort: ingressNodePorts.https }),
      ]);
      // only the controller Service is pinned: the admission webhook stays a ClusterIP
      const pinned = docs.filter((d) => d.spec?.ports?.some((p) => p.nodePort !== undefined));
      expect(pinned.map((d) => d.metadata.name)).toEqual(['ingress-nginx-controller']);
      expect(controller[0]?.metadata.labels?.['app.kubernetes.io/version']).toBe(version.slice(1));
    },
  );

  it.each([...ingressNginxVersions])(
    '%s: every image is a registry.k8s.io digest, nothing from GitHub',
    (version) => {
      const text = renderIngressNginxManifest(version);
      const images = [...text.matchAll(/^\s*image: (\S+)$/gm)].map((m) => m[1] ?? '');
      expect(images.length).toBeGreaterThanOrEqual(3);
      for (const image of images)
        expect(image).toMatch(/^registry\.k8s\.io\/ingress-nginx\/[a-z-]+:v[\d.]+@sha256:[0-9a-f]{64}$/);
      expect(images).toContainEqual(expect.stringContaining(`/controller:${version}@sha256:`));
      expect(text).not.toMatch(/github/i);
      expect(load(text).map((d) => d.kind)).toEqual(
        expect.arrayContaining(['Namespace', 'Deployment', 'IngressClass', 'ValidatingWebhookConfiguration']),
      );
    },
  );
  describe.each([...ingressNginxVersions])('%s', (version) => {
    // every version against every Kubernetes release viok installs (1.28 to 1.34), whatever
    // ingress-nginx's own support table says: a failure here is a combination viok must refuse
    it.each([...k8sSchemaVersions])(
      'is valid for the Kubernetes %s API, strictly (no unknown field)',
      (k8s) => {
        const docs = YAML.parseAllDocuments(renderIngressNginxManifest(version)).map(
          (d) => d.toJS() as unknown,
        );
        expect(docs.flatMap((d) => k8sProblems(k8s, d))).toEqual([]);
      },
    );
  });
});

describe('Flannel manifest', () => {
  it.each([...k8sSchemaVersions])(
    'is valid for the Kubernetes %s API, strictly (no unknown field)',
    (k8s) => {
      const docs = YAML.parseAllDocuments(renderFlannelManifest({ podCidr: '10.244.0.0/16' })).map(
        (d) => d.toJS() as unknown,
      );
      expect(docs.flatMap((d) => k8sProblems(k8s, d))).toEqual([]);
    },
  );

  it('carries the pod CIDR in net-conf.json and pins its images', () => {
    const docs = YAML.parseAllDocuments(renderFlannelManifest({ podCidr: '10.200.0.0/16' })).map(
      (d) => d.toJS() as { kind: string; data?: Record<string, string>; spec?: unknown },
    );
    expect(docs.map((d) => d.kind)).toEqual([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'DaemonSet',
    ]);
    const cm = docs.find((d) => d.kind === 'ConfigMap');
    expect(JSON.parse(cm?.data?.['net-conf.json'] ?? '{}')).toMatchObject({
      Network: '10.200.0.0/16',
      Backend: { Type: 'vxlan' },
    });
    const ds = JSON.stringify(docs.find((d) => d.kind === 'DaemonSet'));
    expect(ds).toContain(flannelImages.flannel);
    expect(ds).toContain(flannelImages.cniPlugin);
    // upstream publishes on ghcr.io; every image is pinned to a tag, never latest
    for (const image of Object.values(flannelImages))
      expect(image).toMatch(/^ghcr\.io\/flannel-io\/[a-z-]+:v\d/);
  });
});

describe('NCP configuration', () => {
  const api = { host: '10.1.0.4', port: 6443 };
  type Doc = {
    kind: string;
    metadata: { name: string; namespace?: string };
    data?: Record<string, string>;
    stringData?: Record<string, string>;
  };
  const manifest = (text: string): Doc[] => YAML.parseAllDocuments(text).map((d) => d.toJS() as Doc);
  const certCredentials = {
    kind: 'client-certificate' as const,
    certPem: '-----BEGIN CERTIFICATE-----\nPI\n-----END CERTIFICATE-----\n',
    keyPem: '-----BEGIN RSA PRIVATE KEY-----\nPIKEY\n-----END RSA PRIVATE KEY-----\n',
  };

  it('renders the ncp.ini sections and keys NCP reads (password mode)', () => {
    const ini = parseIni(renderNcpIni(ncpInput(), api));
    expect(ini.coe).toMatchObject({ cluster: 'demo', adaptor: 'kubernetes' });
    expect(ini.k8s).toMatchObject({ apiserver_host_ip: '10.1.0.4', apiserver_host_port: '6443' });
    expect(ini.nsx_v3).toEqual({
      nsx_api_managers: 'https://nsxmgr-1.example.com,https://10.20.0.2:443',
      nsx_api_user: 'admin',
      insecure: 'False',
      ca_file: '/etc/nsx-ujo/nsx-cert/tls.ca',
      tier0_router: 't0-vio',
      overlay_tz: 'tz-overlay',
      container_ip_blocks: 'viok-demo-pods',
      external_ip_pools: 'viok-demo-external',
      external_ip_pools_lb: 'viok-demo-external',
      top_firewall_section_marker: 'viok-demo-top',
      bottom_firewall_section_marker: 'viok-demo-bottom',
    });
  });

  it('references the client certificate by file in certificate mode', () => {
    const ini = parseIni(
      renderNcpIni(ncpInput({ credentials: certCredentials, externalIpPoolsLb: ['lb-pool'] }), api),
    );
    expect(ini.nsx_v3).toMatchObject({
      nsx_api_cert_file: '/etc/nsx-ujo/nsx-cert/tls.crt',
      nsx_api_private_key_file: '/etc/nsx-ujo/nsx-cert/tls.key',
      external_ip_pools_lb: 'lb-pool',
    });
    expect(ini.nsx_v3?.nsx_api_user).toBeUndefined();
    expect(ini.nsx_v3?.nsx_api_password).toBeUndefined();
  });

  it('has no password key in ncp.ini and no ca_file when insecure', () => {
    const text = renderNcpIni(ncpInput({ insecure: true, firewallMarkers: {} }), api);
    const ini = parseIni(text);
    expect(ini.nsx_v3?.nsx_api_password).toBeUndefined();
    expect(text).not.toContain('S3cret');
    expect(ini.nsx_v3).toMatchObject({ insecure: 'True' });
    expect(ini.nsx_v3?.ca_file).toBeUndefined();
    expect(ini.nsx_v3?.top_firewall_section_marker).toBeUndefined();
  });

  it('puts the password only in its Secret, escaped for oslo.config', () => {
    const docs = manifest(renderNcpManifest(ncpInput(), api));
    // the configuration viok renders (the vendored workloads: ncp-manifest.test.ts)
    const config = docs.filter((d) => d.kind === 'ConfigMap' || d.kind === 'Secret');
    expect(config.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/nsx-ncp-config',
      'ConfigMap/nsx-node-agent-config',
      'Secret/nsx-secret',
      'Secret/lb-secret',
      'Secret/nsx-ncp-credentials',
    ]);
    for (const d of docs.filter((x) => x.metadata.name !== 'nsx-ncp-credentials')) {
      expect(JSON.stringify(d)).not.toContain('S3cret');
    }
    const secret = docs.find((d) => d.metadata.name === 'nsx-ncp-credentials');
    const creds = parseIni(secret?.stringData?.['nsx-credentials.ini'] ?? '');
    expect(creds.nsx_v3?.nsx_api_password).toBe(nsxPassword.split('$').join('$$'));
    // The stock NCP Deployment projects all three keys of nsx-secret.
    const nsxSecret = docs.find((d) => d.metadata.name === 'nsx-secret');
    expect(nsxSecret?.stringData).toEqual({ 'tls.crt': '', 'tls.key': '', 'tls.ca': ncpInput().caPem });
  });

  it('ships the client certificate in nsx-secret and no password Secret in certificate mode', () => {
    const docs = manifest(renderNcpManifest(ncpInput({ credentials: certCredentials }), api));
    expect(docs.map((d) => d.metadata.name)).not.toContain('nsx-ncp-credentials');
    const nsxSecret = docs.find((d) => d.metadata.name === 'nsx-secret');
    expect(nsxSecret?.stringData).toMatchObject({
      'tls.crt': certCredentials.certPem,
      'tls.key': certCredentials.keyPem,
    });
    for (const d of docs.filter((x) => x.kind !== 'Secret')) expect(JSON.stringify(d)).not.toContain('PIKEY');
  });

  it('points the node agent at the pod NIC and gives it no credentials', () => {
    // the name viok's netplan gives the pod NIC on every node
    const text = renderNodeAgentIni(ncpInput(), api);
    expect(parseIni(text).nsx_node_agent).toEqual({ ovs_uplink_port: 'viokpod0' });
    expect(text).not.toMatch(/nsx_api/);
  });

  it('refuses values that would break the ini file, and a missing CA when verifying', () => {
    expect(() => renderNcpIni(ncpInput({ tier0Router: 't0\n[evil]' }), api)).toThrow(UserInputError);
    expect(() =>
      renderNcpManifest(ncpInput({ credentials: { kind: 'password', password: 'a\nb' } }), api),
    ).toThrow(UserInputError);
    const noCa = ncpInput();
    delete noCa.caPem;
    expect(() => renderNcpManifest(noCa, api)).toThrow(/caFile/);
    expect(() => renderNcpManifest({ ...noCa, insecure: true }, api)).not.toThrow();
  });
});
