import path from 'node:path';
import { Option } from 'commander';
import { ExitCode, UserInputError } from '../../core/errors';
import type * as Provision from '../../provision';
import { liveTaskView } from '../task-view';
import type { Register } from './index';
import { stateOption } from '../state-option';

interface ScaleFlags {
  file: string;
  workers: string;
  yes?: boolean;
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
  output: 'text' | 'json';
}

/** `viok scale cluster [NAME] -f SPEC --workers N`: removes surplus workers, then creates missing ones. */
export const register: Register = (program, act) => {
  const scale = program.command('scale').description('scale resources (see: viok scale cluster --help)');
  scale
    .command('cluster')
    .argument('[name]', "cluster name; defaults to the spec's metadata.name")
    .description("set a cluster's worker count; the NSX Edge pool (nsx-v) follows")
    .requiredOption('-f, --file <file>', 'the cluster spec the cluster was created from')
    .requiredOption('--workers <count>', 'the number of workers wanted (nsx-v: at most 32)')
    .option('-y, --yes', 'do not ask for confirmation (prompts only happen on a terminal anyway)')
    .option('--os-cloud <name>', 'cloud from clouds.yaml (beats spec.cloud and OS_CLOUD)')
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
  $ viok scale cluster demo --sim -f examples/nsx-v.yaml --workers 10

Workers above the count are deleted (highest numbers first); missing ones are created.
Exit codes: 0 scaled, 1 failure, 2 invalid spec or flags (e.g. more than 32 workers on nsx-v), 130 interrupted.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const nameArg = args[0] as string | undefined;
        const flags = args[1] as ScaleFlags;
        if (!/^\d+$/.test(flags.workers))
          throw new UserInputError(`--workers ${flags.workers}: expected a whole number, 0 or more`);
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- provisioning loads only for this command
        const p = require('../../provision') as typeof Provision;
        const spec = p.loadValidSpec(path.resolve(ctx.cwd, flags.file), flags.file);
        const cluster = nameArg ?? spec.metadata.name;
        const json = flags.output === 'json';
        // on a terminal: the live task view, with every other stderr line printed above it
        const view = liveTaskView(ctx, { json, cluster });
        const out = view ? view.output(ctx.out) : ctx.out;
        const e = { env: ctx.env, cwd: ctx.cwd, out, signal: ctx.signal, debug: ctx.debug };
        const progress = p.progressOf(json, out, view);
        const store = p.storeOf(flags, e, spec.spec);
        // spec.cloud, else (no --os-cloud or OS_CLOUD) the cloud the cluster was created in
        const session = await p.cloudOf(flags, e, spec.spec, await store.read(cluster));
        try {
          const workers = Number(flags.workers);
          const result = await p.scaleCluster({
            spec: { ...spec, metadata: { name: cluster } },
            cluster,
            workers,
            clients: session.clients,
            cloudName: session.cloudName,
            store,
            progress,
            clock: p.systemClock,
            signal: ctx.signal,
            holder: p.defaultHolder(`viok scale cluster ${cluster}`),
            backendClients: await p.connectBackend({
              spec: spec.spec,
              session,
              env: { ...e, homeDir: p.homeDir(ctx.env), clock: p.systemClock },
            }),
            ...(ctx.interactive && !flags.yes
              ? {
                  confirm: () => {
                    const ask = (): Promise<boolean> =>
                      ctx.prompter.confirm(`Scale cluster ${cluster} to ${workers} workers?`, {
                        flag: '--yes',
                        default: true,
                      });
                    return view ? view.suspend(ask) : ask();
                  },
                }
              : {}),
          });
          progress.emit({
            type: 'summary',
            message: `cluster ${cluster} has ${workers} workers (${result.removed.length} removed)`,
          });
          progress.close?.('done');
          return ExitCode.ok;
        } finally {
          // after success this does nothing; after an error or Ctrl-C it leaves the view as it stopped
          progress.close?.(ctx.signal.aborted ? 'interrupted' : 'failed');
          await session.close();
        }
      }),
    );
};
