/**
 * The node scripts' behaviour, run for real in bash with stand-ins for kubeadm, curl and sleep on
 * PATH and every path under a temporary root (VIOK_TEST_ROOT): markers, the wait for the API, join
 * retries with `kubeadm reset -f` between, the CA files put back after a reset, and no credential
 * on the console.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  credentialGrepPattern,
  parseMarkers,
  renderBootstrapScript,
} from '../../../src/render/bootstrap-markers';
import { renderTemplate } from '../../../src/render/template';
import { inCi } from '../../helpers/ci';
import { hasProgram, recordSkip } from '../../helpers/programs';

const canRun = hasProgram('bash') || inCi();
if (!canRun) recordSkip('bash', 'bootstrap-scripts: the node scripts run in bash', 'apt-get install -y bash');
const maybe = canRun ? describe : describe.skip;

maybe('node bootstrap scripts, run in bash', () => {
  let root: string;
  let bootstrap: string;
  let kubeadmRun: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'viok-node-'));
    for (const d of ['bin', 'run', 'var/log', 'etc/kubernetes/viok'])
      mkdirSync(path.join(root, d), { recursive: true });
    bootstrap = path.join(root, 'viok-bootstrap');
    kubeadmRun = path.join(root, 'viok-kubeadm');
    writeFileSync(bootstrap, renderBootstrapScript('demo-worker-1'));
    writeFileSync(
      kubeadmRun,
      renderTemplate('kubeadm-run.sh', { bootstrap, credentialPattern: credentialGrepPattern }),
    );
    chmodSync(bootstrap, 0o755);
    chmodSync(kubeadmRun, 0o755);
    // stand-ins: sleep does nothing; curl answers 000 (no connection) twice, then 200
    stub('sleep', 'exit 0');
    stub(
      'curl',
      'n=$(cat "$VIOK_TEST_ROOT/curl.count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n >"$VIOK_TEST_ROOT/curl.count"\n' +
        'if [ $n -le 2 ]; then printf 000; exit 7; fi; printf 200',
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function stub(name: string, body: string): void {
    const file = path.join(root, 'bin', name);
    writeFileSync(file, `#!/bin/bash\n${body}\n`);
    chmodSync(file, 0o755);
  }

  /** kubeadm that fails its first `failures` init/join calls, printing a credential as kubeadm does. */
  function kubeadm(failures: number, extra = ''): void {
    stub(
      'kubeadm',
      `echo "$*" >>"$VIOK_TEST_ROOT/kubeadm.calls"\n` +
        `if [ "$1" = reset ]; then rm -rf "$VIOK_TEST_ROOT/etc/kubernetes/pki"/*; exit 0; fi\n${extra}` +
        'n=$(cat "$VIOK_TEST_ROOT/kubeadm.count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n >"$VIOK_TEST_ROOT/kubeadm.count"\n' +
        `echo "kubeadm join 10.0.0.5:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:00"\n` +
        `if [ $n -le ${failures} ]; then echo "error execution phase preflight: connection refused"; exit 1; fi\nexit 0`,
    );
  }

  function run(...args: string[]): { code: number; out: string } {
    const r = spawnSync('bash', [bootstrap, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${path.join(root, 'bin')}:${process.env.PATH ?? ''}`,
        VIOK_TEST_ROOT: root,
      },
    });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  }
  const phases = (out: string): string[] =>
    parseMarkers(out).map((m) => `${m.phase} ${m.status}${m.attempt !== undefined ? ` ${m.attempt}` : ''}`);
  const calls = (): string[] => readFileSync(path.join(root, 'kubeadm.calls'), 'utf8').trim().split('\n');

  it('join waits for the API, then retries after kubeadm reset until it succeeds', () => {
    kubeadm(2);
    const r = run('step', kubeadmRun, 'join', '10.0.0.5:6443');
    expect(r.code).toBe(0);
    expect(phases(r.out)).toEqual([
      'wait-api start',
      'wait-api ok',
      'kubeadm-join start 1',
      'kubeadm-join retry 1',
      'kubeadm-join start 2',
      'kubeadm-join retry 2',
      'kubeadm-join start 3',
      'kubeadm-join ok 3',
    ]);
    expect(calls().filter((c) => c === 'reset -f')).toHaveLength(2);
    expect(r.out).not.toContain('abcdef');
    expect(run('done')).toMatchObject({
      code: 0,
      out: 'viok-bootstrap: node=demo-worker-1 phase=done status=ok\n',
    });
  });

  it('join gives up after 5 attempts: failed marker, last log lines without credentials, later steps skipped', () => {
    kubeadm(99);
    const r = run('step', kubeadmRun, 'join', '10.0.0.5:6443');
    expect(r.code).toBe(1);
    expect(phases(r.out).at(-1)).toBe('kubeadm-join failed 5');
    expect(r.out).toContain('viok-bootstrap-log: error execution phase preflight: connection refused');
    expect(r.out).not.toMatch(/abcdef|ca-cert-hash/);
    expect(existsSync(path.join(root, 'run/viok-bootstrap.failed'))).toBe(true);
    expect(run('run', 'addons', 'true')).toEqual({ code: 1, out: '' });
    expect(run('done')).toEqual({ code: 1, out: '' });
  });

  it('init is retried once, with the pre-distributed CA files put back after the reset', () => {
    const pki = path.join(root, 'etc/kubernetes/pki');
    mkdirSync(pki);
    writeFileSync(path.join(pki, 'ca.key'), 'KEY');
    // the second init succeeds only if the CA key is back
    kubeadm(
      1,
      `if [ "$1" = init ] && [ ! -e "$VIOK_TEST_ROOT/etc/kubernetes/pki/ca.key" ]; then exit 3; fi\n`,
    );
    const r = run('step', kubeadmRun, 'init');
    expect(phases(r.out)).toEqual([
      'kubeadm-init start 1',
      'kubeadm-init retry 1',
      'kubeadm-init start 2',
      'kubeadm-init ok 2',
    ]);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(pki, 'ca.key'), 'utf8')).toBe('KEY');
  });

  it('run marks start and ok, or failed with the output tail, and leaves the flag', () => {
    expect(phases(run('run', 'install', 'bash', '-c', 'echo installing').out)).toEqual([
      'install start',
      'install ok',
    ]);
    const r = run('run', 'addons', 'bash', '-c', 'echo "secret/nsx created"; echo "apply failed"; exit 1');
    expect(r.code).toBe(1);
    expect(phases(r.out)).toEqual(['addons start', 'addons failed']);
    expect(r.out).toContain('viok-bootstrap-log: apply failed');
    expect(r.out).not.toContain('viok-bootstrap-log: secret/nsx');
    expect(run('done').code).toBe(1);
  });

  it('retry tries an add-on again after a passing failure, numbering the attempts', () => {
    // kubectl that loses its connection twice (an API server restarting), then applies
    stub(
      'kubectl',
      'n=$(cat "$VIOK_TEST_ROOT/kubectl.count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n >"$VIOK_TEST_ROOT/kubectl.count"\n' +
        'if [ $n -le 2 ]; then echo "error: connection reset by peer"; exit 1; fi; echo "daemonset.apps/ncp created"',
    );
    const r = run('retry', 'addons', '4', 'kubectl', 'apply', '-f', 'ncp.yaml');
    expect(r.code).toBe(0);
    expect(phases(r.out)).toEqual([
      'addons start 1',
      'addons retry 1',
      'addons start 2',
      'addons retry 2',
      'addons start 3',
      'addons ok 3',
    ]);
    expect(existsSync(path.join(root, 'run/viok-bootstrap.failed'))).toBe(false);
    expect(run('done').code).toBe(0);
  });

  it('retry gives up after its attempts: failed marker with the attempt, output tail, flag left', () => {
    stub('kubectl', 'echo "error: connection reset by peer"; echo "token: abc"; exit 1');
    const r = run('retry', 'addons', '3', 'kubectl', 'apply', '-f', 'ncp.yaml');
    expect(r.code).toBe(1);
    expect(phases(r.out).at(-1)).toBe('addons failed 3');
    expect(phases(r.out).filter((p) => p.startsWith('addons start'))).toHaveLength(3);
    expect(r.out).toContain('viok-bootstrap-log: error: connection reset by peer');
    expect(r.out).not.toContain('viok-bootstrap-log: token');
    expect(existsSync(path.join(root, 'run/viok-bootstrap.failed'))).toBe(true);
    expect(run('retry', 'addons', '3', 'true')).toEqual({ code: 1, out: '' });
  });

  it('shellcheck finds nothing (when installed)', () => {
    if (!hasProgram('shellcheck')) {
      recordSkip('shellcheck', 'bootstrap-scripts: shellcheck', 'apt-get install -y shellcheck');
      return;
    }
    expect(() => execFileSync('shellcheck', [bootstrap, kubeadmRun], { encoding: 'utf8' })).not.toThrow();
  });
});
