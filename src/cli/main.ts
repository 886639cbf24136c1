import { CommanderError, Option, type Command } from 'commander';
import { AbortError, ExitCode, SpecError, formatProblem, isViokError } from '../core/errors';
import type { CliContext } from './context';
import { TerminalOutput, TerminalPrompter, colorWanted, isInteractive } from './terminal';
import { registerCommands } from './commands';
import { ViokCommand } from './viok-command';
import { versionLine } from './version';
import { INSECURE_ENV, insecureRequested, tlsOffWarning } from '../config/insecure';

/** A command's action: gets the context and its parsed arguments, returns the exit code. */
export type Action = (ctx: CliContext, ...args: unknown[]) => Promise<number>;
/** Wraps an action so it runs with the context; every command module registers through it. */
export type Act = (action: Action) => (...args: unknown[]) => Promise<void>;

interface GlobalOptions {
  debug?: boolean;
  quiet?: boolean;
  color: boolean;
  insecure?: boolean;
}

/** The whole CLI. Returns the exit code; the only place that prints errors and chooses codes. */
export async function main(
  argv: string[],
  io: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<number> {
  const env = io.env ?? process.env;
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  let exitCode: number = ExitCode.ok;
  let out = new TerminalOutput({
    debug: argv.includes('--debug'),
    color: colorWanted(env, true, Boolean(process.stderr.isTTY)),
  });

  // `viok ... | head` closes the pipe early: that is the reader's choice, not an error to report
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(ExitCode.ok);
  });

  const aborter = new AbortController();
  const onSignal = (): void => aborter.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const program = new ViokCommand('viok')
    .description('Provision Kubernetes clusters on VMware Integrated OpenStack (backends: vds, nsx-v, nsx-t)')
    .version(versionLine(), '-V, --version', 'print the version (viok version -o json for scripts)')
    .addOption(
      new Option('--debug', 'log every API request and response (secrets redacted) and show stack traces'),
    )
    .addOption(new Option('--no-color', 'disable colours (NO_COLOR is honoured too)'))
    .addOption(new Option('-q, --quiet', 'print only results, warnings and errors: no progress'))
    .addOption(
      new Option(
        '--insecure',
        `do not verify TLS certificates of OpenStack and NSX (test clouds only; prints a warning; ${INSECURE_ENV}=1 does the same)`,
      ),
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });
  program.addHelpText(
    'after',
    `
Examples:
  $ viok validate -f examples/vds.yaml
  $ viok schema > cluster.schema.json

Exit codes: 0 ok, 1 failure, 2 invalid input or usage, 130 interrupted.`,
  );

  const act: Act =
    (action) =>
    async (...args) => {
      const globals = program.opts<GlobalOptions>();
      const color = colorWanted(env, globals.color, Boolean(process.stderr.isTTY));
      const quiet = Boolean(globals.quiet);
      out = new TerminalOutput({ debug: Boolean(globals.debug), color, quiet });
      const interactive = isInteractive(env, stdoutIsTTY);
      // every connection point reads --insecure from the environment the command gets (see config/insecure)
      const commandEnv = globals.insecure ? { ...env, [INSECURE_ENV]: '1' } : env;
      if (insecureRequested(commandEnv))
        out.warn(
          tlsOffWarning('OpenStack and NSX', globals.insecure ? '--insecure' : `${INSECURE_ENV} is set`),
        );
      const ctx: CliContext = {
        out,
        prompter: new TerminalPrompter(interactive),
        env: commandEnv,
        cwd: io.cwd ?? process.cwd(),
        interactive,
        debug: Boolean(globals.debug),
        quiet,
        color,
        signal: aborter.signal,
      };
      exitCode = await action(ctx, ...args);
    };

  registerCommands(program, act, argv);

  try {
    await program.parseAsync(helpOnlyForKnownCommands(program, argv));
  } catch (e) {
    exitCode = reportError(withNextStep(e, aborter.signal, argv), out, argv.includes('--debug'));
    // plan --detailed-exitcode (as terraform's): 2 means "changes", so every error exits 1
    if (argv.includes('--detailed-exitcode') && exitCode === ExitCode.invalidInput)
      exitCode = ExitCode.failure;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  // An interrupted command throws AbortError (exit 130); one whose job is to run until a signal (sim serve) returns 0.
  return exitCode;
}

function reportError(e: unknown, out: TerminalOutput, debug: boolean): number {
  if (e instanceof CommanderError) {
    // help and version "errors" are how commander says it printed what was asked
    if (
      e.code === 'commander.helpDisplayed' ||
      e.code === 'commander.version' ||
      e.code === 'commander.help'
    ) {
      return ExitCode.ok;
    }
    return ExitCode.invalidInput; // commander already printed the usage problem
  }
  if (e instanceof SpecError) {
    for (const p of e.problems) {
      out.error(formatProblem(p));
      if (p.excerpt) out.info(p.excerpt.replace(/^/gm, '    '));
    }
    out.info(`${e.problems.length} problem${e.problems.length === 1 ? '' : 's'} found`);
    return e.exitCode;
  }
  if (isViokError(e)) {
    out.error(e.message);
    if (debug && e.stack) out.debug(e.stack);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  out.error(
    `internal error: ${message}${debug ? '' : ' (run with --debug for details, and please report it)'}`,
  );
  if (debug && e instanceof Error && e.stack) out.debug(e.stack);
  return ExitCode.failure;
}

/**
 * `viok nosuch --help` must not print the top-level help and exit 0: a script probing for a command
 * would be told it exists. When the words name no command, the help flag is dropped so that
 * commander reports the unknown command (exit 2, with its "Did you mean" suggestion).
 */
export function helpOnlyForKnownCommands(program: Command, argv: string[]): string[] {
  const isHelp = (a: string): boolean => a === '--help' || a === '-h';
  if (!argv.some(isHelp)) return argv;
  let command = program;
  for (const word of argv.slice(2)) {
    if (word.startsWith('-')) continue;
    if (command.commands.length === 0) break; // arguments of a leaf command
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) {
      if (word === 'help') return argv;
      return argv.filter((a) => !isHelp(a));
    }
    command = sub;
  }
  return argv;
}

/** Commands that change the cloud, and what to run after an interruption: [path, advice]. */
const AFTER_INTERRUPT: [string, (name: string) => string][] = [
  [
    'create cluster',
    (name) =>
      `what was created is recorded in state: run viok create cluster again to continue, or viok delete cluster ${name} to remove it`,
  ],
  ['scale cluster', () => 'what was changed is recorded in state: run viok scale cluster again to finish'],
  ['delete cluster', (name) => `run viok delete cluster ${name} again to finish deleting`],
];

/**
 * After Ctrl-C, whatever failed failed because of it: an error without a next step gets one (exit
 * 130), so the user knows whether to re-run, delete, or do nothing.
 */
export function withNextStep(e: unknown, signal: AbortSignal, argv: string[]): unknown {
  if (!signal.aborted) return e;
  // errors that already say what to do next (create's own, or init's "nothing written") stand as they are
  if (e instanceof AbortError && /\bviok \w+|nothing/.test(e.message)) return e;
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const path = words.slice(0, 2).join(' ');
  const entry = AFTER_INTERRUPT.find(([p]) => p === path);
  if (!entry) return new AbortError('interrupted; nothing was changed');
  // the cluster name when it follows the command (`viok delete cluster demo`), not a flag's value
  const after = argv[argv.indexOf(words[1] as string) + 1];
  const name = after && !after.startsWith('-') ? after : '<name>';
  return new AbortError(`interrupted; ${entry[1](name)}`);
}
