import { Option } from 'commander';
import type YAMLModule from 'yaml';
import { ExitCode } from '../../core/errors';
import { versionInfo, versionLine } from '../version';
import type { Register } from './index';

/** `viok version [-o text|json|yaml]`: version, commit and Node.js version, for humans and for scripts. */
export const register: Register = (program, act) => {
  program
    .command('version')
    .description('print the version, the commit it was built from and the Node.js version')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text'),
    )
    .addHelpText('after', '\nExamples:\n  $ viok version\n  $ viok version -o json | jq -r .commit')
    .action(
      act(async (ctx, flags) => {
        const info = versionInfo();
        const format = (flags as { output: string }).output;
        if (format === 'json') ctx.out.result(JSON.stringify(info, null, 2));
        else if (format === 'yaml') {
          // loaded here: every command registers this one, and yaml costs ~20 ms of start-up
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const YAML = require('yaml') as typeof YAMLModule;
          ctx.out.result(YAML.stringify(info).trimEnd());
        } else ctx.out.result(versionLine(info));
        return ExitCode.ok;
      }),
    );
};
