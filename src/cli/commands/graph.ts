import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import { ExitCode } from '../../core/errors';
import type * as App from '../../app';
import type * as Report from '../../report';
import { hostOf } from '../run-host';
import { LOOKING, addCloudOptions } from '../cloud-options';
import type { Register } from './index';

type Format = 'mermaid' | 'dot' | 'svg';

/** `viok graph NAME`: the cluster's networks, routers, nodes with their NICs, floating IPs and VIP, drawn. */
export const register: Register = (program, act) => {
  program
    .command('graph')
    .argument('<name>', 'the cluster')
    .description(
      "draw a cluster's topology (networks with CIDRs, routers with SNAT, each node's NICs in order, floating IPs, VIP, NSX Edge) as Mermaid, Graphviz DOT or SVG",
    )
    .addOption(
      new Option('-o, --output <format>', 'mermaid, dot, or svg (svg runs Graphviz dot -Tsvg)')
        .choices(['mermaid', 'dot', 'svg'])
        .default('mermaid'),
    )
    .option('--output-file <file>', 'write the drawing to this file instead of stdout')
    .apply((c) => addCloudOptions(c, LOOKING))
    .addHelpText(
      'after',
      `
Examples:
  $ viok graph demo --sim                          # Mermaid on stdout (paste into a Markdown file)
  $ viok graph demo -o dot | dot -Tpng > demo.png
  $ viok graph demo -o svg --output-file demo.svg  # needs Graphviz (apt-get install graphviz)

NICs are drawn in the order the node boots with them (eth0 first); networks the user supplied are
marked "external network" (a router's gateway) or "provided network".`,
    )
    .action(
      act(async (ctx, ...args) => {
        const cluster = args[0] as string;
        const flags = args[1] as {
          output: Format;
          outputFile?: string;
          osCloud?: string;
          stateDir?: string;
          state?: string;
          sim?: boolean;
        };
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the core loads only for this command
        const app = require('../../app') as typeof App;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
        const g = require('../../report') as typeof Report;
        const topology = await app.runTopology({ ...flags, name: cluster }, hostOf(ctx));
        const drawing =
          flags.output === 'mermaid'
            ? g.topologyToMermaid(topology)
            : flags.output === 'dot'
              ? g.topologyToDot(topology)
              : await g.dotToSvg(g.topologyToDot(topology));
        if (flags.outputFile) {
          const file = path.resolve(ctx.cwd, flags.outputFile);
          writeFileSync(file, drawing);
          ctx.out.info(`wrote ${file}`);
        } else ctx.out.result(drawing.replace(/\n$/, ''));
        return ExitCode.ok;
      }),
    );
};
