import { ExitCode, UserInputError } from '../../core/errors';
import type * as App from '../../app';
import { checkWorkerCount } from '../../spec/worker-count';
import { hostOf } from '../run-host';
import { addCloudOptions, addProgressOutput } from '../cloud-options';
import { addWaitOptions, waitOptionsOf, type WaitFlags } from '../wait-options';
import type { Register } from './index';

interface ScaleFlags extends WaitFlags {
  file: string;
  workers?: string;
  controlPlane?: string;
  yes?: boolean;
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
  /** false with --no-drain */
  drain: boolean;
  output: 'text' | 'json';
}

/**
 * `viok scale cluster [NAME] -f SPEC --workers N --control-plane N`: adds or removes workers or
 * control-plane nodes (the load balancers follow).
 */
export const register: Register = (program, act) => {
  const scale = program.command('scale').description('change a cluster (see: viok scale cluster --help)');
  scale
    .command('cluster')
    .argument('[name]', "cluster name; defaults to the spec's metadata.name")
    .description("set a cluster's worker or control-plane count; the load balancers follow")
    .requiredOption('-f, --file <file>', 'the cluster spec the cluster was created from')
    .option('--workers <count>', 'the number of workers wanted, 1 to 1000 as in the spec (nsx-v: at most 32)')
    .option(
      '--control-plane <count>',
      'the number of control-plane nodes wanted: 1, 3, 5 or 7 (odd, for the etcd quorum)',
    )
    .option('-y, --yes', 'change the cluster without asking (required without a terminal or in CI)')
    .option(
      '--no-drain',
      'delete removed workers without draining them or deleting their Node objects (when the API is unreachable)',
    )
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
  $ viok scale cluster demo --sim -f examples/nsx-v.yaml --workers 10 --yes
  $ viok scale cluster demo -f cluster.yaml --control-plane 3 --yes

Workers above the count are drained first, as kubectl drain does (cordoned, their pods evicted with
PodDisruptionBudgets respected; DaemonSet pods stay), then deleted with their Node objects (highest
numbers first); missing ones are created with a fresh join token (valid 2 h). Then scale waits,
like create, until /readyz answers ok and every node is Ready (--wait=false, --timeout DURATION).
--control-plane: new control-plane nodes join etcd as kubeadm join --control-plane does; removed ones
(highest numbers first, never cp-1) are drained, their etcd member removed through cp-1 (a pod running
etcdctl there), then deleted. The API load balancers follow: the nsx-v Edge pool is updated; the
HAProxy nodes (vds, nsx-t), whose config is fixed at boot, are booted again one at a time on their own
ports, each waited for before the next (not with --wait=false), while keepalived holds the VIP on the other.
Exit codes: 0 scaled, 1 failure (including not ready in time), 2 invalid spec or flags (e.g. more than 32 workers on nsx-v), 130 interrupted.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const name = args[0] as string | undefined;
        const flags = args[1] as ScaleFlags;
        const waiting = waitOptionsOf(flags);
        if (flags.workers === undefined && flags.controlPlane === undefined)
          throw new UserInputError('scale needs --workers N, --control-plane N or both');
        if (flags.workers !== undefined) {
          if (!/^\d+$/.test(flags.workers))
            throw new UserInputError(`--workers ${flags.workers}: expected a whole number`);
          // named as typed: 99999999999999999999 would print as 100000000000000000000 once a number
          checkWorkerCount(Number(flags.workers), `--workers ${flags.workers}`);
        }
        if (flags.controlPlane !== undefined && !/^[1357]$/.test(flags.controlPlane))
          throw new UserInputError(
            `--control-plane ${flags.controlPlane}: expected 1, 3, 5 or 7 (an odd count keeps an etcd quorum)`,
          );
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        const { workers, controlPlane, ...rest } = flags;
        await app.runScale(
          {
            ...rest,
            ...(name ? { name } : {}),
            ...waiting,
            ...(workers !== undefined ? { workers: Number(workers) } : {}),
            ...(controlPlane !== undefined ? { controlPlane: Number(controlPlane) } : {}),
            yes: Boolean(flags.yes),
            drain: flags.drain,
          },
          hostOf(ctx),
        );
        return ExitCode.ok;
      }),
    );
};
