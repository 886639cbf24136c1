import path from 'node:path';
import { Option } from 'commander';
import { ExitCode, SpecError, type SpecProblem } from '../../core/errors';
import type * as SpecValidate from '../../spec/validate';
import type { SpecValidation } from '../../spec/validate';
import type * as Yaml from 'yaml';
import type { Register } from './index';

interface ValidateOptions {
  file: string;
  output: 'text' | 'json' | 'yaml';
}

/** `viok validate -f FILE`: every problem in a spec at once; exit 0 when valid, 2 when not. */
export const register: Register = (program, act) => {
  program
    .command('validate')
    .description(
      'check a cluster spec against the schema and the semantic rules, reporting every problem at once',
    )
    .requiredOption('-f, --file <file>', "the spec file (YAML or JSON); '-' reads standard input")
    .addOption(
      new Option('-o, --output <format>', 'text, or the problem list as json or yaml on stdout')
        .choices(['text', 'json', 'yaml'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ viok validate -f examples/nsx-t.yaml
  $ viok validate -f cluster.yaml -o json | jq '.problems[].message'
  $ cat cluster.yaml | viok validate -f -

Exit codes: 0 valid, 2 invalid (every problem is listed as FILE: /json/pointer: message).`,
    )
    .action(
      act(async (ctx, ...args) => {
        const options = args[0] as ValidateOptions;
        const fromStdin = options.file === '-';
        const file = fromStdin ? 'stdin' : options.file;
        // loaded here, not at start-up: ajv and yaml are the heavy part of viok's start
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps `viok --version` fast
        const spec = require('../../spec/validate') as typeof SpecValidate;
        const result = fromStdin
          ? await spec.validateSpecStream(process.stdin, file)
          : spec.validateSpecFile(path.resolve(ctx.cwd, options.file), file);

        if (options.output === 'text') {
          if (!result.spec) throw new SpecError(result.problems);
          ctx.out.result(`${file}: valid (${summary(result)})`);
          return ExitCode.ok;
        }
        const report = {
          valid: result.spec !== undefined,
          file,
          problems: result.problems.map(toReportEntry),
        };
        if (options.output === 'json') {
          ctx.out.result(JSON.stringify(report, null, 2));
        } else {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
          const yaml = require('yaml') as typeof Yaml;
          ctx.out.result(yaml.stringify(report));
        }
        return report.valid ? ExitCode.ok : ExitCode.invalidInput;
      }),
    );
};

function summary({ spec }: SpecValidation): string {
  if (!spec) return '';
  const { backend, controlPlane, workers } = spec.spec;
  return `backend ${backend}, ${controlPlane.count} control-plane, ${workers.count} worker${workers.count === 1 ? '' : 's'}`;
}

/** The stable machine-readable shape: line and column are null when unknown. */
function toReportEntry(p: SpecProblem): {
  pointer: string;
  message: string;
  rule: string;
  line: number | null;
  column: number | null;
} {
  return {
    pointer: p.pointer,
    message: p.message,
    rule: p.rule,
    line: p.line ?? null,
    column: p.column ?? null,
  };
}
