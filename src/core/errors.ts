/**
 * The error tree. `src/cli/main.ts` is the only place that prints one and picks the exit code;
 * everything else throws these (or lets an ApiError from the HTTP core pass through).
 */

/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  invalidInput: 2,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class: `source` says who must act — the user (fix input) or viok/the cloud. */
export abstract class ViokError extends Error {
  abstract readonly source: 'user' | 'toolkit';
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in a spec (or any user file): where, what, and what would be valid. */
export interface SpecProblem {
  /** File the problem is in, as the user named it. */
  file: string;
  /** JSON pointer into the document ('' for the whole document). */
  pointer: string;
  /** What is wrong and what would be valid, in one sentence. */
  message: string;
  /** Rule that found it: `schema:<keyword>`, `syntax` or a semantic rule's name. */
  rule: string;
  /** 1-based line and column, when known (YAML syntax errors, and positions mapped from the source). */
  line?: number;
  column?: number;
  /** The source line and a caret under the column (two lines), for syntax errors; shown under the problem. */
  excerpt?: string;
}

/** Renders a problem the way the README documents: `file: /pointer: message`. */
export function formatProblem(p: SpecProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  // a problem with the whole document (unreadable, empty) has no pointer to show
  return p.pointer ? `${where}: ${p.pointer}: ${p.message}` : `${where}: ${p.message}`;
}

/** The user's input (a spec, a flag, a config file) is invalid. Exit 2. */
export class UserInputError extends ViokError {
  readonly source = 'user' as const;
  readonly exitCode = ExitCode.invalidInput;
}

/** A spec failed validation; carries every problem found, not just the first. Exit 2. */
export class SpecError extends ViokError {
  readonly source = 'user' as const;
  readonly exitCode = ExitCode.invalidInput;
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** Credentials or cloud configuration cannot be resolved (clouds.yaml, OS_* variables). Exit 2. */
export class ConfigError extends ViokError {
  readonly source = 'user' as const;
  readonly exitCode = ExitCode.invalidInput;
}

/** A wait ran past its deadline. Exit 1. */
export class WaitTimeoutError extends ViokError {
  readonly source = 'toolkit' as const;
  readonly exitCode = ExitCode.failure;
}

/** The user declined a confirmation or pressed Ctrl-C. Exit 130. */
export class AbortError extends ViokError {
  readonly source = 'user' as const;
  readonly exitCode = ExitCode.interrupted;
  constructor(message = 'aborted') {
    super(message);
  }
}

/** Something viok could not do for a reason that is not the user's input (a lock held, a cloud failure). Exit 1. */
export class OperationError extends ViokError {
  readonly source = 'toolkit' as const;
  readonly exitCode = ExitCode.failure;
}

/** A bug: should never happen. Exit 1, with a request to report it. */
export class InternalError extends ViokError {
  readonly source = 'toolkit' as const;
  readonly exitCode = ExitCode.failure;
}

export function isViokError(e: unknown): e is ViokError {
  return e instanceof ViokError;
}
