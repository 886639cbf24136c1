import path from 'node:path';
import { Option } from 'commander';
import { ExitCode } from '../../core/errors';
import { silentProgress } from '../../core/progress';
import type * as Provision from '../../provision';
import type { Register } from './index';
import { stateOption } from '../state-option';

interface PlanFlags {
  file: string;
  output: 'table' | 'json';
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
}

/** `viok plan -f SPEC`: the preflight checks and the resources a create would make, against what exists. */
export const register: Register = (program, act) => {
  program
    .command('plan')
    .description(
      "what `viok create cluster` would do: '+' to create, '=' exists already (nothing is changed)",
    )
    .requiredOption('-f, --file <file>', 'the cluster spec (YAML or JSON)')
    .addOption(
      new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'),
    )
    .option('--os-cloud <name>', 'cloud from clouds.yaml (beats spec.cloud and OS_CLOUD)')
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
    .addOption(stateOption())
    .option('--sim', 'plan against the embedded simulator')
    .addHelpText(
      'after',
      `
Examples:
  $ viok plan -f examples/vds.yaml --sim
  $ viok plan -f cluster.yaml -o json | jq '[.plan[] | select(.action == "+")] | length'

Exit codes: 0 planned, 1 failure (cloud error, quota short), 2 invalid spec or missing image/flavor/network.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const flags = args[0] as PlanFlags;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- provisioning loads only for this command
        const p = require('../../provision') as typeof Provision;
        const spec = p.loadValidSpec(path.resolve(ctx.cwd, flags.file), flags.file);
        const e = { env: ctx.env, cwd: ctx.cwd, out: ctx.out, signal: ctx.signal, debug: ctx.debug };
        const session = await p.cloudOf(flags, e, spec.spec);
        try {
          const { plan } = await p.planCluster({
            spec,
            cluster: spec.metadata.name,
            clients: session.clients,
            cloudName: session.cloudName,
            store: p.storeOf(flags, e, spec.spec),
            progress: silentProgress,
            clock: p.systemClock,
            signal: ctx.signal,
            backendClients: await p.connectBackend({
              spec: spec.spec,
              session,
              env: { ...e, homeDir: p.homeDir(ctx.env), clock: p.systemClock },
            }),
          });
          ctx.out.result(
            flags.output === 'json'
              ? JSON.stringify({ cluster: spec.metadata.name, cloud: session.cloudName, plan }, null, 2)
              : p.formatPlanTable(plan),
          );
          return ExitCode.ok;
        } finally {
          await session.close();
        }
      }),
    );
};
