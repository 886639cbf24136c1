import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  bootstrapProgress,
  formatMarker,
  parseMarkerLine,
  parseMarkers,
  redactConsoleLines,
  renderBootstrapScript,
} from '../../../src/render/bootstrap-markers';
import { inCi } from '../../helpers/ci';
import { hasProgram, recordSkip } from '../../helpers/programs';

describe('bootstrap marker grammar', () => {
  test('formats one greppable line and parses it back', () => {
    const line = formatMarker({ node: 'demo-cp-1', phase: 'kubeadm-join', status: 'retry', attempt: 2 });
    expect(line).toBe('viok-bootstrap: node=demo-cp-1 phase=kubeadm-join status=retry attempt=2');
    expect(parseMarkerLine(line)).toEqual({
      node: 'demo-cp-1',
      phase: 'kubeadm-join',
      status: 'retry',
      attempt: 2,
    });
  });

  test('refuses a node name that could break the line', () => {
    expect(() => formatMarker({ node: 'a b', phase: 'done', status: 'ok' })).toThrow(
      /cannot go into a marker/,
    );
  });

  test.each([
    ['kernel timestamp prefix', '[   42.123456] viok-bootstrap: node=w-1 phase=install status=ok', 'ok'],
    ['cloud-init prefix', 'cloud-init[812]: viok-bootstrap: node=w-1 phase=install status=start', 'start'],
    ['trailing CR', 'viok-bootstrap: node=w-1 phase=install status=failed\r', 'failed'],
  ])('finds a marker behind a %s', (_what, line, status) => {
    expect(parseMarkerLine(line)?.status).toBe(status);
  });

  test.each([
    ['a cut status', 'viok-bootstrap: node=w-1 phase=install status=fai'],
    ['a cut phase', 'viok-bootstrap: node=w-1 phase=kubeadm-jo'],
    ['an unknown phase', 'viok-bootstrap: node=w-1 phase=reboot status=ok'],
    ['an unknown status', 'viok-bootstrap: node=w-1 phase=install status=okay'],
    ['the log lines beside markers', 'viok-bootstrap-log: E1204 failed to pull image'],
    ['plain noise', '[    0.000000] Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045)'],
  ])('reads no marker in %s', (_what, line) => {
    expect(parseMarkerLine(line)).toBeUndefined();
  });

  const console = [
    '[    0.000000] Linux version 5.15.0-91-generic',
    'cloud-init[700]: Cloud-init v. 23.3 running modules:config',
    'viok-bootstrap: node=w-1 phase=install status=start',
    'Reading package lists...',
    'viok-bootstrap: node=w-1 phase=install status=ok',
    'viok-bootstrap: node=w-1 phase=wait-api status=start',
    'viok-bootstrap: node=w-1 phase=wait-api status=o',
  ].join('\n');

  test('the latest complete marker is the node state; a partial last line is ignored', () => {
    expect(parseMarkers(console).map((m) => `${m.phase}/${m.status}`)).toEqual([
      'install/start',
      'install/ok',
      'wait-api/start',
    ]);
    expect(bootstrapProgress(console)).toEqual({
      state: 'running',
      last: { node: 'w-1', phase: 'wait-api', status: 'start' },
    });
    expect(bootstrapProgress('no markers yet\n')).toEqual({ state: 'pending' });
    expect(bootstrapProgress(`${console}k\nviok-bootstrap: node=w-1 phase=done status=ok\n`).state).toBe(
      'done',
    );
    expect(parseMarkers(console, 'other')).toEqual([]);
  });

  test('a marker printed twice (cloud-init copies stdout to the console, and /dev/console, as on a booted VM) counts once', () => {
    // the order seen on a lab VM's serial console (test/boot/e2e-vds.sh): either copy may come first
    const text = [
      'viok-bootstrap: node=cp-1 phase=install status=start',
      '[  338.222526] cloud-init[421]: viok-bootstrap: node=cp-1 phase=install status=start',
      '[  397.419928] cloud-init[421]: viok-bootstrap: node=cp-1 phase=install status=ok',
      'viok-bootstrap: node=cp-1 phase=install status=ok',
      '[  399.424030] cloud-init[421]: viok-bootstrap: node=cp-1 phase=kubeadm-init status=start attempt=1',
      'viok-bootstrap: node=cp-1 phase=kubeadm-init status=start attempt=1',
      'viok-bootstrap: node=cp-1 phase=kubeadm-init status=retry attempt=1',
      'viok-bootstrap: node=cp-1 phase=kubeadm-init status=start attempt=2',
    ].join('\n');
    expect(parseMarkers(text).map((m) => `${m.phase}/${m.status}/${m.attempt ?? ''}`)).toEqual([
      'install/start/',
      'install/ok/',
      'kubeadm-init/start/1',
      'kubeadm-init/retry/1',
      'kubeadm-init/start/2',
    ]);
  });

  test('a failed marker is final, even when lines follow it', () => {
    const text = `${console}\nviok-bootstrap: node=w-1 phase=kubeadm-join status=failed attempt=5\nlogin: `;
    expect(bootstrapProgress(text)).toEqual({
      state: 'failed',
      last: { node: 'w-1', phase: 'kubeadm-join', status: 'failed', attempt: 5 },
    });
  });

  test('redaction removes whole lines that may carry a credential', () => {
    expect(
      redactConsoleLines([
        'kubeadm join 10.0.0.5:6443 --token abc.def',
        'ok line',
        '--discovery-token-ca-cert-hash x',
      ]),
    ).toEqual([
      '[line removed: may contain a credential]',
      'ok line',
      '[line removed: may contain a credential]',
    ]);
  });
});

describe('the rendered bootstrap script', () => {
  test('prints exactly the markers the parser reads', () => {
    if (!hasProgram('bash') && !inCi()) {
      recordSkip('bash', 'bootstrap-markers: the script prints parseable markers', 'apt-get install -y bash');
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'viok-bootstrap-'));
    try {
      const script = path.join(dir, 'viok-bootstrap');
      writeFileSync(script, renderBootstrapScript('demo-worker-0'));
      expect(() => execFileSync('bash', ['-n', script])).not.toThrow();
      const out = execFileSync('bash', [script, 'mark', 'kubeadm-join', 'retry', '3'], {
        encoding: 'utf8',
        env: { ...process.env, VIOK_TEST_ROOT: dir },
      });
      expect(parseMarkers(out)).toEqual([
        { node: 'demo-worker-0', phase: 'kubeadm-join', status: 'retry', attempt: 3 },
      ]);
      expect(out).toBe(
        `${formatMarker({ node: 'demo-worker-0', phase: 'kubeadm-join', status: 'retry', attempt: 3 })}\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
