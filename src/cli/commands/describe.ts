import { Option } from 'commander';
import { ExitCode } from '../../core/errors';
import type * as Yaml from 'yaml';
import type * as App from '../../app';
import type { CloudOptions } from '../../app/host';
import type * as Report from '../../report';
import { hostOf } from '../run-host';
import { addCloudOptions } from '../cloud-options';
import type { Register } from './index';

/** `viok describe cluster NAME`: nodes with addresses per network, the LB VIP and the API endpoint. */
export const register: Register = (program, act) => {
  const describe = program
    .command('describe')
    .description('show one resource in detail (see: viok describe cluster --help)');
  describe
    .command('cluster')
    .argument('<name>', 'the cluster')
    .description(
      'nodes (role, status, addresses per network, floating IPs), load balancer VIP and API endpoint, from the cloud',
    )
    .addOption(
      new Option('-o, --output <format>', 'text, json or yaml')
        .choices(['text', 'json', 'yaml'])
        .default('text'),
    )
    .apply((c) =>
      addCloudOptions(c, {
        cloud: "cloud from clouds.yaml (beats OS_CLOUD and the cloud in the cluster's state)",
        sim: 'look in the embedded simulator',
      }),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ viok describe cluster demo --sim\n  $ viok describe cluster demo -o json | jq .apiEndpoint',
    )
    .action(
      act(async (ctx, ...args) => {
        const name = args[0] as string;
        const flags = args[1] as CloudOptions & { output: 'text' | 'json' | 'yaml' };
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
        const report = require('../../report') as typeof Report;
        const d = await app.runDescribe({ ...flags, name }, hostOf(ctx));
        if (flags.output === 'json') ctx.out.result(JSON.stringify(d, null, 2));
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
        else if (flags.output === 'yaml') ctx.out.result((require('yaml') as typeof Yaml).stringify(d));
        else ctx.out.result(report.formatDescription(d));
        return ExitCode.ok;
      }),
    );
};
