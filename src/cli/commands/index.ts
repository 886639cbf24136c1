import type { ViokCommand } from '../viok-command';
import type { Act } from '../main';

/** Every command module registers its flags and help here; implementations load lazily. */
export type Register = (program: ViokCommand, act: Act) => void;
interface CommandModule {
  register: Register;
}

/* eslint-disable @typescript-eslint/no-require-imports -- lazy: a run loads only the command it runs */
/** Each top-level command's module, by the word a user types, in the order `viok --help` lists them. */
const commandModules: Record<string, () => Register> = {
  validate: () => (require('./validate') as CommandModule).register,
  schema: () => (require('./schema') as CommandModule).register,
  sim: () => (require('./sim') as CommandModule).register,
  plan: () => (require('./plan') as CommandModule).register,
  create: () => (require('./create') as CommandModule).register,
  delete: () => (require('./delete') as CommandModule).register,
  get: () => (require('./get') as CommandModule).register,
  describe: () => (require('./describe') as CommandModule).register,
  init: () => (require('./init') as CommandModule).register,
  scale: () => (require('./scale') as CommandModule).register,
  repair: () => (require('./repair') as CommandModule).register,
  upgrade: () => (require('./upgrade') as CommandModule).register,
  graph: () => (require('./graph') as CommandModule).register,
  auth: () => (require('./auth') as CommandModule).register,
  completion: () => (require('./completion') as CommandModule).register,
  version: () => (require('./version') as CommandModule).register,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Every command's name, for help and shell completion. */
export const commandNames: readonly string[] = Object.keys(commandModules);

/**
 * Registers the command `argv` runs, or every command when it names none it knows (`viok`, `--help`,
 * `help`, a typo that commander answers with "did you mean") or needs them all (`completion` walks the
 * whole tree). Start-up then loads one module, not 16. The global flags take no value, so the first
 * word not starting with '-' is the command.
 */
export function registerCommands(program: ViokCommand, act: Act, argv: readonly string[]): void {
  const word = argv.slice(2).find((a) => !a.startsWith('-'));
  const one = word !== undefined && word !== 'completion' && Object.hasOwn(commandModules, word);
  const only = one ? [word] : commandNames;
  for (const name of only) commandModules[name]?.()(program, act);
}
