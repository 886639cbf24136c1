import { clusterTag } from '../../../src/core/names';
import { createCluster } from '../../../src/provision/create';
import { cidrsOverlap, parseCidr } from '../../../src/util/cidr';
import { startHarness, type Harness } from '../../helpers/provision-harness';
import { withUnpackedFiles } from '../../helpers/user-data';

/** spec.bootstrap reaches every node's user data, with no_proxy computed from what the cloud returned. */
describe('vds create with spec.bootstrap', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const userData = async (name: string): Promise<string> => {
    const [server] = (await h.clients.nova.servers.listByTag(clusterTag('demo'))).filter(
      (s) => s.name === `demo-${name}`,
    );
    const r = await h.sim.api('GET', `/compute/v2.1/servers/${server?.id}`, {
      headers: { 'openstack-api-version': 'compute 2.3' },
    });
    const raw = (r.body as { server: Record<string, string> }).server['OS-EXT-SRV-ATTR:user_data'] ?? '';
    return withUnpackedFiles(Buffer.from(raw, 'base64').toString('utf8'));
  };

  it('renders the proxy (no_proxy with the provider subnet and the VIP), mirrors and install mode', async () => {
    h.spec.spec.bootstrap = {
      proxy: { https: 'http://proxy.corp:3128', noProxy: ['.corp'] },
      aptMirrors: { distribution: 'http://apt.corp/ubuntu' },
      registryMirrors: [{ registry: 'registry.k8s.io', endpoints: ['https://reg.corp'] }],
      install: 'skip',
    };
    const result = await createCluster(h.createOptions());
    const vip = result.outputs?.apiEndpoint.host ?? '';
    const subnets = await h.clients.neutron.subnets.list();
    // the provider subnet: the one the VIP is in
    const at = parseCidr(`${vip}/32`);
    const provider = subnets.find((sn) => {
      const c = parseCidr(sn.cidr);
      return at !== undefined && c !== undefined && cidrsOverlap(c, at);
    });
    expect(provider).toBeDefined();
    const worker = await userData('worker-1');
    const noProxy = /NO_PROXY=([^"]+)"/.exec(worker)?.[1]?.split(',') ?? [];
    expect(noProxy).toEqual(expect.arrayContaining([provider?.cidr, vip, '.svc', '.corp']));
    expect(worker).toContain('/etc/containerd/certs.d/registry.k8s.io/hosts.toml');
    expect(worker).toContain('install_mode="skip"');
    expect(worker).toContain('uri: http://apt.corp/ubuntu');
    const lb = await userData('lb-1');
    expect(lb).toContain('/etc/apt/apt.conf.d/90viok-proxy');
    expect(lb).toContain('command -v haproxy');
  });

  it('spec.configDrive gives every node a config drive (clouds without a metadata service)', async () => {
    h.spec.spec.configDrive = true;
    await createCluster(h.createOptions());
    const servers = await h.clients.nova.servers.listByTag(clusterTag('demo'));
    const drives = await Promise.all(
      servers.map(async (s) => {
        const r = await h.sim.api('GET', `/compute/v2.1/servers/${s.id}`);
        return (r.body as { server: { config_drive: string } }).server.config_drive;
      }),
    );
    expect(drives).toHaveLength(8);
    expect(new Set(drives)).toEqual(new Set(['True']));
  });
});
