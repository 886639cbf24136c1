import { Option } from 'commander';
import { ExitCode } from '../../core/errors';
import type * as Yaml from 'yaml';
import type * as Provision from '../../provision';
import type { Register } from './index';
import { stateOption } from '../state-option';

/** `viok describe cluster NAME`: nodes with addresses per network, the LB VIP and the API endpoint. */
export const register: Register = (program, act) => {
  const describe = program
    .command('describe')
    .description('show one resource in detail (see: viok describe cluster --help)');
  describe
    .command('cluster')
    .argument('<name>', 'the cluster')
    .description(
      'nodes (role, status, addresses per network), load balancer VIP and API endpoint, from the cloud',
    )
    .addOption(
      new Option('-o, --output <format>', 'text, json or yaml')
        .choices(['text', 'json', 'yaml'])
        .default('text'),
    )
    .option(
      '--os-cloud <name>',
      "cloud from clouds.yaml (beats OS_CLOUD and the cloud in the cluster's state)",
    )
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
    .addOption(stateOption())
    .option('--sim', 'look in the embedded simulator')
    .addHelpText(
      'after',
      '\nExamples:\n  $ viok describe cluster demo --sim\n  $ viok describe cluster demo -o json | jq .apiEndpoint',
    )
    .action(
      act(async (ctx, ...args) => {
        const cluster = args[0] as string;
        const flags = args[1] as {
          output: 'text' | 'json' | 'yaml';
          osCloud?: string;
          stateDir?: string;
          state?: string;
          sim?: boolean;
        };
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- provisioning loads only for this command
        const p = require('../../provision') as typeof Provision;
        const e = { env: ctx.env, cwd: ctx.cwd, out: ctx.out, signal: ctx.signal, debug: ctx.debug };
        const store = p.storeOf(flags, e);
        const state = await store.read(cluster);
        // no --os-cloud or OS_CLOUD: the cloud the cluster was created in
        const session = await p.cloudOf(flags, e, undefined, state);
        try {
          const d = await p.describeCluster(session.clients, cluster, state, ctx.signal);
          if (flags.output === 'json') ctx.out.result(JSON.stringify(d, null, 2));
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
          else if (flags.output === 'yaml') ctx.out.result((require('yaml') as typeof Yaml).stringify(d));
          else ctx.out.result(p.formatDescription(d));
          return ExitCode.ok;
        } finally {
          await session.close();
        }
      }),
    );
};
