import { Option } from 'commander';
import { ExitCode } from '../../core/errors';
import type * as Provision from '../../provision';
import type { Register } from './index';

interface DeleteFlags {
  yes?: boolean;
  dryRun?: boolean;
  osCloud?: string;
  stateDir?: string;
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
    .option('--os-cloud <name>', 'cloud from clouds.yaml (beats OS_CLOUD)')
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
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
        const e = { env: ctx.env, cwd: ctx.cwd, out: ctx.out, signal: ctx.signal, debug: ctx.debug };
        const json = flags.output === 'json';
        const store = p.storeOf(flags, e);
        const session = await p.cloudOf(flags, e);
        try {
          const result = await p.deleteCluster({
            cluster,
            clients: session.clients,
            store,
            progress: p.progressOf(json, ctx.out),
            clock: p.systemClock,
            signal: ctx.signal,
            dryRun: Boolean(flags.dryRun),
            holder: p.defaultHolder(`viok delete cluster ${cluster}`),
            // nsx-v (H14): the NSX Manager whose Edge holds the cluster's load-balancer objects
            ...(await p.nsxvForDelete(store, cluster, session, { ...e, homeDir: p.homeDir(ctx.env) })),
            // nsx-t (H13): the NSX-T Manager holding the cluster's IP block, pool and marker sections
            ...(await p.nsxtForDelete(store, cluster, session, {
              ...e,
              homeDir: p.homeDir(ctx.env),
              clock: p.systemClock,
            })),
            ...(flags.yes
              ? {}
              : {
                  confirm: (owned) =>
                    ctx.prompter.confirm(
                      `Delete cluster ${cluster} (${owned.length} objects in ${session.cloudName})?`,
                      { flag: '--yes' },
                    ),
                }),
          });
          if (flags.dryRun) {
            const lines = result.deleted.map((o) => `- ${o.kind.padEnd(14)} ${o.name} (${o.id})`);
            ctx.out.result(
              json
                ? JSON.stringify({ cluster, delete: result.deleted }, null, 2)
                : [...lines, '', `${result.deleted.length} objects would be deleted`].join('\n'),
            );
          } else if (result.deleted.length === 0) {
            ctx.out.info(`nothing is tagged viok-cluster=${cluster}: nothing to delete`);
          }
          return ExitCode.ok;
        } finally {
          await session.close();
        }
      }),
    );
};
