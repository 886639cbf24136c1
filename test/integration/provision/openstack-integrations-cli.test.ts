import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { repoRoot, runViok } from '../../helpers/cli';

/**
 * spec.openstack through the CLI against the simulator, whose Keystone catalog has compute but neither
 * Cinder nor Octavia (src/sim/keystone): what the preflight decides, what create says, what describe shows.
 */
describe('viok create --sim with spec.openstack', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'viok-openstack-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** examples/vds.yaml with `openstack` set, written to the test folder. */
  const specWith = (
    openstack: Record<string, unknown> | undefined,
    keystoneAuth?: Record<string, unknown>,
  ): string => {
    const doc = YAML.parse(readFileSync(path.join(repoRoot, 'examples', 'vds.yaml'), 'utf8')) as {
      spec: Record<string, unknown>;
    };
    if (openstack) doc.spec.openstack = openstack;
    if (keystoneAuth) doc.spec.keystoneAuth = keystoneAuth;
    const file = path.join(dir, 'cluster.yaml');
    writeFileSync(file, YAML.stringify(doc));
    return file;
  };
  const create = (file: string) =>
    runViok(['create', 'cluster', 'demo', '--sim', '-f', file, '--state-dir', dir, '--yes'], { cwd: dir });

  it('turns defaulted switches off with a warning naming the missing service, and describe lists the result', async () => {
    const made = await create(specWith(undefined));
    expect(made.code).toBe(0);
    // each progress line starts with its time
    const warnings = made.stderr
      .split('\n')
      .map((l) => l.replace(/^\S+ /, ''))
      .filter((l) => l.startsWith('warning: spec.openstack.'));
    expect(warnings).toEqual([
      "warning: spec.openstack.cinderCsi is off: the cloud's service catalog has no 'block-storage' or 'volumev3' service in region RegionOne",
      "warning: spec.openstack.loadBalancer is off: the cloud's service catalog has no 'load-balancer' service in region RegionOne",
    ]);
    const described = await runViok(['describe', 'cluster', 'demo', '--sim', '--state-dir', dir], {
      cwd: dir,
    });
    expect(described.code).toBe(0);
    expect(described.stdout).toContain(
      'OpenStack:     ccm on, cinderCsi off, loadBalancer off (expose Services through the ingress)',
    );
  }, 120_000);

  it('refuses a switch set to true that the catalog cannot serve, before creating anything', async () => {
    const refused = await create(specWith({ cinderCsi: true }));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "spec.openstack.cinderCsi is true but the cloud's service catalog has no 'block-storage' or 'volumev3' service",
    );
    expect(refused.stderr).toContain('nothing was created');
    const listed = await runViok(['get', 'clusters', '--sim', '--state-dir', dir], { cwd: dir });
    expect(listed.stdout).not.toMatch(/\bdemo\b/);
  }, 120_000);

  it('says nothing about switches the spec turned off', async () => {
    const made = await create(specWith({ cinderCsi: false, loadBalancer: false }));
    expect(made.code).toBe(0);
    expect(made.stderr).not.toContain('warning: spec.openstack.');
  }, 120_000);

  it('spec.keystoneAuth: describe says how Keystone users sign in', async () => {
    const file = specWith(
      { cinderCsi: false, loadBalancer: false },
      {
        enabled: true,
        roleMappings: [{ keystoneRole: 'member', groups: ['demo-members'] }],
      },
    );
    expect((await create(file)).code).toBe(0);
    const described = await runViok(['describe', 'cluster', 'demo', '--sim', '--state-dir', dir], {
      cwd: dir,
    });
    expect(described.stdout).toContain(
      'Keystone:      sign-in for kubectl (viok get kubeconfig demo --keystone); authorized by RBAC',
    );
  }, 120_000);

  it('refuses a keystoneAuth policy entry that grants nothing, naming the field', async () => {
    const bad = await create(
      specWith(undefined, { enabled: true, policy: [{ users: { roles: ['member'] } }] }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('/spec/keystoneAuth/policy/0');
  }, 120_000);
});
