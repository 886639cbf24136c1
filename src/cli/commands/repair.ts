import type * as App from '../../app';
import { ExitCode } from '../../core/errors';
import { hostOf } from '../run-host';
import { addCloudOptions, addProgressOutput } from '../cloud-options';
import { addWaitOptions, parseDuration, waitOptionsOf, type WaitFlags } from '../wait-options';
import type { Register } from './index';

interface RepairFlags extends WaitFlags {
  file: string;
  yes?: boolean;
  dryRun?: boolean;
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
  output: 'text' | 'json';
  notReadyTimeout: string;
}

/** `viok repair cluster [NAME] -f SPEC`: replaces nodes whose server is gone or in ERROR, or NotReady too long. */
export const register: Register = (program, act) => {
  const repair = program.command('repair').description('fix a cluster (see: viok repair cluster --help)');
  repair
    .command('cluster')
    .argument('[name]', "cluster name; defaults to the spec's metadata.name")
    .description('replace the nodes whose server is gone or in ERROR, or whose Node is NotReady too long')
    .requiredOption('-f, --file <file>', 'the cluster spec the cluster was created from')
    .option('--dry-run', 'list the nodes it would replace, and why; change nothing')
    .option(
      '--not-ready-timeout <duration>',
      'replace a node whose Node has been NotReady this long, its server running (e.g. 90s, 10m)',
      '5m',
    )
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
  $ viok repair cluster demo -f cluster.yaml --dry-run
  $ viok repair cluster demo -f cluster.yaml --yes

A node is replaced when its server was deleted out of band or is in ERROR: the server in ERROR is
deleted (its ports stay, so the new server keeps the addresses), the node's Node object is deleted,
and the server is created again with a fresh join token; then repair waits, like create, until every
node is Ready (--wait=false, --timeout DURATION). A control-plane node's etcd member is removed
first, through a healthy control-plane node (a pod running etcdctl there), and the new node joins
with kubeadm join --control-plane (cp-1 too); the only node of a one-node control plane is
reported, not replaced (its etcd is the whole cluster). A node whose Node has been NotReady for
--not-ready-timeout (its server running) is replaced the same way: the server is deleted and made
again on the same ports.
Without an answer from the API server, only servers are checked.
Exit codes: 0 repaired or nothing to repair, 1 failure, 2 invalid spec or flags, 130 interrupted.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const name = args[0] as string | undefined;
        const flags = args[1] as RepairFlags;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        await app.runRepair(
          {
            ...flags,
            ...(name ? { name } : {}),
            ...waitOptionsOf(flags),
            notReadyAfterMs: parseDuration(flags.notReadyTimeout, '--not-ready-timeout'),
            yes: Boolean(flags.yes),
            dryRun: Boolean(flags.dryRun),
          },
          hostOf(ctx),
        );
        return ExitCode.ok;
      }),
    );
};
