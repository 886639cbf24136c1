import { ApiError } from '../../../src/clients/http/errors';
import { WaitTimeoutError } from '../../../src/core/errors';
import { RecordingProgress } from '../../../src/core/progress';
import { formatMarker } from '../../../src/render/bootstrap-markers';
import type { PlannedNode } from '../../../src/provision/backend';
import type { ProvisionContext } from '../../../src/provision/context';
import { failureLines, waitForBootstrap } from '../../../src/provision/wait-bootstrap';
import { FakeClock } from '../../helpers/fake-clock';

const timing = { serverBootMs: 1000, deleteMs: 1000, bootstrapMs: 60_000, pollMs: 1000, maxPollMs: 5000 };
const node = (name: string, role: PlannedNode['role']): PlannedNode => ({
  name,
  role,
  flavor: 'm1.medium',
  serverKey: `server/${name}`,
  portKeys: [],
});
const apiError = (status: number): ApiError =>
  new ApiError({ service: 'nova', method: 'POST', url: '/servers/x/action', status, backendMessage: 'no' });

/** A context whose Nova answers console reads with `answer(serverId, call)`. */
function context(answer: (id: string, call: number) => string | Error): {
  ctx: ProvisionContext;
  progress: RecordingProgress;
  clock: FakeClock;
  reads: string[];
} {
  const progress = new RecordingProgress();
  const clock = new FakeClock();
  const reads: string[] = [];
  const calls = new Map<string, number>();
  const ctx = {
    cluster: 'demo',
    progress,
    clock,
    signal: new AbortController().signal,
    recorder: { id: (key: string) => `id-${key.replace('server/', '')}` },
    clients: {
      nova: {
        servers: {
          consoleOutput: async (id: string) => {
            reads.push(id);
            const n = (calls.get(id) ?? 0) + 1;
            calls.set(id, n);
            const a = answer(id, n);
            if (a instanceof Error) throw a;
            return a;
          },
        },
      },
    },
  } as unknown as ProvisionContext;
  return { ctx, progress, clock, reads };
}

const m = (
  node: string,
  phase: Parameters<typeof formatMarker>[0]['phase'],
  status: 'start' | 'ok' | 'failed',
) => `${formatMarker({ node, phase, status })}\n`;

describe('waitForBootstrap', () => {
  it('polls until every Kubernetes node is done, skipping LB nodes and 409 (not ready yet)', async () => {
    const { ctx, progress, reads } = context((id, call) => {
      const name = id.replace('id-', '');
      if (call === 1) return apiError(409);
      if (call === 2) return `noise\n${m(name, 'install', 'start')}`;
      return `${m(name, 'install', 'start')}${m(name, 'install', 'ok')}${m(name, 'done', 'ok')}`;
    });
    await waitForBootstrap(
      ctx,
      [node('cp-1', 'control-plane'), node('worker-1', 'worker'), node('lb-1', 'lb')],
      timing,
    );
    expect(reads.some((r) => r.includes('lb'))).toBe(false);
    const statuses = progress.events.flatMap((e) =>
      e.type === 'node' && e.node === 'cp-1' ? [e.status] : [],
    );
    // every marker once, in order, even when one poll spans several
    expect(statuses).toEqual(['install start', 'install ok', 'done ok']);
  });

  it('reports a console the cloud does not offer as a warning, and stops following that node', async () => {
    const { ctx, progress } = context(() => apiError(501));
    await waitForBootstrap(ctx, [node('cp-1', 'control-plane')], timing);
    expect(progress.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        message: expect.stringContaining('no console output for cp-1'),
      }),
    );
  });

  it('times out on the injected clock when a node never finishes, naming it and its phase', async () => {
    const { ctx, clock } = context((id) => m(id.replace('id-', ''), 'install', 'start'));
    const error = await waitForBootstrap(ctx, [node('cp-1', 'control-plane')], timing).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(/still bootstrapping: cp-1 \(install start\)$/);
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
  });

  it('stops following with a warning when no console shows any marker (an empty console log)', async () => {
    const { ctx, clock, progress } = context(() => '');
    await waitForBootstrap(ctx, [node('cp-1', 'control-plane'), node('worker-1', 'worker')], {
      ...timing,
      bootstrapMs: 40 * 60_000,
    });
    expect(clock.now()).toBeGreaterThanOrEqual(10 * 60_000);
    expect(clock.now()).toBeLessThan(12 * 60_000);
    expect(progress.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        message: expect.stringContaining('console log seems empty'),
      }),
    );
  });

  it('fails on the first failed node with its last lines, credentials removed', async () => {
    const { ctx } = context((id) => {
      const name = id.replace('id-', '');
      if (name === 'worker-1')
        return `${m(name, 'install', 'start')}kubeadm join 10.0.0.5:6443 --token abcdef.0123456789abcdef\n${m(name, 'install', 'failed')}login: \n`;
      return m(name, 'install', 'start');
    });
    const error = await waitForBootstrap(
      ctx,
      [node('cp-1', 'control-plane'), node('worker-1', 'worker')],
      timing,
    ).catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/^node worker-1 failed bootstrap phase install;/);
    expect((error as Error).message).not.toContain('abcdef');
    expect((error as Error).message).toContain('[line removed: may contain a credential]');
    expect((error as Error).message).not.toContain('login:');
  });

  it('failureLines keeps at most the last lines up to the failed marker', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const out = failureLines(`${lines}\n${m('w', 'addons', 'failed')}after\n`, 5);
    expect(out).toEqual(['line 26', 'line 27', 'line 28', 'line 29', m('w', 'addons', 'failed').trim()]);
  });
});
