import { Option } from 'commander';
import { ExitCode } from '../../core/errors';
import type * as Provision from '../../provision';
import { liveTaskView } from '../task-view';
import type { Register } from './index';
import { stateOption } from '../state-option';

interface DeleteFlags {
  yes?: boolean;
  dryRun?: boolean;
  includeUntagged?: boolean;
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
  output: 'text' | 'json';
}

/** `viok delete cluster NAME`: everything tagged with the cluster, children first; needs no local state. */
export const register: Register = (program, act) => {
  const del = program.command('delete').description('delete resources (see: viok delete cluster --help)');
  del
    .command('cluster')
    .argument('<name>', 'the cluster to delete')
    .description(
      'delete every object tagged viok-cluster=<name> (never what you supplied, such as the provider network)',
    )
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--dry-run', 'list what would be deleted; delete nothing')
    .option(
      '--include-untagged',
      'also delete Neutron objects named viok-<name>-… that carry no viok tag (left by a create killed before tagging them)',
    )
    .option(
      '--os-cloud <name>',
      "cloud from clouds.yaml (beats OS_CLOUD and the cloud in the cluster's state)",
    )
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
    .addOption(stateOption())
    .option('--sim', 'run against the embedded simulator (its state persists in the state dir)')
    .addOption(
      new Option('-o, --output <format>', 'text progress on stderr, or a JSON event stream on stdout')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ viok delete cluster demo --sim --yes
  $ viok delete cluster demo --dry-run

Exit codes: 0 deleted (or nothing to delete), 1 failure, 2 usage, 130 interrupted or declined.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const cluster = args[0] as string;
        const flags = args[1] as DeleteFlags;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- provisioning loads only for this command
        const p = require('../../provision') as typeof Provision;
        const json = flags.output === 'json';
        // on a terminal: the live task view, with every other stderr line printed above it
        const view = liveTaskView(ctx, { json, cluster });
        const out = view ? view.output(ctx.out) : ctx.out;
        const e = { env: ctx.env, cwd: ctx.cwd, out, signal: ctx.signal, debug: ctx.debug };
        const progress = p.progressOf(json, out, view);
        const store = p.storeOf(flags, e);
        // no --os-cloud or OS_CLOUD: the cloud the cluster was created in, when its state is here
        const state = await store.read(cluster);
        const session = await p.cloudOf(flags, e, undefined, state);
        try {
          const result = await p.deleteCluster({
            cluster,
            clients: session.clients,
            store,
            progress,
            clock: p.systemClock,
            signal: ctx.signal,
            dryRun: Boolean(flags.dryRun),
            includeUntagged: Boolean(flags.includeUntagged),
            holder: p.defaultHolder(`viok delete cluster ${cluster}`),
            backendClients: await p.connectBackend({
              ...(state ? { state } : {}),
              session,
              env: { ...e, homeDir: p.homeDir(ctx.env), clock: p.systemClock },
            }),
            ...(flags.yes
              ? {}
              : {
                  confirm: (owned) => {
                    const ask = (): Promise<boolean> =>
                      ctx.prompter.confirm(
                        `Delete cluster ${cluster} (${owned.length} objects in ${session.cloudName})?`,
                        { flag: '--yes' },
                      );
                    return view ? view.suspend(ask) : ask();
                  },
                }),
          });
          progress.close?.('done');
          if (flags.dryRun) {
            const lines = result.deleted.map((o) => `- ${o.kind.padEnd(14)} ${o.name} (${o.id})`);
            out.result(
              json
                ? JSON.stringify({ cluster, delete: result.deleted }, null, 2)
                : [...lines, '', `${result.deleted.length} objects would be deleted`].join('\n'),
            );
          } else if (result.deleted.length === 0) {
            out.info(`nothing is tagged viok-cluster=${cluster}: nothing to delete`);
          }
          return ExitCode.ok;
        } finally {
          // after success this does nothing; after an error or Ctrl-C it leaves the view as it stopped
          progress.close?.(ctx.signal.aborted ? 'interrupted' : 'failed');
          await session.close();
        }
      }),
    );
};
