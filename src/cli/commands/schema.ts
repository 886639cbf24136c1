import { ExitCode } from '../../core/errors';
import type * as SchemaModule from '../../spec/schema';
import type { Register } from './index';

/** `viok schema`: the cluster spec's JSON Schema, for editors and other tools. */
export const register: Register = (program, act) => {
  program
    .command('schema')
    .description('print the JSON Schema (draft 2020-12) of the cluster spec')
    .addHelpText(
      'after',
      `
Examples:
  $ viok schema > cluster.schema.json
  $ viok schema | jq '.properties.spec.properties.backend'

Editors that speak the YAML language server validate a spec as you type with, on its first line:
  # yaml-language-server: $schema=<path or URL of cluster.schema.json>`,
    )
    .action(
      act(async (ctx) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load keeps start-up fast
        const { clusterSchemaText } = require('../../spec/schema') as typeof SchemaModule;
        ctx.out.result(clusterSchemaText());
        return ExitCode.ok;
      }),
    );
};
