import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { runViok, viokBin } from '../helpers/cli';

/**
 * The real `viok init` binary in a real terminal (tmux from Debian's packages), against `viok sim
 * serve`: every question answered with keystrokes, read back from the screen. Without tmux this fails:
 * the wizard's terminal behaviour must not go untested silently.
 */
describe('viok init in a terminal (tmux) against viok sim serve', () => {
  const socket = `viok-init-${process.pid}`;
  let dir: string;
  let sim: ChildProcess;

  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = (session: string): string => tmux('capture-pane', '-p', '-t', session, '-S', '-200');
  const keys = (session: string, ...k: string[]): void => void tmux('send-keys', '-t', session, ...k);
  const type = (session: string, text: string): void => void tmux('send-keys', '-t', session, '-l', text);

  /** Polls the screen (the only clock here is the terminal's): the wizard answers over real HTTP. */
  async function waitFor(session: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = screen(session);
      if (pattern.test(text)) return text;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${String(pattern)}; screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Moves the select cursor (❯) down to the choice containing `text`, then presses Enter. */
  async function choose(session: string, question: RegExp, text: string): Promise<void> {
    await waitFor(session, question);
    for (let i = 0; i < 30; i++) {
      const lines = screen(session).split('\n');
      const cursor = [...lines].reverse().find((l) => l.trimStart().startsWith('❯'));
      if (cursor?.includes(text)) {
        keys(session, 'Enter');
        return;
      }
      keys(session, 'Down');
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no choice "${text}" for ${String(question)}:\n${screen(session)}`);
  }

  async function answer(session: string, question: RegExp, text: string): Promise<void> {
    await waitFor(session, question);
    if (text) type(session, text);
    keys(session, 'Enter');
  }

  function startInit(session: string, args: string): void {
    const script = path.join(dir, `${session}.sh`);
    fs.writeFileSync(
      script,
      [
        'unset CI NO_COLOR',
        `export HOME='${dir}' OS_CLIENT_CONFIG_FILE='${path.join(dir, 'clouds.yaml')}'`,
        `cd '${dir}'`,
        `'${process.execPath}' '${viokBin}' init ${args}`,
        'echo "EXIT=$?"',
        'sleep 600',
      ].join('\n'),
    );
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '60', `sh '${script}'`);
  }

  beforeAll(async () => {
    // fails (not skips) when tmux is missing
    try {
      execFileSync('tmux', ['-V']);
    } catch (e) {
      throw new Error(`tmux is needed for this test (apt-get install -y tmux): ${String(e)}`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-init-tty-'));
    sim = spawn(process.execPath, [viokBin, 'sim', 'serve', '--clouds-yaml', path.join(dir, 'clouds.yaml')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      sim.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      });
      sim.on('exit', (code) => reject(new Error(`viok sim serve exited ${code}: ${out}`)));
    });
  }, 60_000);

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // no session left
    }
    sim?.kill('SIGTERM');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every question, writes a spec that validates, and runs viok plan on it', async () => {
    const s = 'wizard';
    startInit(s, '-o cluster.yaml');
    await choose(s, /Cloud \(from clouds\.yaml\)/, 'viok-sim');
    await choose(s, /Networking backend/, 'vds');
    await answer(s, /Cluster name/, 'Demo');
    await waitFor(s, /is not valid: Cluster name/);
    keys(s, 'BSpace', 'BSpace', 'BSpace', 'BSpace');
    await answer(s, /Cluster name/, 'demo');
    await answer(s, /Kubernetes version/, '');
    await choose(s, /Image the nodes boot from/, 'ubuntu-22.04');
    await choose(s, /SSH key pair/, 'viok');
    await choose(s, /Availability zone/, "cloud's default");
    await answer(s, /Control-plane nodes/, '2');
    await waitFor(s, /use an odd number/);
    keys(s, 'BSpace');
    await answer(s, /Control-plane nodes/, '3');
    await choose(s, /Control-plane flavor/, 'm1.medium');
    await answer(s, /Worker nodes/, '');
    await choose(s, /Worker flavor/, 'm1.large');
    await choose(s, /Load-balancer \(HAProxy\) node flavor/, 'm1.small');
    await answer(s, /Static IP for the API load balancer/, '');
    await choose(s, /Provider network the nodes attach to/, 'provider');
    await answer(s, /Pod CIDR/, '');
    await answer(s, /Service CIDR/, '');
    await waitFor(s, /workers +3 × m1\.large/);
    await answer(s, /Write this spec\?/, '');
    await answer(s, /Run `viok plan -f cluster\.yaml` now\?/, '');
    const end = await waitFor(s, /EXIT=\d+/, 60_000);
    expect(end).toContain('+ security-group');
    expect(end).toContain('EXIT=0');

    const spec = parse(fs.readFileSync(path.join(dir, 'cluster.yaml'), 'utf8')) as {
      spec: Record<string, unknown>;
    };
    expect(spec.spec).toMatchObject({
      backend: 'vds',
      cloud: 'viok-sim',
      controlPlane: { count: 3, flavor: 'm1.medium' },
      workers: { count: 3, flavor: 'm1.large' },
      loadBalancer: { nodes: { count: 2, flavor: 'm1.small' } },
      networks: { provider: { name: 'provider' } },
    });
    const env = { OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml'), HOME: dir };
    const validate = await runViok(['validate', '-f', 'cluster.yaml'], { cwd: dir, env });
    expect(validate.code).toBe(0);
    const plan = await runViok(['plan', '-f', 'cluster.yaml'], { cwd: dir, env });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
  }, 120_000);

  it('Ctrl-C at a question exits 130 and writes nothing', async () => {
    const s = 'interrupted';
    startInit(s, '-o interrupted.yaml');
    await choose(s, /Cloud \(from clouds\.yaml\)/, 'viok-sim');
    await choose(s, /Networking backend/, 'vds');
    await answer(s, /Cluster name/, 'demo');
    await waitFor(s, /Kubernetes version/);
    keys(s, 'C-c');
    const end = await waitFor(s, /EXIT=\d+/);
    expect(end).toContain('EXIT=130');
    expect(fs.existsSync(path.join(dir, 'interrupted.yaml'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('interrupted.yaml'))).toEqual([]);
  }, 60_000);
});
