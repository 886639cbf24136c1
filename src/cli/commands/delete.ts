import { ExitCode } from '../../core/errors';
import type * as App from '../../app';
import { hostOf } from '../run-host';
import { CLOUD_FROM_STATE, addCloudOptions, addProgressOutput, type CloudFlags } from '../cloud-options';
import type { Register } from './index';

interface DeleteFlags extends CloudFlags {
  yes?: boolean;
  dryRun?: boolean;
  includeUntagged?: boolean;
  ignoreNotFound?: boolean;
}

/** `viok delete cluster NAME`: everything tagged with the cluster, children first; needs no local state. */
export const register: Register = (program, act) => {
  const del = program.command('delete').description('delete resources (see: viok delete cluster --help)');
  del
    .command('cluster')
    .argument('<name>', 'the cluster to delete')
    .description(
      'delete every object tagged viok-cluster=<name> (never what you supplied, such as the provider network), then its state and kubeconfig entries',
    )
    .option('-y, --yes', 'delete without asking (required without a terminal or in CI)')
    .option('--dry-run', 'list what would be deleted; delete nothing')
    .option(
      '--include-untagged',
      'also delete Neutron objects named viok-<name>-… that carry no viok tag (left by a create killed before tagging them)',
    )
    .option('--ignore-not-found', 'a cluster that does not exist is not an error (exit 0)')
    .apply((c) =>
      addCloudOptions(c, {
        cloud: CLOUD_FROM_STATE,
      }),
    )
    .apply(addProgressOutput)
    .addHelpText(
      'after',
      `
Examples:
  $ viok delete cluster demo --sim --yes
  $ viok delete cluster demo --dry-run
  $ viok delete cluster demo --yes --ignore-not-found    # in a pipeline's clean-up step

Exit codes: 0 deleted, 1 failure or no such cluster (unless --ignore-not-found), 2 usage, 130 interrupted or declined.`,
    )
    .action(
      act(async (ctx, ...args) => {
        const name = args[0] as string;
        const flags = args[1] as DeleteFlags;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        const result = await app.runDelete(
          {
            ...flags,
            name,
            yes: Boolean(flags.yes),
            dryRun: Boolean(flags.dryRun),
            includeUntagged: Boolean(flags.includeUntagged),
            ignoreNotFound: Boolean(flags.ignoreNotFound),
          },
          hostOf(ctx),
        );
        const json = flags.output === 'json';
        if (result.dryRun) {
          ctx.out.result(
            json
              ? JSON.stringify(
                  { cluster: name, delete: result.deleted, backend: result.backendObjects },
                  null,
                  2,
                )
              : dryRunText(result),
          );
        } else if (result.deleted.length === 0 && !result.backendsOnly) {
          ctx.out.info(`nothing is tagged viok-cluster=${name}: nothing to delete`);
        }
        return ExitCode.ok;
      }),
    );
};

/** A backend's manager as users call it: NSX-T, NSX-V. */
const managerName = (backend: string): string => backend.toUpperCase();

/**
 * A dry run as text: the OpenStack objects, then each backend's own (NSX), `kind name (id)` with NCP's
 * marked `ncp`, then the counts.
 */
function dryRunText(result: App.DeleteRunResult): string {
  const lines = result.deleted.map((o) => `- ${o.kind.padEnd(14)} ${o.name} (${o.id})`);
  const backend = result.backendObjects;
  const backends = [...new Set(backend.map((o) => o.backend))];
  for (const b of backends) {
    lines.push('', `On ${managerName(b)}:`);
    for (const o of backend.filter((x) => x.backend === b))
      lines.push(`- ${(o.owner === 'ncp' ? `ncp ${o.kind}` : o.kind).padEnd(24)} ${o.name} (${o.id})`);
  }
  const total = result.deleted.length + backend.length;
  const where = backends.map((b) => `${backend.filter((o) => o.backend === b).length} on ${managerName(b)}`);
  const split = where.length > 0 ? ` (${result.deleted.length} on OpenStack, ${where.join(', ')})` : '';
  return [...lines, '', `${total} objects would be deleted${split}`].join('\n');
}
