import type { Output, Prompter } from '../core/io';
import type chalkModule from 'chalk';
import { AbortError, UserInputError } from '../core/errors';

/** Output to the real terminal: results on stdout, everything for humans on stderr. */
export class TerminalOutput implements Output {
  constructor(
    /** quiet: no progress or summary lines (results, warnings and errors still show). */
    private readonly options: { debug: boolean; color: boolean; quiet?: boolean },
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  result(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  info(message: string): void {
    if (!this.options.quiet) this.stderr.write(`${message}\n`);
  }
  warn(message: string): void {
    this.stderr.write(`${this.paint('yellow', 'warning:')} ${message}\n`);
  }
  debug(message: string): void {
    if (this.options.debug) this.stderr.write(`${this.paint('gray', 'debug:')} ${message}\n`);
  }
  error(message: string): void {
    this.stderr.write(`${this.paint('red', 'error:')} ${message}\n`);
  }

  private paint(color: 'yellow' | 'gray' | 'red', text: string): string {
    if (!this.options.color) return text;
    // chalk is small, but only loaded when colour is really wanted.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps start-up fast
    const chalk = require('chalk') as typeof chalkModule;
    return chalk[color](text);
  }
}

/** Asks on the terminal when interactive; otherwise refuses, naming the flag that answers the question. */
export class TerminalPrompter implements Prompter {
  constructor(readonly interactive: boolean) {}

  async confirm(question: string, options: { flag: string; default?: boolean }): Promise<boolean> {
    if (!this.interactive) {
      throw new UserInputError(
        `${question} — cannot ask without a terminal; pass ${options.flag} to confirm`,
      );
    }
    const { confirm } = await import('@inquirer/prompts');
    try {
      return await confirm({ message: question, default: options.default ?? false });
    } catch (e) {
      if (e instanceof Error && e.name === 'ExitPromptError') throw new AbortError('interrupted');
      throw e;
    }
  }
}

/** NO_COLOR (any non-empty value), --no-color, or output that is not a terminal turn colour off. */
export function colorWanted(env: NodeJS.ProcessEnv, flag: boolean, isTTY: boolean): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isTTY;
}

/** CI set (to anything but "false"/"0") or stdout not a terminal: no prompts, no live views. */
export function isInteractive(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return isTTY && !ci;
}
