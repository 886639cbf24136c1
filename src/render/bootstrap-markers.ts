import { InternalError } from '../core/errors';

/**
 * Bootstrap phase markers: the one line format a node's scripts print to the serial console and
 * viok reads back through Nova's console-output API (progress and failure reasons without SSH).
 *
 * Grammar (one marker per line, anywhere in the line, so kernel timestamps or a `cloud-init[123]:`
 * prefix before it do not matter):
 *
 *     viok-bootstrap: node=<name> phase=<phase> status=<status>[ attempt=<n>]
 *
 * `<name>` is the node's server name ([A-Za-z0-9._-]), `<phase>` one of {@link bootstrapPhases},
 * `<status>` one of {@link bootstrapStatuses}. A marker carries nothing else: no command lines, no
 * paths with tokens, no free text, so it can never carry a secret. The shell side is generated
 * here too ({@link renderBootstrapScript}), and the simulator prints these same lines, so the
 * scripts, the simulator and the parser cannot drift apart.
 */

/** The prefix every marker starts with: unusual enough to grep for in a console full of noise. */
export const markerPrefix = 'viok-bootstrap:';

/** The phases, in the order a node goes through them (a node skips those it has no use for). */
export const bootstrapPhases = [
  'install',
  'wait-api',
  'kubeadm-init',
  'kubeadm-join',
  'addons',
  'done',
] as const;
export type BootstrapPhase = (typeof bootstrapPhases)[number];

/** `retry` says an attempt failed and another follows (after `kubeadm reset -f`). */
export const bootstrapStatuses = ['start', 'ok', 'retry', 'failed'] as const;
export type BootstrapStatus = (typeof bootstrapStatuses)[number];

export interface BootstrapMarker {
  node: string;
  phase: BootstrapPhase;
  status: BootstrapStatus;
  /** Which attempt (1-based) of a retried phase, when the script counts them. */
  attempt?: number;
}

const nodeName = /^[A-Za-z0-9._-]+$/;

/** One marker line, exactly as the node prints it. Throws on a node name the grammar cannot carry. */
export function formatMarker(m: BootstrapMarker): string {
  if (!nodeName.test(m.node))
    throw new InternalError(`node name ${JSON.stringify(m.node)} cannot go into a marker`);
  const attempt = m.attempt !== undefined ? ` attempt=${m.attempt}` : '';
  return `${markerPrefix} node=${m.node} phase=${m.phase} status=${m.status}${attempt}`;
}

const alternatives = (xs: readonly string[]): string => xs.map((x) => x.replace(/-/g, '\\-')).join('|');

/**
 * A marker anywhere in a line. Every field is anchored by the next one or by the end of the line
 * (or whitespace), so a line cut short mid-marker (the last line of a console read while the node
 * writes) never parses as a different value: `status=fai` is no marker, `node=cp-1` cut from
 * `node=cp-12` has no ` phase=` after it.
 */
const markerPattern = new RegExp(
  `${markerPrefix} node=([A-Za-z0-9._-]+) phase=(${alternatives(bootstrapPhases)}) ` +
    `status=(${alternatives(bootstrapStatuses)})(?: attempt=([0-9]{1,3}))?(?=\\s|$)`,
);

/** The marker in one console line, or undefined. */
export function parseMarkerLine(line: string): BootstrapMarker | undefined {
  const m = markerPattern.exec(line);
  if (!m) return undefined;
  const [, node, phase, status, attempt] = m;
  return {
    node: node as string,
    phase: phase as BootstrapPhase,
    status: status as BootstrapStatus,
    ...(attempt !== undefined ? { attempt: Number(attempt) } : {}),
  };
}

/** Console text as lines: CR LF and lone CR (progress bars) split too, the trailing empty line dropped. */
export function consoleLines(output: string): string[] {
  const lines = output.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Every marker in console text, oldest first, each once; `node` keeps only that node's (a console is one
 * node's, but be strict). The bootstrap script prints each marker twice on a real node: to stdout, which
 * cloud-init copies to the console (`cloud-init[421]: viok-bootstrap: …`), and to /dev/console; and no
 * marker repeats within one boot (a retry carries its attempt number), so a repeat is that copy.
 */
export function parseMarkers(output: string, node?: string): BootstrapMarker[] {
  const out: BootstrapMarker[] = [];
  const seen = new Set<string>();
  for (const line of consoleLines(output)) {
    const m = parseMarkerLine(line);
    if (!m || (node !== undefined && m.node !== node)) continue;
    const key = `${m.node} ${m.phase} ${m.status} ${m.attempt ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/** Where a node's bootstrap stands, as read from its console. */
export interface BootstrapProgress {
  /** The last marker seen, or undefined when the scripts have printed none yet. */
  last?: BootstrapMarker;
  /** `done`: phase done, status ok. `failed`: some phase failed (the node stops there). */
  state: 'pending' | 'running' | 'done' | 'failed';
}

/** The latest state in console text: the last marker wins; a `failed` marker is final. */
export function bootstrapProgress(output: string, node?: string): BootstrapProgress {
  const markers = parseMarkers(output, node);
  const failed = markers.find((m) => m.status === 'failed');
  if (failed) return { last: failed, state: 'failed' };
  const last = markers[markers.length - 1];
  if (!last) return { state: 'pending' };
  if (last.phase === 'done' && last.status === 'ok') return { last, state: 'done' };
  return { last, state: 'running' };
}

/**
 * Words that mark a line as possibly carrying a credential. The node-side filter (kubeadm-run.sh,
 * the bootstrap script) and {@link redactConsoleLines} use this same list.
 */
export const credentialWords = ['token', 'certificate-key', 'ca-cert-hash', 'password', 'secret'] as const;

/** The same words as an extended regular expression for `grep -v -i -E`. */
export const credentialGrepPattern = credentialWords.join('|');

/** Console lines with any line that might carry a credential replaced by a placeholder. */
export function redactConsoleLines(lines: readonly string[]): string[] {
  const re = new RegExp(credentialWords.join('|'), 'i');
  return lines.map((l) => (re.test(l) ? '[line removed: may contain a credential]' : l));
}

/** Where the bootstrap helper script goes on a node. */
export const bootstrapScriptPath = '/usr/local/sbin/viok-bootstrap';

/** The flag file that tells later steps an earlier one failed (so runcmd's next lines do nothing). */
export const bootstrapFailedFlag = '/run/viok-bootstrap.failed';

/**
 * The node's bootstrap helper, with the node's name baked in. Subcommands:
 *
 * - `mark <phase> <status> [attempt]`: print a marker to stdout and to /dev/console when writable;
 * - `run <phase> <command...>`: unless an earlier step failed, mark start, run the command with its
 *   output copied to /var/log/viok-bootstrap-<phase>.log (root only), then mark ok, or print the log's
 *   last lines without credentials, mark failed and leave the failed flag;
 * - `retry <phase> <attempts> <command...>`: like `run`, for an idempotent command, tried up to
 *   `attempts` times with a growing pause, each attempt numbered in its markers;
 * - `step <command...>`: unless an earlier step failed, run a command that prints its own markers
 *   (kubeadm-run.sh); on failure leave the failed flag;
 * - `done`: mark done ok unless a step failed.
 *
 * cloud-init's runcmd goes on after a failed line, hence the flag.
 */
export function renderBootstrapScript(node: string): string {
  // Validate the name once, here, with the same rule as the markers.
  formatMarker({ node, phase: 'done', status: 'ok' });
  const sample = formatMarker({ node, phase: 'install', status: 'start' });
  const head = sample.slice(0, sample.indexOf(' phase='));
  return `#!/bin/bash
# Rendered by viok: prints bootstrap phase markers (${markerPrefix} ...) to stdout and the serial
# console, which viok reads through Nova's console-output API. Markers never carry secrets.
set -uo pipefail
umask 077
# VIOK_TEST_ROOT prefixes every path, for viok's own tests only (cloud-init sets no such variable).
root=\${VIOK_TEST_ROOT:-}
failed_flag=$root${bootstrapFailedFlag}
console=$root/dev/console

say() {
  printf '%s\\n' "$1"
  if [ -w "$console" ]; then printf '%s\\n' "$1" >"$console" 2>/dev/null || true; fi
}

mark() {
  local line="${head} phase=$1 status=$2"
  if [ -n "\${3:-}" ]; then line="$line attempt=$3"; fi
  say "$line"
}

# The last lines of a log, without any line that might carry a credential.
tail_clean() {
  grep -v -i -E '${credentialGrepPattern}' "$1" | tail -n "\${2:-20}" | while IFS= read -r l; do
    say "viok-bootstrap-log: $l"
  done || true
}

case "\${1:-}" in
  mark) shift; mark "$@" ;;
  run)
    phase=$2; shift 2
    [ -e "$failed_flag" ] && exit 1
    log=$root/var/log/viok-bootstrap-$phase.log
    mark "$phase" start
    # The output still reaches cloud-init-output.log (nothing these commands print is secret:
    # kubeadm-run.sh keeps kubeadm's own output in a root-only file).
    if "$@" 2>&1 | tee -a "$log"; then
      mark "$phase" ok
    else
      tail_clean "$log" 20
      mark "$phase" failed
      touch "$failed_flag"
      exit 1
    fi
    ;;
  retry)
    # Like run, for idempotent commands (kubectl apply) that a passing API hiccup can fail: an
    # API server restarting under its static pod manifest resets connections for a few seconds.
    phase=$2; attempts=$3; shift 3
    [ -e "$failed_flag" ] && exit 1
    log=$root/var/log/viok-bootstrap-$phase.log
    attempt=1
    while :; do
      mark "$phase" start "$attempt"
      if "$@" 2>&1 | tee -a "$log"; then
        mark "$phase" ok "$attempt"
        exit 0
      fi
      [ "$attempt" -ge "$attempts" ] && break
      mark "$phase" retry "$attempt"
      sleep $((attempt * 5))
      attempt=$((attempt + 1))
    done
    tail_clean "$log" 20
    mark "$phase" failed "$attempt"
    touch "$failed_flag"
    exit 1
    ;;
  step)
    shift
    [ -e "$failed_flag" ] && exit 1
    if ! "$@"; then touch "$failed_flag"; exit 1; fi
    ;;
  done)
    [ -e "$failed_flag" ] && exit 1
    mark 'done' ok
    ;;
  *) echo "usage: $0 mark|run|retry|step|done ..." >&2; exit 2 ;;
esac
`;
}
