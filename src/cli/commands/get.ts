import type * as AppDescribe from '../../app/describe';
import type * as AppList from '../../app/list-clusters';
import type { CloudOptions } from '../../app/host';
import type { ClusterSummary } from '../../provision/discover';
import type * as Report from '../../report';
import { ExitCode } from '../../core/errors';
import { addListingOptions, type ListingFlags } from '../listing-options';
import { hostOf } from '../run-host';
import { LOOKING, addCloudOptions } from '../cloud-options';
import { stateOption } from '../state-option';
import type { Register } from './index';

/** How long ago, as kubectl prints AGE: 45s, 12m, 5h, 3d. */
export function age(iso: string | undefined, now: number = Date.now()): string | undefined {
  if (!iso) return undefined;
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(s)) return undefined;
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** `viok get clusters` (from the cloud's tags) and `viok get kubeconfig NAME` (from local state). */
export const register: Register = (program, act) => {
  const get = program.command('get').description('show resources (clusters, kubeconfig)');
  const clusters = get
    .command('clusters')
    .description('clusters found in the cloud by their viok-cluster tags');
  addListingOptions(clusters)
    .apply((c) => addCloudOptions(c, LOOKING))
    .addHelpText(
      'after',
      `
Columns: NAME BACKEND CLOUD VERSION NODES READY ENDPOINT AGE; -o wide adds SECURITY-GROUPS NETWORKS
LOCAL-STATE. BACKEND, VERSION and ENDPOINT come from local state ("-" where this machine has none).
Examples:
  $ viok get clusters --sim
  $ viok get clusters -o json
  $ viok get clusters -o value -c name          # one name per line, for scripts`,
    )
    .action(
      act(async (ctx, ...args) => {
        const flags = args[0] as CloudOptions & ListingFlags;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app/list-clusters') as typeof AppList;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
        const report = require('../../report') as typeof Report;
        const rows = await app.runListClusters(flags, hostOf(ctx));
        if (rows.length === 0 && (flags.output === 'table' || flags.output === 'wide'))
          ctx.out.info('no clusters found');
        else
          ctx.out.result(
            report.formatListing<ClusterSummary>(rows, {
              columns: [
                { name: 'NAME', value: (r) => r.name },
                { name: 'BACKEND', value: (r) => r.backend },
                { name: 'CLOUD', value: (r) => r.cloud },
                { name: 'VERSION', value: (r) => r.kubernetesVersion, key: 'kubernetesVersion' },
                { name: 'NODES', value: (r) => r.servers },
                { name: 'READY', value: (r) => `${r.active}/${r.servers}` },
                { name: 'ENDPOINT', value: (r) => r.apiEndpoint, key: 'apiEndpoint' },
                { name: 'AGE', value: (r) => age(r.created) },
                {
                  name: 'SECURITY-GROUPS',
                  value: (r) => r.securityGroups,
                  wide: true,
                  key: 'securityGroups',
                },
                { name: 'NETWORKS', value: (r) => r.networks, wide: true },
                {
                  name: 'LOCAL-STATE',
                  value: (r) => (r.localState ? 'yes' : 'no'),
                  wide: true,
                  key: 'localState',
                },
              ],
              format: flags.output,
              select: flags.column,
              kind: 'cluster',
              name: (r) => r.name,
              document: (all) => ({ clusters: all }),
            }),
          );
        return ExitCode.ok;
      }),
    );

  get
    .command('kubeconfig')
    .argument('<name>', 'the cluster')
    .description(
      "print the cluster's admin kubeconfig (context viok-<name>), or write or merge it; --keystone: its users' kubeconfig",
    )
    .option('--file <file>', 'write it to this file (mode 0600) instead of stdout')
    .option('--merge-kubeconfig', 'merge it into $KUBECONFIG or ~/.kube/config, as kubectl would')
    .option('--force', 'replace an entry or file of the same name that belongs to another cluster')
    .option(
      '--keystone',
      "a kubeconfig for the cluster's users: they sign in with their own Keystone identity (viok auth token), no admin certificate in it",
    )
    .option(
      '--os-cloud <name>',
      "with --keystone: the clouds.yaml cloud its users sign in with (default: the cluster's cloud)",
    )
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
    .addOption(stateOption())
    .option('--sim', 'accepted for symmetry: the kubeconfig comes from local state either way')
    .addHelpText(
      'after',
      `
Examples:
  $ viok get kubeconfig demo > demo.kubeconfig
  $ viok get kubeconfig demo --file demo.kubeconfig
  $ viok get kubeconfig demo --merge-kubeconfig && kubectl config use-context viok-demo
  $ viok get kubeconfig demo --keystone --os-cloud mycloud --file demo-users.kubeconfig`,
    )
    .action(
      act(async (ctx, ...args) => {
        const name = args[0] as string;
        const flags = args[1] as {
          mergeKubeconfig?: boolean;
          file?: string;
          force?: boolean;
          keystone?: boolean;
          osCloud?: string;
          stateDir?: string;
          state?: string;
        };
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app/describe') as typeof AppDescribe;
        const written = await app.runGetKubeconfig(
          {
            name,
            ...(flags.state ? { state: flags.state } : {}),
            ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
            merge: Boolean(flags.mergeKubeconfig),
            ...(flags.file ? { file: flags.file } : {}),
            force: Boolean(flags.force),
            ...(flags.keystone ? { keystone: true } : {}),
            ...(flags.osCloud ? { osCloud: flags.osCloud } : {}),
          },
          hostOf(ctx),
        );
        if (written.file !== '-')
          ctx.out.info(
            `wrote ${written.file} (context ${written.context})${written.previousContext ? `; the current context was ${written.previousContext}` : ''}`,
          );
        return ExitCode.ok;
      }),
    );
};
