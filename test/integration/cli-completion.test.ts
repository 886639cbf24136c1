import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runViok } from '../helpers/cli';
import { itNeeding } from '../helpers/programs';

/** The bash cases run bash itself (part of every Linux, but not of Node). */
const itWithBash = itNeeding({ program: 'bash', install: 'apt-get install -y bash' });

/** What bash offers after `words` (the last one being completed), with viok's completion loaded. */
function bashOffers(script: string, words: string[]): string[] {
  const file = path.join(dir, 'viok.bash');
  writeFileSync(file, script);
  const line = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync(
    'bash',
    [
      '-c',
      `source "$1"; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _viok; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash',
      file,
    ],
    { cwd: dir, encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'viok-completion-'));
  writeFileSync(path.join(dir, 'cluster.yaml'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('viok completion', () => {
  let bash = '';
  beforeAll(async () => {
    const r = await runViok(['completion', 'bash']);
    expect(r.code).toBe(0);
    bash = r.stdout;
  });

  (
    [
      [
        ['viok', ''],
        [
          'validate',
          'schema',
          'sim',
          'plan',
          'create',
          'delete',
          'get',
          'describe',
          'init',
          'scale',
          'repair',
          'upgrade',
          'graph',
          'auth',
          'completion',
          'version',
        ],
      ],
      [
        ['viok', 'de'],
        ['delete', 'describe'],
      ],
      [
        ['viok', 'get', ''],
        ['clusters', 'kubeconfig'],
      ],
      [['viok', '--debug', 'create', ''], ['cluster']],
      [['viok', 'create', 'cluster', '--dr'], ['--dry-run']],
      [
        ['viok', 'create', 'cluster', '-o', ''],
        ['text', 'json'],
      ],
      [['viok', 'create', 'cluster', '-f', 'clu'], ['cluster.yaml']],
      [['viok', 'create', 'cluster', '-f', 'cluster.yaml', '--os'], ['--os-cloud']],
      [
        ['viok', 'completion', ''],
        ['bash', 'zsh', 'fish'],
      ],
      [['viok', 'completion', 'bash', ''], []],
    ] as [string[], string[]][]
  ).forEach(([words, expected]) =>
    itWithBash(`bash: ${JSON.stringify(words)} offers ${JSON.stringify(expected)}`, () => {
      expect(bashOffers(bash, words)).toEqual(expected);
    }),
  );

  itWithBash('offers every flag the command really has (generated from the command tree)', async () => {
    const help = (await runViok(['delete', 'cluster', '--help'])).stdout;
    const flags = [...help.matchAll(/(?:^|[\s,])(--[a-z][-a-z]*)/gm)].map((m) => m[1]);
    const offered = bashOffers(bash, ['viok', 'delete', 'cluster', '--']);
    for (const flag of flags) expect(offered).toContain(flag);
  });

  it('prints zsh and fish scripts, and refuses another shell with the choices', async () => {
    const zsh = await runViok(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef viok\n/);
    expect(zsh.stdout).toContain('bashcompinit');
    const fish = await runViok(['completion', 'fish']);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain(
      "complete -c viok -n '__viok_at '\\''create cluster'\\''' -l dry-run -d 'run the preflight checks and print the plan; create nothing'",
    );
    const tcsh = await runViok(['completion', 'tcsh']);
    expect(tcsh.code).toBe(2);
    expect(tcsh.stderr).toMatch(/Allowed choices are bash, zsh, fish/);
  });
});
