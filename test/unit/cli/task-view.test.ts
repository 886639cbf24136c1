import { FRAME_MS, TaskView, elapsed, liveTaskView, type TaskViewOptions } from '../../../src/cli/task-view';
import type { ProgressEvent } from '../../../src/core/progress';

const ESC = String.fromCharCode(27);

/**
 * A tiny terminal: applies what the view writes (text, \r, \n, cursor-up, erase-down, colours) to a
 * grid of lines, so tests assert what a user would see on screen, not the escape codes.
 */
class Screen {
  lines: string[] = [''];
  row = 0;
  col = 0;
  readonly raw: string[] = [];

  write = (chunk: string): void => {
    this.raw.push(chunk);
    const re = new RegExp(`${ESC}\\[(\\d*)([A-Za-z])|([\\s\\S])`, 'g');
    for (const m of chunk.matchAll(re)) {
      if (m[2] === 'A') this.row = Math.max(0, this.row - Number(m[1] || 1));
      else if (m[2] === 'J') {
        this.lines = this.lines.slice(0, this.row + 1);
        this.lines[this.row] = (this.lines[this.row] ?? '').slice(0, this.col);
      } else if (m[2] === 'm') continue;
      else if (m[2]) throw new Error(`unexpected escape ${m[0]}`);
      else if (m[3] === '\r') this.col = 0;
      else if (m[3] === '\n') {
        this.row++;
        this.col = 0;
        this.lines[this.row] ??= '';
      } else if (m[3] !== undefined) {
        const line = this.lines[this.row] ?? '';
        this.lines[this.row] = line.slice(0, this.col) + m[3] + line.slice(this.col + 1);
        this.col++;
      }
    }
  };

  text(): string {
    return this.lines.join('\n').replace(/\n+$/, '');
  }
}

function harness(options: Partial<TaskViewOptions> = {}) {
  const screen = new Screen();
  let now = 1_000_000;
  let tick: (() => void) | undefined;
  let running = false;
  const view = new TaskView({
    write: screen.write,
    now: () => now,
    columns: () => 100,
    color: false,
    cluster: 'demo',
    every: (ms, fn) => {
      expect(ms).toBe(FRAME_MS);
      tick = fn;
      running = true;
      return { stop: () => (running = false) };
    },
    ...options,
  });
  return {
    screen,
    view,
    emit: (...events: ProgressEvent[]) => events.forEach((e) => view.emit(e)),
    /** Moves the fake clock on, firing the frame timer as a real interval would. */
    advance(ms: number) {
      for (let t = 0; t < ms; t += FRAME_MS) {
        now += FRAME_MS;
        if (running) tick?.();
      }
    },
    running: () => running,
  };
}

const created = (key: string): ProgressEvent => ({ type: 'resource', key, status: 'created', id: key });

describe('TaskView (the live view on a terminal)', () => {
  it('shows the phase, one line per node with role and status, and the resource counts', () => {
    const h = harness();
    h.emit(
      { type: 'phase', phase: 'apply', message: '23 to create, 0 already exist' },
      created('security-group/lb'),
      created('port/vip'),
      created('port/cp-1'),
      created('port/worker-1'),
      created('server/cp-1'),
    );
    h.advance(2500);
    expect(h.screen.text().split('\n')).toEqual([
      expect.stringMatching(/^. apply {2}23 to create, 0 already exist {2}2\.5s$/),
      expect.stringMatching(/^ {2}. demo-cp-1 {6}control-plane {2}building {5}2\.5s$/),
      expect.stringMatching(/^ {2}. demo-worker-1 {2}worker {9}ports ready {2}2\.5s$/),
      '  security groups 1, ports 3, servers 1',
    ]);
  });

  it('follows the wait phase by node name: ACTIVE stops the clock, ERROR shows the fault', () => {
    const h = harness();
    h.emit(
      { type: 'phase', phase: 'apply', message: '3 to create' },
      created('server/cp-1'),
      created('server/worker-1'),
    );
    h.advance(1000);
    h.emit({ type: 'phase', phase: 'wait', message: 'waiting for 2 servers to become ACTIVE' });
    h.emit(
      { type: 'node', node: 'demo-cp-1', status: 'BUILD' },
      { type: 'node', node: 'demo-worker-1', status: 'BUILD' },
    );
    h.advance(3000);
    h.emit({ type: 'node', node: 'demo-cp-1', status: 'ACTIVE' });
    h.emit({ type: 'node', node: 'demo-worker-1', status: 'ERROR', message: 'No valid host was found' });
    h.advance(5000);
    const screen = h.screen.text();
    // the finished phase scrolled up as a static line; the nodes' clocks stopped when they finished
    expect(screen).toMatch(
      /^✔ apply {2}3 to create {2}1\.0s\n. wait {2}waiting for 2 servers to become ACTIVE {2}8\.0s\n/,
    );
    expect(screen).toContain('  ✔ demo-cp-1      control-plane  ACTIVE            4.0s');
    expect(screen).toContain('  ✖ demo-worker-1  worker         ERROR: No valid host was found  4.0s');
  });

  it('follows the bootstrap phases from the consoles: busy per phase, bootstrapped, or the failed phase', () => {
    const h = harness();
    h.emit({
      type: 'phase',
      phase: 'bootstrap',
      message: "following 2 nodes' bootstrap on their serial consoles",
    });
    const marker = (node: string, phase: string, status: string, attempt?: number) => ({
      type: 'node' as const,
      node,
      status: `${phase} ${status}`,
      bootstrap: { phase, status, ...(attempt !== undefined ? { attempt } : {}) },
    });
    h.emit(
      marker('demo-cp-1', 'kubeadm-init', 'start', 1),
      marker('demo-worker-1', 'kubeadm-join', 'retry', 2),
    );
    h.advance(1000);
    expect(h.screen.text()).toMatch(/demo-cp-1 +control-plane +kubeadm-init /);
    expect(h.screen.text()).toMatch(/demo-worker-1 +worker +kubeadm-join retry \(attempt 2\)/);
    h.emit(marker('demo-cp-1', 'done', 'ok'), marker('demo-worker-1', 'kubeadm-join', 'failed', 5));
    h.advance(1000);
    expect(h.screen.text()).toMatch(/✔ demo-cp-1 +control-plane +bootstrapped/);
    expect(h.screen.text()).toMatch(/✖ demo-worker-1 +worker +kubeadm-join failed \(attempt 5\)/);
  });

  it('redraws in place: every frame replaces the last, at most one per 100 ms', () => {
    const h = harness();
    h.emit({ type: 'phase', phase: 'delete', message: '3 objects' });
    for (let i = 0; i < 50; i++) h.emit({ type: 'resource', key: `port/p${i}`, status: 'deleted' });
    const framesBefore = h.screen.raw.length;
    h.advance(1000);
    // 50 events drew nothing extra; one second is 10 frames
    expect(h.screen.raw.length - framesBefore).toBe(10);
    expect(h.screen.text().split('\n')).toHaveLength(2);
    expect(h.screen.raw.slice(2).every((f) => f.startsWith('\r\x1b[2A\x1b[J'))).toBe(true);
  });

  it('prints warnings and log lines above the live block', () => {
    const h = harness();
    // the terminal's Output writes to the same screen
    const line = (m: string): void => h.screen.write(`${m}\n`);
    const out = h.view.output({ result: line, info: line, warn: line, debug: line });
    h.emit(
      { type: 'phase', phase: 'wait', message: 'waiting' },
      { type: 'node', node: 'demo-cp-1', status: 'BUILD' },
    );
    h.advance(200);
    h.emit({ type: 'warning', message: 'server demo-cp-1 is in ERROR; creating it once more' });
    out.info('debug: GET /servers/detail 200');
    h.advance(100);
    expect(h.screen.text().split('\n')).toEqual([
      'warning: server demo-cp-1 is in ERROR; creating it once more',
      'debug: GET /servers/detail 200',
      expect.stringMatching(/^. wait {2}waiting {2}0\.3s$/),
      expect.stringMatching(/^ {2}. demo-cp-1 {2}control-plane {2}building {2}0\.3s$/),
    ]);
  });

  it('leaves a static summary when closed: no spinner, the timer stopped, later events ignored', () => {
    const h = harness();
    h.emit(
      { type: 'phase', phase: 'wait', message: 'waiting for 1 server' },
      { type: 'node', node: 'demo-lb-1', status: 'ACTIVE' },
      { type: 'summary', message: 'cluster demo is ready: API at https://192.0.2.10:6443' },
    );
    h.advance(1200);
    h.view.close('done');
    expect(h.running()).toBe(false);
    const final = h.screen.text();
    expect(final).toBe(
      [
        '✔ wait  waiting for 1 server  1.2s',
        '  ✔ demo-lb-1  lb  ACTIVE  0.0s',
        'cluster demo is ready: API at https://192.0.2.10:6443',
      ].join('\n'),
    );
    h.view.close('failed');
    h.emit({ type: 'phase', phase: 'later', message: 'ignored' });
    h.advance(500);
    expect(h.screen.text()).toBe(final);
  });

  it('the Kubernetes wait: a node goes from ACTIVE through NotReady to Ready (done)', () => {
    const h = harness();
    h.emit(
      { type: 'phase', phase: 'wait', message: 'waiting for 1 server' },
      { type: 'node', node: 'demo-cp-1', status: 'ACTIVE' },
      { type: 'phase', phase: 'kubernetes', message: 'waiting for https://192.0.2.10:6443/readyz' },
      { type: 'node', node: 'demo-cp-1', status: 'NotReady', message: 'not registered yet' },
    );
    h.advance(1000);
    expect(h.screen.text()).toMatch(/^ {2}. demo-cp-1 {2}control-plane {2}NotReady {2}1\.0s$/m);
    h.emit({ type: 'node', node: 'demo-cp-1', status: 'Ready' });
    h.view.close('done');
    expect(h.screen.text()).toMatch(/^ {2}✔ demo-cp-1 {2}control-plane {2}Ready {2}1\.0s$/m);
  });

  it('after an error or Ctrl-C says where it stopped', () => {
    for (const [outcome, words] of [
      ['failed', 'failed after'],
      ['interrupted', 'interrupted after'],
    ] as const) {
      const h = harness();
      h.emit({ type: 'phase', phase: 'apply', message: '8 to create' }, created('port/worker-2'));
      h.advance(3000);
      h.view.close(outcome);
      expect(h.screen.text().split('\n')).toEqual([
        `✖ apply  8 to create  ${words} 3.0s`,
        '  - demo-worker-2  worker  ports ready  3.0s',
        '  ports 1',
      ]);
    }
  });

  it('steps aside for a prompt and comes back after it', async () => {
    const h = harness();
    h.emit({ type: 'phase', phase: 'preflight', message: 'checking quotas' });
    h.advance(100);
    const answer = await h.view.suspend(async () => {
      expect(h.screen.text()).toBe('');
      h.advance(500);
      expect(h.screen.text()).toBe('');
      h.screen.write('? Create 23 resources? yes\n');
      return true;
    });
    expect(answer).toBe(true);
    expect(h.screen.text().split('\n')).toEqual([
      '? Create 23 resources? yes',
      expect.stringMatching(/^. preflight {2}checking quotas {2}0\.6s$/),
    ]);
  });

  it('says when it is live, so the CLI can keep typed keys out of the block', async () => {
    const live: boolean[] = [];
    const h = harness({ onLive: (on) => live.push(on) });
    h.emit({ type: 'phase', phase: 'apply', message: '3 to create' });
    await h.view.suspend(async () => expect(live).toEqual([true, false]));
    h.view.close();
    h.view.close();
    expect(live).toEqual([true, false, true, false]);
  });

  it('cuts lines to the terminal width so none wraps', () => {
    const h = harness({ columns: () => 30 });
    h.emit({ type: 'phase', phase: 'apply', message: 'a very long message that goes on and on' });
    for (const line of h.screen.text().split('\n')) expect([...line].length).toBeLessThanOrEqual(29);
    expect(h.screen.text()).toMatch(/…$/);
  });

  it('keeps the live block within the screen height: finished nodes fold into one line', () => {
    const h = harness({ rows: () => 8 });
    h.emit({ type: 'phase', phase: 'wait', message: 'waiting' });
    for (let i = 1; i <= 12; i++)
      h.emit({ type: 'node', node: `demo-worker-${i}`, status: i <= 10 ? 'ACTIVE' : 'BUILD' });
    h.advance(100);
    const lines = h.screen.text().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.filter((l) => /building/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toBe('  … 7 more nodes (7 ACTIVE)');
    // the static summary at the end lists every node
    h.view.close();
    expect(h.screen.text().split('\n')).toHaveLength(13);
  });

  it('paints with colour only when asked', () => {
    const plain = harness();
    plain.emit({ type: 'node', node: 'demo-cp-1', status: 'ACTIVE' });
    expect(plain.screen.raw.join('')).not.toContain(ESC);
    const colour = harness({ color: true });
    colour.emit({ type: 'node', node: 'demo-cp-1', status: 'ACTIVE' });
    expect(colour.screen.raw.join('')).toContain('\x1b[32mACTIVE\x1b[0m');
  });

  it('counts deletes by kind and marks a node deleted once its ports are gone', () => {
    const h = harness();
    h.emit(
      { type: 'phase', phase: 'delete', message: '4 objects tagged viok-cluster=demo' },
      { type: 'resource', key: 'server/cp-1', status: 'deleted' },
    );
    h.advance(100);
    expect(h.screen.text()).toContain('demo-cp-1  control-plane  server deleted');
    h.emit(
      { type: 'resource', key: 'port/cp-1', status: 'deleted' },
      { type: 'resource', key: 'port/vip', status: 'deleted' },
      { type: 'resource', key: 'security-group/control-plane', status: 'failed', message: 'in use' },
    );
    h.view.close('failed');
    expect(h.screen.text().split('\n').slice(1)).toEqual([
      '  ✔ demo-cp-1  control-plane  deleted  0.1s',
      '  servers 1, ports 2, security groups 0/1 (1 failed)',
    ]);
  });
});

describe('elapsed', () => {
  it.each([
    [0, '0.0s'],
    [450, '0.5s'],
    [12_400, '12s'],
    [125_000, '2m05s'],
  ])('%i ms is %s', (ms, text) => expect(elapsed(ms)).toBe(text));
});

describe('liveTaskView (when the live view is used)', () => {
  const tty = { isTTY: true, columns: 120, rows: 40, write: () => true } as unknown as NodeJS.WriteStream;
  const pipe = { ...tty, isTTY: false } as unknown as NodeJS.WriteStream;

  it.each([
    ['a terminal', {}, tty, false, true],
    ['-o json', {}, tty, true, false],
    ['stderr piped', {}, pipe, false, false],
    ['CI set', { CI: 'true' }, tty, false, false],
    ['CI=false', { CI: 'false' }, tty, false, true],
    ['TERM=dumb', { TERM: 'dumb' }, tty, false, false],
    ['NO_COLOR (still live, without colour)', { NO_COLOR: '1' }, tty, false, true],
  ])('%s', (_, env, stream, json, live) => {
    const view = liveTaskView({ env, color: false }, { json, cluster: 'demo' }, stream);
    expect(view instanceof TaskView).toBe(live);
  });
});
