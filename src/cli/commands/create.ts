import path from 'node:path';
import { Option } from 'commander';
import { ExitCode, UserInputError } from '../../core/errors';
import type * as Provision from '../../provision';
import { liveTaskView } from '../task-view';
import type { Register } from './index';
import { stateOption } from '../state-option';

interface CreateFlags {
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
}

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** `viok create cluster [NAME] -f SPEC`: preflight, plan, apply, wait, kubeconfig. */
export const register: Register = (program, act) => {
  const create = program.command('create').description('create resources (see: viok create cluster --help)');
  create
    .command('cluster')
    .argument('[name]', "cluster name; defaults to the spec's metadata.name")
    .description('create (or finish creating) a cluster from a spec; safe to run again')
    .requiredOption('-f, --file <file>', 'the cluster spec (YAML or JSON)')
    .option('--backend <backend>', "check that the spec's backend is this one (vds, nsx-v, nsx-t)")
    .option('-y, --yes', 'do not ask for confirmation (prompts only happen on a terminal anyway)')
    .option('--dry-run', 'run the preflight checks and print the plan; create nothing')
    .option('--os-cloud <name>', 'cloud from clouds.yaml (beats spec.cloud and OS_CLOUD)')
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
    .addOption(stateOption())
    .option('--sim', 'run against the embedded simulator (its state persists in the state dir)')
    .option(
      '--merge-kubeconfig',
      'merge the kubeconfig into $KUBECONFIG or ~/.kube/config instead of ./<name>.kubeconfig',
    )
    .addOption(
      new Option('-o, --output <format>', 'text progress on stderr, or a JSON event stream on stdout')
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ viok create cluster demo --sim -f examples/vds.yaml
  $ viok create cluster -f cluster.yaml --os-cloud prod --yes -o json
  $ viok create cluster -f cluster.yaml --dry-run

Exit codes: 0 created, 1 failure (cloud error, quota short, server in ERROR twice), 2 invalid spec or flags
or a preflight finding the spec names a missing image/flavor/key pair/network, 130 interrupted.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const nameArg = args[0] as string | undefined;
        const flags = args[1] as CreateFlags;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- provisioning loads only for this command
        const p = require('../../provision') as typeof Provision;
        const spec = p.loadValidSpec(path.resolve(ctx.cwd, flags.file), flags.file);
        const cluster = nameArg ?? spec.metadata.name;
        if (!NAME.test(cluster) || cluster.length > 47)
          throw new UserInputError(`cluster name "${cluster}" must be a DNS label of at most 47 characters`);
        if (flags.backend && flags.backend !== spec.spec.backend) {
          throw new UserInputError(
            `--backend ${flags.backend} does not match the spec's backend ${spec.spec.backend}`,
          );
        }
        const json = flags.output === 'json';
        // on a terminal: the live task view, with every other stderr line printed above it
        const view = liveTaskView(ctx, { json, cluster });
        const out = view ? view.output(ctx.out) : ctx.out;
        const e = { env: ctx.env, cwd: ctx.cwd, out, signal: ctx.signal, debug: ctx.debug };
        const progress = p.progressOf(json, out, view);
        const store = p.storeOf(flags, e, spec.spec);
        const session = await p.cloudOf(flags, e, spec.spec);
        try {
          const result = await p.createCluster({
            spec: { ...spec, metadata: { name: cluster } },
            cluster,
            clients: session.clients,
            cloudName: session.cloudName,
            store,
            progress,
            clock: p.systemClock,
            signal: ctx.signal,
            dryRun: Boolean(flags.dryRun),
            holder: p.defaultHolder(`viok create cluster ${cluster}`),
            backendClients: await p.connectBackend({
              spec: spec.spec,
              session,
              env: { ...e, homeDir: p.homeDir(ctx.env), clock: p.systemClock },
            }),
            ...(ctx.interactive && !flags.yes
              ? {
                  confirm: (plan) => {
                    const ask = (): Promise<boolean> =>
                      ctx.prompter.confirm(
                        `Create ${plan.filter((p) => p.action === '+').length} resources for cluster ${cluster} in ${session.cloudName}?`,
                        { flag: '--yes', default: true },
                      );
                    return view ? view.suspend(ask) : ask();
                  },
                }
              : {}),
          });
          if (flags.dryRun) {
            progress.close?.('done');
            out.result(
              json ? JSON.stringify({ cluster, plan: result.plan }, null, 2) : p.formatPlanTable(result.plan),
            );
            return ExitCode.ok;
          }
          const file = await p.saveKubeconfig(
            p.kubeconfigFromState(result.state, cluster, store.location),
            cluster,
            {
              merge: Boolean(flags.mergeKubeconfig),
              cwd: ctx.cwd,
              env: ctx.env,
              homeDir: p.homeDir(ctx.env),
            },
          );
          progress.emit({
            type: 'summary',
            message: `kubeconfig written to ${file} (context ${cluster})`,
            data: { kubeconfig: file },
          });
          progress.close?.('done');
          if (!json && result.outputs) out.result(p.formatCreateSummary(cluster, result.outputs, file));
          return ExitCode.ok;
        } finally {
          // after success this does nothing; after an error or Ctrl-C it leaves the view as it stopped
          progress.close?.(ctx.signal.aborted ? 'interrupted' : 'failed');
          await session.close();
        }
      }),
    );
};
