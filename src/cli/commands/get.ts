import { Option } from 'commander';
import { ExitCode } from '../../core/errors';
import type * as Yaml from 'yaml';
import type * as Provision from '../../provision';
import type { Register } from './index';
import { stateOption } from '../state-option';

interface CloudFlags {
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
}

/** `viok get clusters` (from the cloud's tags) and `viok get kubeconfig NAME` (from local state). */
export const register: Register = (program, act) => {
  const get = program.command('get').description('show resources (clusters, kubeconfig)');
  get
    .command('clusters')
    .description('clusters found in the cloud by their viok-cluster tags')
    .addOption(
      new Option('-o, --output <format>', 'table, json or yaml')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .option('--os-cloud <name>', 'cloud from clouds.yaml (beats OS_CLOUD)')
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
    .addOption(stateOption())
    .option('--sim', 'look in the embedded simulator')
    .addHelpText('after', '\nExamples:\n  $ viok get clusters --sim\n  $ viok get clusters -o json')
    .action(
      act(async (ctx, ...args) => {
        const flags = args[0] as CloudFlags & { output: 'table' | 'json' | 'yaml' };
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- provisioning loads only for this command
        const p = require('../../provision') as typeof Provision;
        const e = { env: ctx.env, cwd: ctx.cwd, out: ctx.out, signal: ctx.signal, debug: ctx.debug };
        const session = await p.cloudOf(flags, e);
        try {
          const rows = await p.listClusters(session.clients, await p.storeOf(flags, e).list(), ctx.signal);
          if (flags.output === 'json') ctx.out.result(JSON.stringify({ clusters: rows }, null, 2));
          else if (flags.output === 'yaml') {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
            ctx.out.result((require('yaml') as typeof Yaml).stringify({ clusters: rows }));
          } else if (rows.length === 0) ctx.out.info(`no clusters in ${session.cloudName}`);
          else {
            const w = Math.max(4, ...rows.map((r) => r.name.length));
            ctx.out.result(
              [
                `${'NAME'.padEnd(w)}  SERVERS  ACTIVE  SECURITY-GROUPS  NETWORKS  LOCAL-STATE`,
                ...rows.map(
                  (r) =>
                    `${r.name.padEnd(w)}  ${String(r.servers).padEnd(7)}  ${String(r.active).padEnd(6)}  ${String(r.securityGroups).padEnd(15)}  ${String(r.networks).padEnd(8)}  ${r.localState ? 'yes' : 'no'}`,
                ),
              ].join('\n'),
            );
          }
          return ExitCode.ok;
        } finally {
          await session.close();
        }
      }),
    );

  get
    .command('kubeconfig')
    .argument('<name>', 'the cluster')
    .description(
      "write the cluster's admin kubeconfig (0600) to ./<name>.kubeconfig, or merge it into your kubeconfig",
    )
    .option(
      '--merge-kubeconfig',
      'merge into $KUBECONFIG or ~/.kube/config, with a context named after the cluster',
    )
    .option('--file <file>', 'write to this file instead of ./<name>.kubeconfig')
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
    .addOption(stateOption())
    .option('--sim', 'accepted for symmetry: the kubeconfig comes from local state either way')
    .addHelpText(
      'after',
      '\nExamples:\n  $ viok get kubeconfig demo --sim\n  $ viok get kubeconfig demo --merge-kubeconfig && kubectl config use-context demo',
    )
    .action(
      act(async (ctx, ...args) => {
        const cluster = args[0] as string;
        const flags = args[1] as {
          mergeKubeconfig?: boolean;
          file?: string;
          stateDir?: string;
          state?: string;
        };
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- provisioning loads only for this command
        const p = require('../../provision') as typeof Provision;
        const e = { env: ctx.env, cwd: ctx.cwd, out: ctx.out, signal: ctx.signal, debug: ctx.debug };
        const store = p.storeOf(flags, e);
        const config = p.kubeconfigFromState(await store.read(cluster), cluster, store.location);
        const file = await p.saveKubeconfig(config, cluster, {
          merge: Boolean(flags.mergeKubeconfig),
          cwd: ctx.cwd,
          env: ctx.env,
          homeDir: p.homeDir(ctx.env),
          ...(flags.file ? { file: flags.file } : {}),
        });
        ctx.out.result(file);
        return ExitCode.ok;
      }),
    );
};
