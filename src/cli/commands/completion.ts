import { Argument } from 'commander';
import { ExitCode } from '../../core/errors';
import { bashCompletion, fishCompletion, zshCompletion } from '../completion';
import type { Register } from './index';

const SHELLS = { bash: bashCompletion, zsh: zshCompletion, fish: fishCompletion };

/** `viok completion bash|zsh|fish`: a completion script generated from the command tree itself. */
export const register: Register = (program, act) => {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SHELLS)))
    .addHelpText(
      'after',
      `
Examples:
  $ source <(viok completion bash)                       # this shell only
  $ viok completion bash > /etc/bash_completion.d/viok   # every bash
  $ viok completion zsh > "\${fpath[1]}/_viok"
  $ viok completion fish > ~/.config/fish/completions/viok.fish`,
    )
    .action(
      act(async (ctx, shell) => {
        ctx.out.result(SHELLS[shell as keyof typeof SHELLS](program).trimEnd());
        return ExitCode.ok;
      }),
    );
};
