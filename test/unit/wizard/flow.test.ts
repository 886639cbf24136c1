import { AbortError, UserInputError } from '../../../src/core/errors';
import { validateSpecText } from '../../../src/spec/validate';
import { renderSpec, runWizard } from '../../../src/wizard';
import { smallestFlavor, suggestedImage } from '../../../src/wizard/flow';
import { CTRL_C, fakeWorld, ScriptedPrompts, wizardOptions, type Step } from './fakes';

/** Answers given as flags, so a test asks only the questions it is about. */
const skip = {
  cloud: 'vio',
  keyName: 'viok',
  kubernetesVersion: '1.31.4',
  availabilityZone: '',
  controlPlaneCount: 3,
};

const vdsScript: Step[] = [
  { ask: 'Cloud', answer: 'vio' },
  { ask: 'Networking backend', answer: 'vds' },
  { ask: 'Cluster name', answer: ['Demo_1', 'demo'] },
  { ask: 'Kubernetes version', answer: ['1.20.1', ''] },
  { ask: 'Image', answer: 'ubuntu-22.04' },
  { ask: 'SSH key pair', answer: 'viok' },
  { ask: 'Availability zone', answer: 'zone-b' },
  { ask: 'Control-plane nodes', answer: [2, 3] },
  { ask: 'Control-plane flavor', answer: 'm1.medium' },
  { ask: 'Worker nodes', answer: 4 },
  { ask: 'Worker flavor', answer: 'm1.large' },
  { ask: 'Load-balancer (HAProxy) node flavor', answer: 'm1.small' },
  { ask: 'Static IP', answer: '' },
  { ask: 'Provider network', answer: 'provider' },
  { ask: 'Pod CIDR', answer: '' },
  { ask: 'Service CIDR', answer: ['10.244.0.0/20', '10.96.0.0/12'] },
  { ask: 'Write this spec?', answer: true },
];

describe('suggestions', () => {
  it('suggestedImage: the newest Ubuntu by the version in its name', () => {
    const images = ['cirros', 'ubuntu-20.04', 'Ubuntu 24.04 LTS', 'ubuntu-22.04'].map((n) => ({
      value: n,
      name: n,
    }));
    expect(suggestedImage(images)).toBe('Ubuntu 24.04 LTS');
    expect(suggestedImage([{ value: 'cirros', name: 'cirros' }])).toBeUndefined();
  });

  it('smallestFlavor: the least RAM, then vCPUs, that meets the minimum', () => {
    const f = (name: string, vcpus: number, ramMb: number) => ({ id: name, name, vcpus, ramMb, diskGb: 20 });
    const flavors = [f('big', 8, 16384), f('tiny', 1, 512), f('two', 2, 2048), f('wide', 4, 2048)];
    expect(smallestFlavor(flavors, { vcpus: 2, ramMb: 2048 })).toBe('two');
    expect(smallestFlavor(flavors, { vcpus: 16, ramMb: 2048 })).toBeUndefined();
  });
});

describe('viok init question flow', () => {
  it('walks a vds user to a spec that viok validate accepts, rejecting bad answers as they are typed', async () => {
    const prompts = new ScriptedPrompts(vdsScript);
    const world = fakeWorld();
    const { spec } = await runWizard(wizardOptions(prompts, world));

    expect(prompts.remaining).toEqual([]);
    expect(world.opened).toEqual([{ name: 'vio' }]);
    expect(prompts.rejected).toEqual([
      expect.stringContaining('"Demo_1" is not valid: Cluster name: a DNS label'),
      expect.stringContaining('1.20.1 is not supported'),
      expect.stringContaining('use an odd number'),
      '10.244.0.0/16 overlaps /spec/serviceCidr (10.244.0.0/20); node, pod, service and NSX networks must not share addresses: choose disjoint ranges',
    ]);
    expect(spec.metadata.name).toBe('demo');
    expect(spec.spec).toMatchObject({
      backend: 'vds',
      cloud: 'vio',
      kubernetesVersion: '1.31.4',
      availabilityZone: 'zone-b',
      controlPlane: { count: 3, flavor: 'm1.medium' },
      workers: { count: 4, flavor: 'm1.large' },
      loadBalancer: { nodes: { count: 2, flavor: 'm1.small' } },
      networks: { provider: { name: 'provider' } },
      podCidr: '10.244.0.0/16',
      serviceCidr: '10.96.0.0/12',
    });
    expect(spec.spec.loadBalancer?.staticIp).toBeUndefined();
    expect(validateSpecText(renderSpec(spec, '/tmp/cluster.yaml'), 'cluster.yaml').problems).toEqual([]);
  });

  it('highlights an Ubuntu image and the smallest flavor kubeadm accepts for a control plane (2 vCPU, 2 GiB)', async () => {
    const prompts = new ScriptedPrompts(vdsScript);
    await runWizard(wizardOptions(prompts, fakeWorld()));
    expect(prompts.highlighted.get('Image the nodes boot from')).toBe('ubuntu-22.04');
    // m1.small has 2 GiB but 1 vCPU: kubeadm's preflight would refuse it
    expect(prompts.highlighted.get('Control-plane flavor')).toBe('m1.medium');
    // the others default to the control plane's answer
    expect(prompts.highlighted.get('Worker flavor')).toBe('m1.medium');
  });

  it('shows each backend with a line on its CNI, load balancer and network policy', async () => {
    const prompts = new ScriptedPrompts(vdsScript);
    await runWizard(wizardOptions(prompts, fakeWorld()));
    const backends = prompts.offered.get('Networking backend of the cloud') ?? [];
    expect(backends.map((c) => c.value)).toEqual(['vds', 'nsx-v', 'nsx-t']);
    for (const c of backends) expect(c.name).toMatch(/CNI.*(HAProxy|Edge).*(network ?policy|NetworkPolicy)/i);
  });

  it('offers what the cloud lists: flavors with vCPU and RAM, networks, images', async () => {
    const prompts = new ScriptedPrompts(vdsScript);
    await runWizard(wizardOptions(prompts, fakeWorld()));
    const flavors = prompts.offered.get('Control-plane flavor') ?? [];
    expect(flavors.map((f) => f.name)).toContain('m1.medium — 2 vCPU, 4 GiB RAM, 40 GB disk');
    expect((prompts.offered.get('Provider network the nodes attach to') ?? []).map((c) => c.value)).toEqual([
      'provider',
      'lab',
    ]);
  });

  it('keeps nsx-v within the 32-worker limit of the NSX Edge while the count is typed', async () => {
    const prompts = new ScriptedPrompts([
      { ask: 'Networking backend', answer: 'nsx-v' },
      { ask: 'Worker nodes', answer: [33, 32] },
      { ask: 'Static IP', answer: ['10.0.0', ''] },
      { ask: 'External management network', answer: 'public' },
      { ask: 'Node network CIDR', answer: ['10.0.0.5/24', '10.96.0.0/24', '10.0.0.0/24'] },
      { ask: 'NSX Manager URL', answer: ['http://nsx', 'https://nsxv.example.com'] },
      { ask: 'NSX Manager user', answer: '' },
      { ask: 'Environment variable', answer: '' },
      { ask: 'CA file', answer: '' },
      { ask: 'Pod CIDR', answer: '' },
      { ask: 'Service CIDR', answer: '' },
      { ask: 'Write this spec?', answer: true },
    ]);
    const { spec } = await runWizard(
      wizardOptions(prompts, fakeWorld(), {
        answers: { ...skip, name: 'edge', image: 'cirros', flavor: 'm1.small', workerFlavor: 'm1.small' },
      }),
    );
    expect(prompts.remaining).toEqual([]);
    expect(prompts.rejected).toEqual([
      '33 workers exceed the NSX Edge load balancer limit of 32 for backend nsx-v',
      expect.stringContaining('"10.0.0" is not an IP address'),
      expect.stringContaining('has host bits set; use the network address 10.0.0.0/24'),
      expect.stringContaining('overlaps /spec/serviceCidr (10.96.0.0/12, the default)'),
      expect.stringContaining('https://'),
    ]);
    expect(spec.spec.workers.count).toBe(32);
    expect(spec.spec.nsxv).toEqual({
      manager: 'https://nsxv.example.com',
      username: 'admin',
      password: { env: 'VIOK_NSXV_PASSWORD' },
    });
    expect(spec.spec.loadBalancer).toBeUndefined();
  });

  it('nsx-t: lists tier-0 routers and transport zones from NSX-T, asking the password only for the listing', async () => {
    const prompts = new ScriptedPrompts([
      { ask: 'Networking backend', answer: 'nsx-t' },
      { ask: 'External network', answer: 'public' },
      { ask: 'Management network CIDR', answer: '' },
      { ask: 'Kubernetes API network CIDR', answer: ['10.10.0.0/25', ''] },
      { ask: 'NCP pod network CIDR', answer: '' },
      { ask: 'NSX-T Manager URL', answer: 'https://nsxt.example.com' },
      { ask: 'NSX-T user', answer: 'ncp' },
      { ask: 'Environment variable', answer: 'NSX_PW' },
      { ask: 'CA file', answer: '/etc/ssl/nsx-ca.pem' },
      { ask: 'NSX-T password', answer: 'typed-secret' },
      { ask: 'Tier-0 router', answer: 'tier0-router' },
      { ask: 'Overlay transport zone', answer: 'overlay-tz' },
      { ask: 'NCP pod IP block', answer: '' },
      { ask: 'External IP pool', answer: ['', '172.16.5.0/24', '203.0.113.0/24'] },
      { ask: 'NCP image', answer: 'registry.example.com/nsx-ncp-ubuntu:4.2.1.24114718' },
      { ask: 'NetworkPolicy', answer: true },
      { ask: 'Service CIDR', answer: '' },
      { ask: 'Write this spec?', answer: true },
    ]);
    const world = fakeWorld();
    const { spec, env } = await runWizard(
      wizardOptions(prompts, world, {
        answers: {
          ...skip,
          name: 'ncp',
          image: 'ubuntu-22.04',
          flavor: 'm1.medium',
          workers: 3,
          workerFlavor: 'm1.large',
          lbFlavor: 'm1.small',
        },
      }),
    );
    expect(prompts.remaining).toEqual([]);
    expect(prompts.rejected).toEqual([
      expect.stringContaining('overlaps /spec/networks/management/cidr (10.10.0.0/24)'),
      'must be a CIDR such as 10.0.0.0/24',
      expect.stringContaining('overlaps /spec/nsxt/podIpBlock/cidr (172.16.0.0/16)'),
    ]);
    expect(world.nsxtConnections).toEqual([
      {
        manager: 'https://nsxt.example.com',
        username: 'ncp',
        password: 'typed-secret',
        caFile: '/etc/ssl/nsx-ca.pem',
        insecure: false,
      },
    ]);
    expect(spec.spec.nsxt).toMatchObject({
      managers: ['https://nsxt.example.com'],
      password: { env: 'NSX_PW' },
      tier0Router: 'tier0-router',
      overlayTransportZone: 'overlay-tz',
      externalIpPool: { cidr: '203.0.113.0/24' },
      ncp: { image: 'registry.example.com/nsx-ncp-ubuntu:4.2.1.24114718' },
    });
    expect(spec.spec.networkPolicy).toBe(true);
    expect(spec.spec.podCidr).toBeUndefined();
    expect(JSON.stringify(spec)).not.toContain('typed-secret');
    // the typed password is handed (in memory) to the plan run that may follow, under the spec's name
    expect(env).toEqual({ NSX_PW: 'typed-secret' });
  });

  it('nsx-t refuses a static load-balancer IP, with the rule viok validate applies', async () => {
    const run = runWizard(
      wizardOptions(new ScriptedPrompts([]), fakeWorld(), {
        interactive: false,
        answers: {
          cloud: 'vio',
          backend: 'nsx-t',
          name: 'x',
          image: 'cirros',
          keyName: 'viok',
          flavor: 'm1.small',
          lbStaticIp: '10.0.0.9',
        },
      }),
    );
    await expect(run).rejects.toThrow(
      /--lb-static-ip 10\.0\.0\.9: a static load-balancer IP cannot be set with backend nsx-t/,
    );
  });

  it('enters a new cloud: the spec names it, the credentials go only where the user chose', async () => {
    const prompts = new ScriptedPrompts([
      { ask: 'Cloud', answer: '\u0000new' },
      { ask: 'Keystone auth URL', answer: ['vio.example.com', 'https://vio.example.com:5000/v3'] },
      { ask: 'User name', answer: 'alice' },
      { ask: 'Password', answer: 's3cret' },
      { ask: 'Project name', answer: 'k8s' },
      { ask: 'User domain', answer: '' },
      { ask: 'Project domain', answer: '' },
      { ask: 'Name for this cloud', answer: ['lab', 'prod'] },
      { ask: 'Where should viok keep these credentials', answer: 'secure-yaml' },
    ]);
    const world = fakeWorld();
    const result = await runWizard(
      wizardOptions(prompts, world, {
        answers: {
          backend: 'vds',
          name: 'x',
          image: 'cirros',
          keyName: 'viok',
          flavor: 'm1.small',
          providerNetwork: 'lab',
        },
        yes: true,
      }),
    );
    expect(prompts.remaining).toEqual([]);
    expect(prompts.rejected).toEqual(['must be an http(s) URL', 'a cloud named lab exists already']);
    expect(world.opened).toEqual([
      {
        newCloud: expect.objectContaining({ authUrl: 'https://vio.example.com:5000/v3', password: 's3cret' }),
      },
    ]);
    expect(result.spec.spec.cloud).toBe('prod');
    expect(result.cloudToSave).toMatchObject({
      store: 'secure-yaml',
      cloud: {
        name: 'prod',
        username: 'alice',
        projectName: 'k8s',
        userDomainName: 'Default',
        projectDomainName: 'Default',
      },
    });
    expect(JSON.stringify(result.spec)).not.toContain('s3cret');
  });

  it('Ctrl-C at a question stops the wizard with an AbortError (exit 130)', async () => {
    const prompts = new ScriptedPrompts([
      { ask: 'Cloud', answer: 'vio' },
      { ask: 'Networking backend', answer: CTRL_C },
    ]);
    const run = runWizard(wizardOptions(prompts, fakeWorld()));
    await expect(run).rejects.toBeInstanceOf(AbortError);
    await expect(run).rejects.toMatchObject({ exitCode: 130 });
  });

  it('declining the summary writes nothing (AbortError)', async () => {
    const script = vdsScript.map((s) => (s.ask === 'Write this spec?' ? { ...s, answer: false } : s));
    const out = wizardOptions(new ScriptedPrompts(script), fakeWorld());
    await expect(runWizard(out)).rejects.toThrow('nothing written');
    expect(out.out.infos.join('\n')).toContain('workers        4 × m1.large');
  });

  it('an aborted run (Ctrl-C while the cloud answers) asks nothing more', async () => {
    const controller = new AbortController();
    controller.abort();
    const prompts = new ScriptedPrompts([]);
    await expect(
      runWizard(wizardOptions(prompts, fakeWorld(), { signal: controller.signal })),
    ).rejects.toBeInstanceOf(AbortError);
    expect(prompts.asked).toEqual([]);
  });
});

describe('viok init without a terminal', () => {
  const all = {
    cloud: 'vio',
    backend: 'vds' as const,
    name: 'ci',
    image: '11111111-2222-3333-4444-555555555555',
    keyName: 'viok',
    flavor: 'm1.medium',
    providerNetwork: 'provider',
  };

  it('builds a valid spec from flags and defaults, asking nothing', async () => {
    const prompts = new ScriptedPrompts([]);
    const { spec } = await runWizard(
      wizardOptions(prompts, fakeWorld(), { interactive: false, answers: all }),
    );
    expect(prompts.asked).toEqual([]);
    // an image given by id is written by name
    expect(spec.spec.image).toBe('ubuntu-22.04');
    expect(spec.spec.controlPlane.count).toBe(3);
    expect(validateSpecText(JSON.stringify(spec), 'x').problems).toEqual([]);
  });

  it.each([
    ['image', '--image'],
    ['name', '--name'],
    ['backend', '--backend'],
    ['providerNetwork', '--provider-network'],
    ['flavor', '--flavor'],
  ] as const)('a missing %s is an error naming %s', async (key, flag) => {
    const answers: Record<string, unknown> = { ...all };
    delete answers[key];
    const run = runWizard(
      wizardOptions(new ScriptedPrompts([]), fakeWorld(), { interactive: false, answers }),
    );
    await expect(run).rejects.toBeInstanceOf(UserInputError);
    await expect(run).rejects.toThrow(`pass ${flag}`);
  });

  it('off a terminal, every missing flag is named in one error', async () => {
    const { name: _n, image: _i, flavor: _f, providerNetwork: _p, ...rest } = all;
    void [_n, _i, _f, _p];
    const run = runWizard(
      wizardOptions(new ScriptedPrompts([]), fakeWorld(), { interactive: false, answers: rest }),
    );
    await expect(run).rejects.toThrow(
      '4 answers are missing; pass:\n' +
        '  --name  Cluster name (a DNS label, e.g. demo)\n' +
        '  --image  Image the nodes boot from\n' +
        '  --flavor  Control-plane flavor\n' +
        '  --provider-network  Provider network the nodes attach to\n' +
        '(viok init asks only in a terminal',
    );
  });

  it('without --backend, names it and the common flags, then stops', async () => {
    const { backend: _b, name: _n, ...rest } = all;
    void [_b, _n];
    const run = runWizard(
      wizardOptions(new ScriptedPrompts([]), fakeWorld(), { interactive: false, answers: rest }),
    );
    await expect(run).rejects.toThrow(
      '2 answers are missing; pass (then the flags of that backend):\n  --backend  Networking backend\n  --name  Cluster name',
    );
  });

  it('needs --os-cloud when several clouds are defined, and takes the only one otherwise', async () => {
    const { cloud: _cloud, ...rest } = all;
    void _cloud;
    await expect(
      runWizard(wizardOptions(new ScriptedPrompts([]), fakeWorld(), { interactive: false, answers: rest })),
    ).rejects.toThrow('pass --os-cloud');
    const { spec } = await runWizard(
      wizardOptions(new ScriptedPrompts([]), fakeWorld({}, ['only']), { interactive: false, answers: rest }),
    );
    expect(spec.spec.cloud).toBe('only');
  });

  it('names what the cloud offers when a flag names something it does not have', async () => {
    const run = runWizard(
      wizardOptions(new ScriptedPrompts([]), fakeWorld(), {
        interactive: false,
        answers: { ...all, flavor: 'm9.huge' },
      }),
    );
    await expect(run).rejects.toThrow(
      '--flavor m9.huge: not found (control-plane flavor: m1.small, m1.medium, m1.large)',
    );
  });

  it('checks flag values with the validate rules (even control-plane count, overlapping CIDRs)', async () => {
    const opts = (extra: object) =>
      wizardOptions(new ScriptedPrompts([]), fakeWorld(), {
        interactive: false,
        answers: { ...all, ...extra },
      });
    await expect(runWizard(opts({ controlPlaneCount: 2 }))).rejects.toThrow('--control-plane-count 2: ');
    await expect(runWizard(opts({ podCidr: '10.96.0.0/16' }))).rejects.toThrow(
      /--pod-cidr 10\.96\.0\.0\/16: .*overlaps/,
    );
  });

  it('nsx-t without the NSX-T password in the environment says which variable to set', async () => {
    const run = runWizard(
      wizardOptions(new ScriptedPrompts([]), fakeWorld({ VIOK_NSXT_URL: 'https://nsx.example.com' }), {
        interactive: false,
        answers: {
          ...all,
          backend: 'nsx-t',
          providerNetwork: undefined,
          externalNetwork: 'public',
          externalIpPool: '203.0.113.0/24',
          tier0Router: 'tier0-router',
        },
      }),
    );
    await expect(run).rejects.toThrow('$VIOK_NSXT_PASSWORD is not set');
  });

  it('nsx-t from flags and the environment lists NSX-T to check --tier0-router', async () => {
    const world = fakeWorld({ VIOK_NSXT_URL: 'https://nsx.example.com', VIOK_NSXT_PASSWORD: 'pw' });
    const answers = {
      ...all,
      backend: 'nsx-t' as const,
      externalNetwork: 'public',
      externalIpPool: '203.0.113.0/24',
      overlayTransportZone: 'overlay-tz',
      ncpImage: 'registry.example.com/nsx-ncp-ubuntu:4.2.1.24114718',
    };
    delete (answers as Record<string, unknown>).providerNetwork;
    await expect(
      runWizard(
        wizardOptions(new ScriptedPrompts([]), world, {
          interactive: false,
          answers: { ...answers, tier0Router: 'nope' },
        }),
      ),
    ).rejects.toThrow('--tier0-router nope: not found (tier-0 router ncp uplinks to: tier0-router)');
    const { spec } = await runWizard(
      wizardOptions(new ScriptedPrompts([]), world, {
        interactive: false,
        answers: { ...answers, tier0Router: 't0-id' },
      }),
    );
    expect(spec.spec.nsxt?.tier0Router).toBe('tier0-router');
    expect(world.nsxtConnections[0]).toMatchObject({ manager: 'https://nsx.example.com', password: 'pw' });
    expect(validateSpecText(JSON.stringify(spec), 'x').problems).toEqual([]);
  });
});
