import { bootstrapSteps, consoleOutput, consoleText } from '../../../src/sim/nova/console';
import type { ServerRecord } from '../../../src/sim/nova/model';
import { bootstrapProgress, parseMarkers } from '../../../src/render/bootstrap-markers';
import { fixturePki, renderCluster } from '../render/fixtures';

const built = 1_000_000;

function server(name: string, userData: string | undefined, failsAt?: string): ServerRecord {
  return {
    bootstrap_step_ms: 1000,
    ...(failsAt ? { bootstrap_fails_at: failsAt } : {}),
    id: `id-${name}`,
    name,
    user_data: userData === undefined ? null : Buffer.from(userData).toString('base64'),
    created: built,
    build_ms: 0,
    fails: false,
    stopped: false,
  } as ServerRecord;
}

describe('simulated serial console', () => {
  let userData: Record<string, string>;
  beforeAll(async () => {
    userData = renderCluster(await fixturePki(), 'vds').userData;
  });
  const ud = (name: string): string => userData[`${name}.user-data`] as string;

  test('reads the bootstrap steps from the rendered user data', () => {
    expect(bootstrapSteps(server('demo-cp-0', ud('demo-cp-0')).user_data).map((s) => s.phase)).toEqual([
      'install',
      'kubeadm-init',
      'addons',
      'addons',
      'done',
    ]);
    expect(bootstrapSteps(server('demo-cp-0', ud('demo-cp-0')).user_data).map((s) => s.kind)).toEqual([
      'run',
      'init',
      'retry',
      'retry',
      'done',
    ]);
    expect(bootstrapSteps(server('demo-worker-0', ud('demo-worker-0')).user_data).map((s) => s.kind)).toEqual(
      ['run', 'join', 'done'],
    );
    const lb = Object.keys(userData).find((k) => k.includes('-lb-')) as string;
    expect(bootstrapSteps(Buffer.from(userData[lb] as string).toString('base64'))).toEqual([]);
  });

  test('the first control plane initialises, workers wait for the API then join; the clock moves it', () => {
    const cp = server('demo-cp-0', ud('demo-cp-0'));
    const w = server('demo-worker-0', ud('demo-worker-0'));
    expect(bootstrapProgress(consoleText(cp, built))).toMatchObject({
      state: 'running',
      last: { phase: 'install', status: 'start' },
    });
    expect(consoleText(cp, built)).toContain('Linux version');
    expect(bootstrapProgress(consoleText(cp, built + 1000)).last).toMatchObject({ phase: 'kubeadm-init' });
    expect(bootstrapProgress(consoleText(w, built + 1000)).last).toMatchObject({ phase: 'wait-api' });
    expect(bootstrapProgress(consoleText(cp, built + 4000)).state).toBe('done');
    expect(bootstrapProgress(consoleText(w, built + 2000)).last).toMatchObject({
      phase: 'kubeadm-join',
      status: 'start',
    });
    expect(bootstrapProgress(consoleText(w, built + 3000)).state).toBe('done');
    expect(parseMarkers(consoleText(w, built + 3000)).every((m) => m.node === 'demo-worker-0')).toBe(true);
  });

  test('a fault (decided at boot) makes one node fail at a phase, with log lines and nothing after', () => {
    const text = consoleText(server('demo-worker-1', ud('demo-worker-1'), 'kubeadm-join'), built + 60_000);
    expect(bootstrapProgress(text)).toEqual({
      state: 'failed',
      last: { node: 'demo-worker-1', phase: 'kubeadm-join', status: 'failed', attempt: 1 },
    });
    expect(text).toContain('viok-bootstrap-log: error execution phase preflight');
    expect(text).not.toContain('phase=done');
    expect(bootstrapProgress(consoleText(server('demo-cp-0', ud('demo-cp-0')), built + 60_000)).state).toBe(
      'done',
    );
  });

  test('a length returns only the last lines', () => {
    const out = consoleOutput(server('demo-cp-0', ud('demo-cp-0')), built + 60_000, 2);
    expect(out.split('\n')).toEqual([
      expect.stringContaining('phase=done status=ok'),
      'demo-cp-0 login: ',
      '',
    ]);
  });
});
