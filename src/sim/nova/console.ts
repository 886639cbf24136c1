/**
 * `os-getConsoleOutput`: a simulated serial console. The bootstrap steps come from the server's own
 * user data (the runcmd lines that call viok's bootstrap script), and the markers are printed with
 * the same formatter the node's script uses, so the simulator cannot drift from the real format.
 * The console progresses with the simulator's clock from the moment the server is ACTIVE: one
 * phase per `bootstrapStepMs`; joining nodes wait for the API for as long as the first control
 * plane node takes to initialise. `faults.bootstrapFailures` (`<name or prefix*>:<phase>`, matched
 * when the server boots) makes a node fail at a phase, printing log lines and a `failed` marker,
 * and nothing after.
 */
import type { BootstrapPhase, BootstrapStatus } from '../../render/bootstrap-markers';
import { bootstrapPhases, bootstrapScriptPath, formatMarker } from '../../render/bootstrap-markers';
import type { ServerRecord } from './model';
import { userDataDocument } from './user-data-document';

/** One bootstrap step as the node's runcmd runs it. */
type Step = { phase: BootstrapPhase; kind: 'run' | 'retry' | 'init' | 'join' | 'done' };

/** The bootstrap steps in a server's user data (none for a load balancer or a foreign server). */
export function bootstrapSteps(userDataBase64: string | null): Step[] {
  if (!userDataBase64) return [];
  const doc = userDataDocument(userDataBase64);
  const runcmd = (doc as { runcmd?: unknown } | null)?.runcmd;
  if (!Array.isArray(runcmd)) return [];
  const steps: Step[] = [];
  for (const line of runcmd) {
    if (!Array.isArray(line) || line[0] !== bootstrapScriptPath) continue;
    const [, verb, a, b] = line as string[];
    if (verb === 'run' && (bootstrapPhases as readonly string[]).includes(a ?? '')) {
      steps.push({ phase: a as BootstrapPhase, kind: 'run' });
    } else if (verb === 'retry' && (bootstrapPhases as readonly string[]).includes(a ?? '')) {
      steps.push({ phase: a as BootstrapPhase, kind: 'retry' });
    } else if (verb === 'step' && b === 'init') steps.push({ phase: 'kubeadm-init', kind: 'init' });
    else if (verb === 'step' && b === 'join') steps.push({ phase: 'kubeadm-join', kind: 'join' });
    else if (verb === 'done') steps.push({ phase: 'done', kind: 'done' });
  }
  return steps;
}

/** Kernel and cloud-init noise around the markers, as a real serial console has. */
const bootNoise = [
  '[    0.000000] Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc 11.4.0) #101-Ubuntu SMP',
  '[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-91-generic root=LABEL=cloudimg-rootfs ro console=tty1 console=ttyS0',
  '[    1.204311] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.',
  "[    4.512877] cloud-init[612]: Cloud-init v. 23.3.3-0ubuntu0~22.04.1 running 'init'",
  '[    5.001002] cloud-init[612]: ci-info: ++++++++++++++++++++++++Net device info+++++++++++++++++++++++',
];

const failureLog: Record<string, string[]> = {
  install: ['E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?'],
  'wait-api': ['the API endpoint did not answer /readyz in 10 minutes'],
  'kubeadm-init': [
    '[wait-control-plane] Waiting for the kubelet to boot up the control plane',
    'timed out waiting for the condition',
  ],
  'kubeadm-join': [
    '[preflight] Running pre-flight checks',
    'error execution phase preflight: couldn\'t validate the identity of the API Server: Get "https://10.0.0.5:6443/api/v1/namespaces/kube-public/configmaps/cluster-info?timeout=10s": dial tcp 10.0.0.5:6443: connect: no route to host',
  ],
  addons: [
    'error: unable to recognize "/etc/kubernetes/viok/manifests/10-kube-flannel.yaml": no matches for kind "DaemonSet"',
  ],
};

/** One console line, when it is printed, and the marker it carries (if any). */
interface ConsoleLine {
  at: number;
  text: string;
  marker?: { phase: BootstrapPhase; status: BootstrapStatus };
}

/**
 * When a simulated node's bootstrap reaches the points the cluster sees (ms on the simulator's
 * clock): `joinedAt` when kubeadm init/join succeeded (its kubelet registers the Node), `readyAt` when
 * bootstrap is done (the CNI runs: the Node is Ready). Absent when the node never gets there.
 */
export function bootstrapTimeline(s: ServerRecord): { joinedAt?: number; readyAt?: number } {
  const t: { joinedAt?: number; readyAt?: number } = {};
  for (const l of consoleLines(s)) {
    if (l.marker?.status !== 'ok') continue;
    if (l.marker.phase === 'kubeadm-init' || l.marker.phase === 'kubeadm-join') t.joinedAt ??= l.at;
    if (l.marker.phase === 'done') t.readyAt = l.at;
  }
  return t;
}

/**
 * The console text of a server at `now` (ms), every line so far. `built` is when it became ACTIVE.
 */
export function consoleText(s: ServerRecord, now: number): string {
  return consoleLines(s)
    .filter((l) => l.at <= now)
    .map((l) => `${l.text}\n`)
    .join('');
}

/** Every line the console will print, in order, with its time. */
function consoleLines(s: ServerRecord): ConsoleLine[] {
  const built = s.created + s.build_ms;
  const step = s.bootstrap_step_ms ?? 0;
  const lines: ConsoleLine[] = bootNoise.map((text) => ({ at: built, text }));
  const steps = bootstrapSteps(s.user_data);
  const failAt = s.bootstrap_fails_at;
  const stamp = (at: number): string => `[${(5 + (at - built) / 1000).toFixed(6).padStart(12)}]`;
  const mark = (at: number, phase: BootstrapPhase, status: BootstrapStatus, attempt?: number): void => {
    lines.push({
      at,
      text: `${stamp(at)} cloud-init[900]: ${formatMarker({
        node: s.name,
        phase,
        status,
        ...(attempt !== undefined ? { attempt } : {}),
      })}`,
      marker: { phase, status },
    });
  };
  let t = built;
  // A fault stops the node at its phase: log lines without credentials, then `failed`.
  const fail = (phase: BootstrapPhase, attempt?: number): void => {
    for (const l of failureLog[phase] ?? []) lines.push({ at: t, text: `viok-bootstrap-log: ${l}` });
    mark(t, phase, 'failed', attempt);
  };
  run: for (const st of steps) {
    switch (st.kind) {
      case 'run':
      case 'retry':
      case 'init': {
        // The simulated node succeeds or fails at its first attempt.
        const attempt = st.kind === 'run' ? undefined : 1;
        mark(t, st.phase, 'start', attempt);
        t += step;
        if (failAt === st.phase) {
          fail(st.phase, attempt);
          break run;
        }
        if (st.phase === 'install')
          lines.push({ at: t, text: `${stamp(t)} cloud-init[900]: Setting up kubelet (1.31.4-1.1) ...` });
        mark(t, st.phase, 'ok', attempt);
        break;
      }
      case 'join': {
        // Joining nodes wait about as long as the first control plane node takes to initialise.
        mark(t, 'wait-api', 'start');
        t += step;
        if (failAt === 'wait-api') {
          fail('wait-api');
          break run;
        }
        mark(t, 'wait-api', 'ok');
        mark(t, 'kubeadm-join', 'start', 1);
        t += step;
        if (failAt === 'kubeadm-join') {
          fail('kubeadm-join', 1);
          break run;
        }
        mark(t, 'kubeadm-join', 'ok', 1);
        break;
      }
      case 'done':
        if (failAt === 'done') {
          fail('done');
          break run;
        }
        mark(t, 'done', 'ok');
        lines.push({ at: t, text: `${s.name} login: ` });
        break;
    }
  }
  return lines;
}

/** The last `length` lines of the console (all of them without a length), as Nova's action returns them. */
export function consoleOutput(s: ServerRecord, now: number, length?: number): string {
  const text = consoleText(s, now);
  if (length === undefined) return text;
  const lines = text.split('\n');
  lines.pop();
  return lines
    .slice(Math.max(0, lines.length - length))
    .map((l) => `${l}\n`)
    .join('');
}
