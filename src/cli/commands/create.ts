import { ExitCode } from '../../core/errors';
import type * as App from '../../app';
import type * as Report from '../../report';
import { hostOf } from '../run-host';
import { addCloudOptions, addProgressOutput } from '../cloud-options';
import { addWaitOptions, waitOptionsOf, type WaitFlags } from '../wait-options';
import type { Register } from './index';

interface CreateFlags extends WaitFlags {
  file: string;
  backend?: string;
  yes?: boolean;
  dryRun?: boolean;
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
  output: 'text' | 'json';
  mergeKubeconfig?: boolean;
  kubeconfig?: string;
  force?: boolean;
}

/** `viok create cluster [NAME] -f SPEC`: preflight, plan, apply, wait, kubeconfig. */
export const register: Register = (program, act) => {
  const create = program.command('create').description('create resources (see: viok create cluster --help)');
  create
    .command('cluster')
    .argument('[name]', "cluster name; defaults to the spec's metadata.name")
    .description('create (or finish creating) a cluster from a spec; safe to run again')
    .requiredOption('-f, --file <file>', 'the cluster spec (YAML or JSON)')
    .option('--backend <backend>', "check that the spec's backend is this one (vds, nsx-v, nsx-t)")
    .option('-y, --yes', 'create without asking (required without a terminal or in CI)')
    .option('--dry-run', 'run the preflight checks and print the plan; create nothing')
    .apply((c) =>
      addCloudOptions(c, {
        cloud: 'cloud from clouds.yaml (beats OS_CLOUD and spec.cloud)',
        sim: 'run against the embedded simulator (its state persists in the state dir)',
      }),
    )
    .option(
      '--merge-kubeconfig',
      'merge the kubeconfig (context viok-<name>) into $KUBECONFIG or ~/.kube/config instead of ./<name>.kubeconfig',
    )
    .option('--kubeconfig <file>', 'write the kubeconfig to this file instead of ./<name>.kubeconfig')
    .option('--force', 'replace a kubeconfig entry or file of the same name that belongs to another cluster')
    .apply(addWaitOptions)
    .apply(addProgressOutput)
    .addHelpText(
      'after',
      `
Examples:
  $ viok create cluster demo --sim -f examples/vds.yaml --yes
  $ viok create cluster -f cluster.yaml --os-cloud prod --yes -o json
  $ viok create cluster -f cluster.yaml --dry-run

Without a terminal (or with CI set) --yes is required: a pipeline never changes a cloud by default.
By default create waits until the API server answers /readyz through the kubeconfig it wrote and every
node is Ready (--timeout, default 20m); on timeout it says what is not ready and deletes nothing.
--wait=false returns once the servers are up. With --sim nothing is waited for: the nodes are simulated.
Exit codes: 0 created, 1 failure (cloud error, quota short, server in ERROR twice, not ready in time), 2 invalid spec or flags
or a preflight finding the spec names a missing image/flavor/key pair/network, 130 interrupted.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const name = args[0] as string | undefined;
        const flags = args[1] as CreateFlags;
        // checked before anything runs: a bad --timeout is a usage error, not a failure after an hour
        const waiting = waitOptionsOf(flags);
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
        const report = require('../../report') as typeof Report;
        const result = await app.runCreate(
          {
            ...flags,
            ...(name ? { name } : {}),
            ...waiting,
            yes: Boolean(flags.yes),
            dryRun: Boolean(flags.dryRun),
            kubeconfig: {
              merge: Boolean(flags.mergeKubeconfig),
              ...(flags.kubeconfig ? { file: flags.kubeconfig } : {}),
              force: Boolean(flags.force),
            },
          },
          hostOf(ctx),
        );
        const json = flags.output === 'json';
        if (flags.dryRun)
          ctx.out.result(
            json
              ? JSON.stringify({ cluster: result.cluster, plan: result.plan }, null, 2)
              : report.formatPlanTable(result.plan),
          );
        else if (!json && result.outputs && result.kubeconfig && result.readiness)
          ctx.out.result(
            report.formatCreateSummary(result.cluster, result.outputs, result.kubeconfig, result.readiness),
          );
        return ExitCode.ok;
      }),
    );
};
