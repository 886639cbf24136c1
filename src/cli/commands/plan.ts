import type * as App from '../../app';
import type * as Report from '../../report';
import type { PlanEntry } from '../../provision/plan';
import { ExitCode } from '../../core/errors';
import { addListingOptions, type ListingFlags } from '../listing-options';
import { hostOf } from '../run-host';
import { addCloudOptions } from '../cloud-options';
import type { Register } from './index';

interface PlanFlags extends ListingFlags {
  file: string;
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
  detailedExitcode?: boolean;
}

/** `viok plan -f SPEC`: the preflight checks and the resources a create would make, against what exists. */
export const register: Register = (program, act) => {
  const command = program
    .command('plan')
    .description(
      "what the spec asks of the cloud: '+' to create, '~' differs (and how), '-' no longer in the spec, '=' unchanged (nothing is changed)",
    )
    .option(
      '--detailed-exitcode',
      'exit 0 when nothing would change, 2 when something would, 1 on error (for pipelines)',
    )
    .requiredOption('-f, --file <file>', 'the cluster spec (YAML or JSON)');
  addListingOptions(command)
    .apply((c) =>
      addCloudOptions(c, {
        cloud: 'cloud from clouds.yaml (beats OS_CLOUD and spec.cloud)',
        sim: 'plan against the embedded simulator',
      }),
    )
    .addHelpText(
      'after',
      `
Columns: ACTION KIND NAME KEY REASON. '~': a server whose flavor or image differs from the spec (create
does not change it; it would be replaced). '-': servers and ports tagged for the cluster that the spec no
longer has, e.g. workers above a lowered count (viok scale removes them; create does not).
Examples:
  $ viok plan -f examples/vds.yaml --sim
  $ viok plan -f cluster.yaml -o json | jq '[.plan[] | select(.action == "+")] | length'
  $ viok plan -f cluster.yaml -o value -c action -c key

Exit codes: 0 planned, 1 failure (cloud error, quota short), 2 invalid spec or missing image/flavor/network;
with --detailed-exitcode 0 no changes, 2 changes, 1 any error.
  $ viok plan -f cluster.yaml --detailed-exitcode >/dev/null; [ $? -eq 2 ] && echo "drift"`,
    )
    .action(
      act(async (ctx, ...args) => {
        const flags = args[0] as PlanFlags;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
        const report = require('../../report') as typeof Report;
        const result = await app.runPlan(flags, hostOf(ctx));
        const table = flags.output === 'table' && flags.column.length === 0;
        ctx.out.result(
          table
            ? report.formatPlanTable(result.plan)
            : report.formatListing<PlanEntry>(result.plan, {
                columns: [
                  { name: 'ACTION', value: (e) => e.action },
                  { name: 'KIND', value: (e) => e.kind },
                  { name: 'NAME', value: (e) => e.name },
                  { name: 'KEY', value: (e) => e.key },
                  { name: 'REASON', value: (e) => e.reason },
                ],
                format: flags.output,
                select: flags.column,
                kind: 'resource',
                name: (e) => e.key,
                document: (plan) => ({ cluster: result.cluster, cloud: result.cloud, plan }),
              }),
        );
        if (!flags.detailedExitcode) return ExitCode.ok;
        return result.plan.some((e) => e.action !== '=') ? ExitCode.invalidInput : ExitCode.ok;
      }),
    );
};
