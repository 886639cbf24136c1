import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot, runViok } from '../../helpers/cli';

/**
 * `viok plan` shows drift like terraform (issue 18): after a create, a changed spec gives `+` for what
 * it adds, `~` (with how, and "replace") for servers whose flavor or image differ, `-` for servers and
 * ports the spec no longer has, `=` for the rest; `--detailed-exitcode` exits 0 without changes, 2 with,
 * 1 on error. Through the CLI, against the simulator, for vds and nsx-t (three ports per worker).
 */
type Spec = {
  metadata: { name: string };
  spec: {
    image: string;
    kubernetesVersion: string;
    networks?: Record<string, unknown>;
    controlPlane: { count: number; flavor: string };
    workers: { count: number; flavor: string };
    loadBalancer?: { nodes?: { count: number; flavor: string } };
  };
};

interface Entry {
  action: string;
  kind: string;
  name: string;
  key: string;
  reason?: string;
}

describe.each([
  ['vds', 'vds.yaml', 1],
  ['nsx-t', 'nsx-t.yaml', 3],
] as const)('viok plan shows drift (%s)', (backend, example, portsPerWorker) => {
  let dir: string;
  let base: Spec;
  const name = `drift-${backend.replace('-', '')}`;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'viok-plan-drift-'));
    base = parse(readFileSync(path.join(repoRoot, 'examples', example), 'utf8')) as Spec;
    base.metadata.name = name;
    base.spec.controlPlane = { count: 1, flavor: 'm1.medium' };
    base.spec.workers = { count: 2, flavor: 'm1.small' };
    const made = await viok('create', 'cluster', '--sim', '-f', write('base', base), '--yes');
    if (made.code !== 0) throw new Error(`create failed:\n${made.stderr}`);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const viok = (...args: string[]) =>
    runViok(args, {
      cwd: dir,
      env: { HOME: dir, XDG_STATE_HOME: path.join(dir, 'state') },
      timeoutMs: 90_000,
    });
  const write = (label: string, spec: Spec): string => {
    const file = path.join(dir, `${label}.yaml`);
    writeFileSync(file, stringify(spec));
    return file;
  };
  const changed = (edit: (s: Spec['spec']) => void): Spec => {
    const s = structuredClone(base);
    edit(s.spec);
    return s;
  };
  const plan = async (label: string, spec: Spec): Promise<{ code: number | null; entries: Entry[] }> => {
    const r = await viok('plan', '--sim', '-f', write(label, spec), '-o', 'json', '--detailed-exitcode');
    if (r.code !== 0 && r.code !== 2) throw new Error(`plan exited ${r.code}:\n${r.stderr}`);
    return { code: r.code, entries: (JSON.parse(r.stdout) as { plan: Entry[] }).plan };
  };
  const lines = (entries: Entry[], action: string): string[] =>
    entries
      .filter((e) => e.action === action)
      .map((e) => `${e.kind} ${e.name}${e.reason ? `: ${e.reason}` : ''}`)
      .sort();

  it.each([
    {
      drift: 'nothing changed',
      edit: () => undefined,
      code: 0,
      check: (e: Entry[]) => expect(e.filter((x) => x.action !== '=')).toEqual([]),
    },
    {
      drift: 'workers 2 → 1',
      edit: (s: Spec['spec']) => (s.workers.count = 1),
      code: 2,
      check: (e: Entry[]) => {
        const why = `the spec asks for 1 worker: viok scale cluster ${name} --workers 1 removes it; create does not`;
        expect(lines(e, '-').filter((l) => l.startsWith('server'))).toEqual([
          `server ${name}-worker-2: ${why}`,
        ]);
        expect(lines(e, '-').filter((l) => l.startsWith('port'))).toHaveLength(portsPerWorker);
        expect(lines(e, '+')).toEqual([]);
        expect(lines(e, '~')).toEqual([]);
      },
    },
    {
      drift: 'workers 2 → 3',
      edit: (s: Spec['spec']) => (s.workers.count = 3),
      code: 2,
      check: (e: Entry[]) => {
        expect(lines(e, '+').filter((l) => l.startsWith('server'))).toEqual([`server ${name}-worker-3`]);
        expect(lines(e, '+').filter((l) => l.startsWith('port'))).toHaveLength(portsPerWorker);
        expect(lines(e, '-')).toEqual([]);
      },
    },
    {
      drift: 'worker flavor m1.small → m1.medium',
      edit: (s: Spec['spec']) => (s.workers.flavor = 'm1.medium'),
      code: 2,
      check: (e: Entry[]) =>
        expect(lines(e, '~')).toEqual([
          `server ${name}-worker-1: flavor m1.small → m1.medium (replace)`,
          `server ${name}-worker-2: flavor m1.small → m1.medium (replace)`,
        ]),
    },
    {
      drift: 'control-plane flavor m1.medium → m1.large',
      edit: (s: Spec['spec']) => (s.controlPlane.flavor = 'm1.large'),
      code: 2,
      check: (e: Entry[]) =>
        expect(lines(e, '~')).toEqual([`server ${name}-cp-1: flavor m1.medium → m1.large (replace)`]),
    },
    {
      drift: 'image ubuntu-22.04 → cirros',
      edit: (s: Spec['spec']) => (s.image = 'cirros'),
      code: 2,
      check: (e: Entry[]) => {
        const changed = lines(e, '~');
        expect(changed.length).toBe(e.filter((x) => x.kind === 'server').length);
        for (const l of changed) expect(l).toMatch(/: image \S+ → cirros \(replace\)$/);
      },
    },
    {
      drift: 'kubernetesVersion 1.31 → 1.32',
      edit: (s: Spec['spec']) => (s.kubernetesVersion = '1.32.4'),
      code: 2,
      check: (e: Entry[]) =>
        expect(lines(e, '~')).toEqual([
          `cluster ${name}: kubernetesVersion ${base.spec.kubernetesVersion} → 1.32.4 (replace every node: viok upgrade cluster ${name} --kubernetes-version 1.32.4 does, one batch at a time; create leaves the nodes at ${base.spec.kubernetesVersion})`,
        ]),
    },
    ...(backend === 'nsx-t'
      ? [
          {
            drift: 'API network CIDR',
            edit: (s: Spec['spec']) =>
              ((s.networks as { api: { cidr: string } }).api.cidr = '192.168.77.0/24'),
            code: 2,
            check: (e: Entry[]) =>
              expect(lines(e, '~')).toEqual([
                expect.stringMatching(
                  new RegExp(
                    `^subnet viok-${name}-subnet-api: spec.networks.api.cidr \\S+ → 192.168.77.0/24 \\(replace\\)$`,
                  ),
                ) as unknown as string,
              ]),
          },
        ]
      : []),
  ])('$drift', async ({ drift, edit, code, check }) => {
    const r = await plan(drift.replace(/\W+/g, '-'), changed(edit));
    check(r.entries);
    expect(r.code).toBe(code);
  });

  it('prints the same as a table with a count per action, and exits 1 (not 2) on an invalid spec', async () => {
    const table = await viok(
      'plan',
      '--sim',
      '-f',
      write(
        'fewer',
        changed((s) => (s.workers.count = 1)),
      ),
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`^- server +${name}-worker-2 +\\(server/worker-2\\) +the spec asks for 1 worker`, 'm'),
    );
    expect(table.stdout).toMatch(
      new RegExp(`to create, ${1 + portsPerWorker} to remove, \\d+ unchanged$`, 'm'),
    );
    // create refuses a changed version: new nodes would not match the running ones
    const upgrade = await viok(
      'create',
      'cluster',
      '--sim',
      '-f',
      write(
        'newer',
        changed((s) => (s.kubernetesVersion = '1.32.4')),
      ),
      '--yes',
    );
    expect(upgrade.code).toBe(2);
    expect(upgrade.stderr).toContain(
      `spec.kubernetesVersion is 1.32.4 but cluster ${name} runs ${base.spec.kubernetesVersion}`,
    );
    const bad = await viok(
      'plan',
      '--sim',
      '-f',
      write(
        'bad',
        changed((s) => (s.workers.count = 0)),
      ),
      '--detailed-exitcode',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('/spec/workers/count');
  });
});
