import type { Output } from '../core/io';
import type { ProgressEvent, ProgressOutcome, ProgressSink } from '../core/progress';
import { isInteractive } from './terminal';

/**
 * The live task view of `viok create/delete/scale cluster` on a terminal: the current phase, one line
 * per node and the resource counts, redrawn in place at most 10 times a second; warnings and log lines
 * scroll above it; at the end it is left as a static summary. Pure: the write function, the clock, the
 * timer and the terminal size are injected, so tests drive it with fake time and read the frames.
 */

/** A running repeat timer. */
export interface Ticker {
  stop(): void;
}

export interface TaskViewOptions {
  /** Writes raw text (with ANSI sequences) to the terminal; one call per frame. */
  write: (chunk: string) => void;
  /** Milliseconds since some epoch. */
  now: () => number;
  /** Terminal width: lines are cut to fit, since a wrapped line would break the redraw. */
  columns: () => number;
  /** Terminal height: a live block taller than the screen could not be redrawn in place. */
  rows?: () => number;
  /** Colours (already decided from NO_COLOR, --no-color, FORCE_COLOR and the terminal). */
  color: boolean;
  /** The cluster: node lines are named like its servers (`<cluster>-cp-1`). */
  cluster?: string;
  /** Calls `tick` every `ms`; @default an unref'd setInterval (it never keeps the process alive). */
  every?: (ms: number, tick: () => void) => Ticker;
  /** Told when the block starts and stops being redrawn (the CLI keeps typed keys from echoing into it). */
  onLive?: (live: boolean) => void;
}

/** At most 10 frames a second. */
export const FRAME_MS = 100;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ESC = '\x1b[';

type Tone = 'busy' | 'ok' | 'bad' | 'warn' | 'dim';
type Role = 'control-plane' | 'worker' | 'lb';
const ROLE_OF_PREFIX: Record<string, Role> = { cp: 'control-plane', worker: 'worker', lb: 'lb' };
const ROLE_ORDER: Role[] = ['control-plane', 'worker', 'lb'];
const SGR: Record<Tone, string> = { busy: '36', ok: '32', bad: '31', warn: '33', dim: '2' };

interface Phase {
  name: string;
  message: string;
  since: number;
}

interface NodeRow {
  short: string;
  role?: Role;
  /** Shown only once it is known to be a node (a server key, a node event, a node-like name). */
  shown: boolean;
  status: string;
  tone: Tone;
  since: number;
  /** Set while the status is final (ACTIVE, ERROR, deleted): the elapsed time stops. */
  until?: number;
}

interface KindCount {
  seen: Set<string>;
  done: Set<string>;
  failed: Set<string>;
}

/** A piece of a line, painted with one tone. */
type Part = [text: string, tone?: Tone];

export class TaskView implements ProgressSink {
  private phase: Phase | undefined;
  private readonly nodes = new Map<string, NodeRow>();
  private readonly counts = new Map<string, KindCount>();
  private readonly summaries: string[] = [];
  private ticker: Ticker | undefined;
  private started = false;
  private closed = false;
  /** Lines of the live block now on screen, above the cursor. */
  private drawn = 0;

  constructor(private readonly o: TaskViewOptions) {}

  emit(event: ProgressEvent): void {
    if (this.closed) return;
    const now = this.o.now();
    switch (event.type) {
      case 'phase':
        if (this.phase && this.phase.name !== event.phase) {
          const done = this.phase;
          this.above(() => this.o.write(`${this.line(this.phaseLine(done, '✔', 'ok', now))}\n`));
        }
        this.phase =
          this.phase?.name === event.phase
            ? { ...this.phase, message: event.message }
            : { name: event.phase, message: event.message, since: now };
        break;
      case 'resource':
        this.onResource(event, now);
        break;
      case 'node':
        if (event.bootstrap) this.onBootstrap(event.node, event.bootstrap, now);
        else this.onNode(event.node, event.status, event.message, now);
        break;
      case 'warning':
        this.above(() => this.o.write(`${this.line([['warning:', 'warn'], [` ${event.message}`]])}\n`));
        break;
      case 'summary':
        this.summaries.push(event.message);
        break;
    }
    if (!this.started) this.start();
  }

  /** Stops the redraws and leaves the final block and the summary lines on screen. */
  close(outcome: ProgressOutcome = 'done'): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTicker();
    if (!this.started) return;
    const now = this.o.now();
    const mark: Part = outcome === 'done' ? ['✔', 'ok'] : ['✖', 'bad'];
    const block = this.block(now, { final: outcome, mark });
    const lines = [...block, ...this.summaries.map((s) => this.line([[s]]))];
    this.o.write(this.erase() + lines.map((l) => `${l}\n`).join(''));
  }

  /** Output whose lines go above the live block instead of through it. */
  output(inner: Output): Output {
    return {
      result: (text) => this.above(() => inner.result(text)),
      info: (message) => this.above(() => inner.info(message)),
      warn: (message) => this.above(() => inner.warn(message)),
      debug: (message) => this.above(() => inner.debug(message)),
    };
  }

  /** Runs `ask` (a prompt) with the live block off the screen, then resumes it. */
  async suspend<T>(ask: () => Promise<T>): Promise<T> {
    if (!this.ticker) return ask();
    this.stopTicker();
    this.o.write(this.erase());
    try {
      return await ask();
    } finally {
      if (!this.closed) this.startTicker();
    }
  }

  /** Draws the live block now; the ticker calls this. */
  tick(): void {
    if (this.closed || !this.ticker) return;
    const now = this.o.now();
    const lines = this.block(now, { limit: this.o.rows ? Math.max(3, this.o.rows() - 1) : Infinity });
    this.o.write(this.erase() + lines.map((l) => `${l}\n`).join(''));
    this.drawn = lines.length;
  }

  private start(): void {
    this.started = true;
    this.startTicker();
  }

  private startTicker(): void {
    this.ticker = (this.o.every ?? intervalTicker)(FRAME_MS, () => this.tick());
    this.o.onLive?.(true);
    this.tick();
  }

  private stopTicker(): void {
    if (!this.ticker) return;
    this.ticker.stop();
    this.ticker = undefined;
    this.o.onLive?.(false);
  }

  /** Takes the live block off the screen so `print` writes where it was; the next tick redraws it. */
  private above(print: () => void): void {
    if (this.drawn > 0) this.o.write(this.erase());
    print();
  }

  private erase(): string {
    const n = this.drawn;
    this.drawn = 0;
    return n > 0 ? `\r${ESC}${n}A${ESC}J` : '';
  }

  private onResource(event: Extract<ProgressEvent, { type: 'resource' }>, now: number): void {
    const [kind = event.key, rest] = event.key.split('/');
    const count = this.counts.get(kind) ?? { seen: new Set(), done: new Set(), failed: new Set() };
    this.counts.set(kind, count);
    count.seen.add(event.key);
    if (event.status === 'failed') count.failed.add(event.key);
    else if (event.status !== 'started') {
      count.done.add(event.key);
      count.failed.delete(event.key);
    }

    if ((kind !== 'server' && kind !== 'port') || !rest) return;
    const row = this.row(rest.replace(/@.*$/, ''), now);
    if (kind === 'server') row.shown = true;
    const s = event.status;
    if (s === 'failed')
      this.set(row, `${kind} failed${event.message ? `: ${event.message}` : ''}`, 'bad', now);
    else if (kind === 'port') {
      if (s === 'started') this.set(row, 'creating ports', 'busy', now);
      else if (s === 'deleted' || s === 'absent') this.set(row, 'deleted', 'ok', now);
      else if (row.status === 'waiting' || row.status === 'creating ports')
        this.set(row, 'ports ready', 'busy', now);
    } else if (s === 'started') this.set(row, 'creating server', 'busy', now);
    else if (s === 'created') this.set(row, 'building', 'busy', now);
    else if (s === 'found') this.set(row, 'exists', 'busy', now);
    else this.set(row, 'server deleted', 'ok', now);
  }

  private onNode(name: string, status: string, message: string | undefined, now: number): void {
    const prefix = this.o.cluster ? `${this.o.cluster}-` : '';
    const row = this.row(prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name, now);
    row.shown = true;
    // ACTIVE ends the server wait; Ready (the Kubernetes Node condition) ends the readiness wait
    if (status === 'ACTIVE' || status === 'Ready') this.set(row, status, 'ok', now);
    else if (status === 'ERROR') this.set(row, `ERROR${message ? `: ${message}` : ''}`, 'bad', now);
    else this.set(row, status === 'BUILD' ? 'building' : status, 'busy', now);
  }

  /** A bootstrap phase marker from the node's console: busy until `done ok`, bad on `failed`. */
  private onBootstrap(
    name: string,
    b: { phase: string; status: string; attempt?: number },
    now: number,
  ): void {
    const prefix = this.o.cluster ? `${this.o.cluster}-` : '';
    const row = this.row(prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name, now);
    row.shown = true;
    const attempt = b.attempt !== undefined && b.attempt > 1 ? ` (attempt ${b.attempt})` : '';
    if (b.phase === 'done' && b.status === 'ok') this.set(row, 'bootstrapped', 'ok', now);
    else if (b.status === 'failed') this.set(row, `${b.phase} failed${attempt}`, 'bad', now);
    else this.set(row, `${b.phase}${b.status === 'start' ? '' : ` ${b.status}`}${attempt}`, 'busy', now);
  }

  private row(short: string, now: number): NodeRow {
    let row = this.nodes.get(short);
    if (!row) {
      const role = ROLE_OF_PREFIX[/^([a-z]+)-\d+$/.exec(short)?.[1] ?? ''];
      row = { short, shown: role !== undefined, status: 'waiting', tone: 'busy', since: now };
      if (role) row.role = role;
      this.nodes.set(short, row);
    }
    return row;
  }

  private set(row: NodeRow, status: string, tone: Tone, now: number): void {
    row.status = status;
    row.tone = tone;
    if (tone === 'busy') delete row.until;
    else row.until = now;
  }

  /** The phase line, the node lines and the counts line. */
  private block(now: number, o: { limit?: number; final?: ProgressOutcome; mark?: Part }): string[] {
    const spin: Part = [SPINNER[Math.floor(now / FRAME_MS) % SPINNER.length] as string, 'busy'];
    const lines: string[] = [];
    if (this.phase) {
      const how =
        o.final === 'failed' ? 'failed after ' : o.final === 'interrupted' ? 'interrupted after ' : '';
      const [mark, tone = 'busy'] = o.mark ?? spin;
      lines.push(this.line(this.phaseLine(this.phase, mark, tone, now, how)));
    }
    const rows = sortRows([...this.nodes.values()].filter((r) => r.shown));
    const counts = this.countsLine();
    const room = (o.limit ?? Infinity) - lines.length - (counts ? 1 : 0);
    const visible = rows.length > room ? fitRows(rows, Math.max(0, room - 1)) : rows;
    const nameW = Math.max(0, ...visible.map((r) => this.nameOf(r).length));
    const roleW = Math.max(0, ...visible.map((r) => (r.role ?? '').length));
    // a long ERROR message must not push every other node's time far right
    const statusW = Math.min(16, Math.max(0, ...visible.map((r) => r.status.length)));
    for (const r of visible) {
      const mark: Part =
        r.tone === 'ok' ? ['✔', 'ok'] : r.tone === 'bad' ? ['✖', 'bad'] : o.final ? ['-', 'dim'] : spin;
      lines.push(
        this.line([
          ['  '],
          mark,
          [` ${this.nameOf(r).padEnd(nameW)}  ${(r.role ?? '').padEnd(roleW)}  `],
          [r.status, r.tone === 'busy' ? undefined : r.tone],
          [
            `${' '.repeat(Math.max(0, statusW - r.status.length))}  ${elapsed((r.until ?? now) - r.since)}`,
            'dim',
          ],
        ]),
      );
    }
    if (visible.length < rows.length) {
      const hidden = rows.filter((r) => !visible.includes(r));
      lines.push(this.line([[`  … ${hidden.length} more nodes (${tally(hidden)})`, 'dim']]));
    }
    if (counts) lines.push(this.line([[`  ${counts}`, 'dim']]));
    return lines;
  }

  private phaseLine(p: Phase, mark: string, tone: Tone, now: number, how = ''): Part[] {
    return [[mark, tone], [` ${p.name}`], [`  ${p.message}`], [`  ${how}${elapsed(now - p.since)}`, 'dim']];
  }

  private nameOf(r: NodeRow): string {
    return this.o.cluster && /^[a-z]+-\d+$/.test(r.short) ? `${this.o.cluster}-${r.short}` : r.short;
  }

  /** "security groups 3, ports 9/11, servers 8 (1 failed)": done of those seen so far, per kind. */
  private countsLine(): string {
    return [...this.counts.entries()]
      .filter(([kind]) => kind !== 'barrier')
      .map(([kind, c]) => {
        const n = c.done.size === c.seen.size ? `${c.done.size}` : `${c.done.size}/${c.seen.size}`;
        return `${plural(kind)} ${n}${c.failed.size > 0 ? ` (${c.failed.size} failed)` : ''}`;
      })
      .join(', ');
  }

  /** Joins the parts, cut to the terminal width (a wrapped line would throw the redraw off). */
  private line(parts: Part[]): string {
    let room = Math.max(10, (this.o.columns() || 80) - 1);
    let out = '';
    for (const [text, tone] of parts) {
      if (room <= 0) break;
      const chars = [...text];
      const cut = chars.length > room ? `${chars.slice(0, room - 1).join('')}…` : text;
      room -= Math.min(chars.length, room);
      out += tone && this.o.color ? `${ESC}${SGR[tone]}m${cut}${ESC}0m` : cut;
    }
    return out;
  }
}

/** A setInterval that never keeps the process alive. */
export function intervalTicker(ms: number, tick: () => void): Ticker {
  const timer = setInterval(tick, ms);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * The live view for a command, or undefined where timestamped lines are wanted: `-o json`, stderr not
 * a terminal, CI set (the same test as prompts, `isInteractive`), or TERM=dumb.
 */
export function liveTaskView(
  ctx: { env: NodeJS.ProcessEnv; color: boolean; quiet?: boolean },
  o: { json: boolean; cluster?: string },
  stream: NodeJS.WriteStream = process.stderr,
): TaskView | undefined {
  if (o.json || ctx.quiet || !isInteractive(ctx.env, Boolean(stream.isTTY)) || ctx.env.TERM === 'dumb')
    return undefined;
  return new TaskView({
    write: (chunk) => void stream.write(chunk),
    now: () => Date.now(),
    columns: () => stream.columns || 80,
    rows: () => stream.rows || 24,
    color: ctx.color,
    ...(o.cluster ? { cluster: o.cluster } : {}),
    onLive: swallowKeys(process.stdin),
  });
}

/**
 * While the view is live, keys typed on the terminal are read and dropped (raw mode, no echo): an
 * echoed Enter would move the cursor and leave a stale frame behind, and a buffered one would answer
 * the next prompt. Ctrl-C still interrupts: raw mode turns it into a byte, sent back as SIGINT.
 * Node restores the terminal mode when the process exits.
 */
export function swallowKeys(stdin: NodeJS.ReadStream): (live: boolean) => void {
  let on = false;
  const onData = (data: Buffer): void => {
    if (data.includes(0x03)) process.kill(process.pid, 'SIGINT');
  };
  return (live) => {
    if (!stdin.isTTY || live === on) return;
    on = live;
    if (live) {
      stdin.setRawMode(true);
      stdin.on('data', onData);
      stdin.resume();
    } else {
      stdin.removeListener('data', onData);
      // a paused stdin no longer keeps the process alive
      stdin.pause();
      stdin.setRawMode(false);
    }
  };
}

/** Control plane, workers, load balancers, others; by number within each. */
function sortRows(rows: NodeRow[]): NodeRow[] {
  const rank = (r: NodeRow): number => (r.role ? ROLE_ORDER.indexOf(r.role) : ROLE_ORDER.length);
  const index = (r: NodeRow): number => Number(/-(\d+)$/.exec(r.short)?.[1] ?? 0);
  return rows.sort((a, b) => rank(a) - rank(b) || index(a) - index(b) || a.short.localeCompare(b.short));
}

/** The `room` rows worth watching: those still busy or failed first, then finished ones; in order. */
function fitRows(rows: NodeRow[], room: number): NodeRow[] {
  const pick = new Set(
    [...rows.filter((r) => r.tone !== 'ok'), ...rows.filter((r) => r.tone === 'ok')].slice(0, room),
  );
  return rows.filter((r) => pick.has(r));
}

/** "5 ACTIVE, 2 building" */
function tally(rows: NodeRow[]): string {
  const by = new Map<string, number>();
  for (const r of rows) {
    const status = r.status.replace(/:.*$/, '');
    by.set(status, (by.get(status) ?? 0) + 1);
  }
  return [...by.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
}

function plural(kind: string): string {
  if (kind === 'nsxv') return 'NSX-V objects';
  if (kind === 'nsxt') return 'NSX-T objects';
  const words = kind.replace(/-/g, ' ');
  return words.endsWith('s') ? words : `${words}s`;
}

/** "0.4s", "12s", "2m05s" */
export function elapsed(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.floor(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.floor(s - m * 60)).padStart(2, '0')}s`;
}
