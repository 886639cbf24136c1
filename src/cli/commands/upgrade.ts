import type * as App from '../../app';
import { ExitCode, UserInputError } from '../../core/errors';
import { hostOf } from '../run-host';
import { addCloudOptions, addProgressOutput } from '../cloud-options';
import { addWaitOptions, waitOptionsOf, type WaitFlags } from '../wait-options';
import type { Register } from './index';

interface UpgradeFlags extends WaitFlags {
  file: string;
  kubernetesVersion?: string;
  maxUnavailable: string;
  yes?: boolean;
  dryRun?: boolean;
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
  output: 'text' | 'json';
}

/** `viok upgrade cluster [NAME] -f SPEC --kubernetes-version X.Y.Z`: rolling replacement at the new version. */
export const register: Register = (program, act) => {
  const upgrade = program
    .command('upgrade')
    .description('upgrade a cluster (see: viok upgrade cluster --help)');
  upgrade
    .command('cluster')
    .argument('[name]', "cluster name; defaults to the spec's metadata.name")
    .description('replace every node, control plane first, by one of a newer Kubernetes version')
    .requiredOption('-f, --file <file>', 'the cluster spec the cluster was created from')
    .option(
      '--kubernetes-version <version>',
      "the version wanted, MAJOR.MINOR.PATCH: a newer patch or the next minor (default: the spec's kubernetesVersion)",
    )
    .option('--max-unavailable <count>', 'workers replaced at once (drained together)', '1')
    .option('--dry-run', 'list the nodes it would replace, batch by batch; change nothing')
    .option('-y, --yes', 'change the cluster without asking (required without a terminal or in CI)')
    .apply((c) =>
      addCloudOptions(c, {
        cloud: 'cloud from clouds.yaml (beats OS_CLOUD and spec.cloud)',
        sim: 'run against the embedded simulator (its state persists in the state dir)',
      }),
    )
    .apply(addWaitOptions)
    .apply(addProgressOutput)
    .addHelpText(
      'after',
      `
Examples:
  $ viok upgrade cluster demo -f cluster.yaml --kubernetes-version 1.32.1 --dry-run
  $ viok upgrade cluster demo -f cluster.yaml --kubernetes-version 1.32.1 --yes

As kubeadm, one minor version at a time (1.31 → 1.32, never 1.31 → 1.33), never down. The nodes are
replaced as Cluster API's rolling update with maxSurge 0 does: the control-plane nodes one at a time,
then the workers --max-unavailable at a time. Each node is drained (cordoned, its pods evicted with
PodDisruptionBudgets respected), a control-plane node's etcd member removed through another one, its
server and Node object deleted, and a server of the new version made on the same ports (the same
addresses: the load balancers need no change), waited for before the next batch. kubeadm's
ClusterConfiguration takes the new version before the first control-plane node joins, kube-proxy's
image after the last. A one-node control plane cannot be replaced without losing etcd: scale it to 3
first (viok scale cluster --control-plane 3). Each node records its version in its server's metadata:
a run that stopped is finished by running it again.
Exit codes: 0 upgraded (or nothing to do), 1 failure, 2 invalid spec or flags (a skipped minor, a
downgrade), 130 interrupted.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const name = args[0] as string | undefined;
        const flags = args[1] as UpgradeFlags;
        if (!/^[1-9]\d{0,3}$/.test(flags.maxUnavailable))
          throw new UserInputError(
            `--max-unavailable ${flags.maxUnavailable}: expected a whole number from 1`,
          );
        if (flags.kubernetesVersion !== undefined && !/^v?\d+\.\d+\.\d+$/.test(flags.kubernetesVersion))
          throw new UserInputError(
            `--kubernetes-version ${flags.kubernetesVersion}: expected MAJOR.MINOR.PATCH, e.g. 1.32.1`,
          );
        const { maxUnavailable, kubernetesVersion, ...rest } = flags;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        await app.runUpgrade(
          {
            ...rest,
            ...(name ? { name } : {}),
            ...waitOptionsOf(flags),
            ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}),
            maxUnavailable: Number(maxUnavailable),
            yes: Boolean(flags.yes),
            dryRun: Boolean(flags.dryRun),
          },
          hostOf(ctx),
        );
        return ExitCode.ok;
      }),
    );
};
