import path from 'node:path';
import { Option } from 'commander';
import { ExitCode, UserInputError } from '../../core/errors';
import type * as SimModule from '../../sim';
import type { SimConfigInput } from '../../sim/config';
import type { Register } from './index';

interface ServeOptions {
  host: string;
  port: string;
  nsxtPort: string;
  nsxvPort: string;
  state?: string;
  cloudsYaml: string;
  latency?: string;
  buildTime?: string;
  tokenLifetime?: string;
  faults?: string;
  fault503?: string;
  fault500?: string;
  fault429?: string;
  faultReset?: string;
  faultStall?: string;
  stallMs?: string;
  errorServers?: string;
  seed?: string;
  log?: boolean;
}

/** `viok sim serve`: the VIO simulator as a process, until SIGTERM or Ctrl-C. */
export const register: Register = (program, act) => {
  const sim = program
    .command('sim')
    .description('the built-in VIO simulator (Keystone, Neutron, Nova, Glance, NSX-T, NSX-V)');
  sim
    .command('serve')
    .description(
      'run the simulator until SIGTERM/Ctrl-C; writes a clouds.yaml (cloud "viok-sim") and prints a line containing "ready"',
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--port <port>',
      'OpenStack port (Keystone /identity, Neutron /network, Nova /compute, Glance /image); 0 picks a free one',
      '0',
    )
    .option('--nsxt-port <port>', 'NSX-T Manager HTTPS port; 0 picks a free one', '0')
    .option('--nsxv-port <port>', 'NSX-V Manager HTTPS port; 0 picks a free one', '0')
    .option(
      '--state <file>',
      'keep state in this JSON file: loaded at start, saved after every change and on exit',
    )
    .option(
      '--clouds-yaml <file>',
      'clouds.yaml to write the "viok-sim" cloud into (other clouds in it are kept); viok-sim.env and viok-sim-ca.pem go next to it',
      'clouds.yaml',
    )
    .option('--latency <ms>', 'delay added to every API call')
    .option('--build-time <ms>', 'time a server stays in BUILD before ACTIVE (and DELETED before it is gone)')
    .option('--token-lifetime <seconds>', 'Keystone token lifetime')
    .option(
      '--faults <file>',
      'YAML/JSON settings file (latencyMs, serverBuildMs, bootstrapStepMs, tokenLifetimeSeconds, seed, faults: {...}); flags override it',
    )
    .option('--fault-503 <share>', 'share (0..1) of calls answered 503 before acting')
    .option('--fault-500 <share>', 'share of calls answered 500 before acting')
    .option('--fault-429 <share>', 'share of calls answered 429 with Retry-After before acting')
    .option(
      '--fault-reset <share>',
      'share of mutating calls whose connection is reset after the change was made',
    )
    .option('--fault-stall <share>', 'share of calls that stall for --stall-ms before being answered')
    .option('--stall-ms <ms>', 'how long a stalled call stalls')
    .option(
      '--error-servers <names>',
      "comma-separated server names (or prefixes ending in '*') that boot into ERROR",
    )
    .option('--seed <n>', 'seed for every random choice, so a faulty run can be replayed')
    .addOption(new Option('--log', 'print one line per request (method, path, status, ms) on stderr'))
    .addHelpText(
      'after',
      `
Seeded cloud: user admin / password secret, project admin, domain Default, region RegionOne;
application credential "viok-sim" (secret viok-sim-secret); flavors m1.tiny..m1.xlarge; images
ubuntu-22.04 and cirros; keypair viok. NSX-T and NSX-V: user admin / password VMware1!VMware1!,
over HTTPS with a certificate signed by the CA in viok-sim-ca.pem.

Examples:
  $ viok sim serve
  $ viok sim serve --port 5000 --state sim-state.json --clouds-yaml ~/.config/openstack/clouds.yaml
  $ viok sim serve --build-time 5000 --fault-503 0.05 --fault-429 0.05 --seed 42 --log
  $ viok sim serve --faults faults.yaml --error-servers 'broken-*'
  $ openstack --os-cloud viok-sim server list     # from the folder holding clouds.yaml
  $ . ./viok-sim.env && curl --cacert "$VIOK_NSX_CA_FILE" -u "$VIOK_NSXT_USERNAME:$VIOK_NSXT_PASSWORD" "$VIOK_NSXT_URL/api/v1/logical-switches"`,
    )
    .action(
      act(async (ctx, ...args) => {
        const o = args[0] as ServeOptions;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the simulator loads only for this command
        const simulator = require('../../sim') as typeof SimModule;
        const config = simulatorConfig(o, ctx.cwd, simulator.readSimConfigFile);
        const running = await simulator.startSimulator({
          host: o.host,
          port: port(o.port, '--port'),
          nsxtPort: port(o.nsxtPort, '--nsxt-port'),
          nsxvPort: port(o.nsxvPort, '--nsxv-port'),
          config,
          ...(o.state ? { stateFile: path.resolve(ctx.cwd, o.state) } : {}),
          ...(o.log
            ? {
                onRequest: (e) =>
                  ctx.out.info(
                    `${e.method} ${e.path}${e.query ? `?${e.query}` : ''} ${e.status} ${e.durationMs}ms`,
                  ),
              }
            : {}),
        });
        try {
          const files = simulator.writeConnectionFiles(running, path.resolve(ctx.cwd, o.cloudsYaml));
          ctx.out.result(
            [
              `# clouds.yaml (written to ${files.cloudsYaml})`,
              files.cloudEntry.trimEnd(),
              '',
              `# NSX (also in ${files.envFile})`,
              `NSX-T Manager: ${running.urls.nsxt}  user ${simulator.NSXT_SIM_USER}  password ${simulator.NSXT_SIM_PASSWORD}`,
              `NSX-V Manager: ${running.urls.nsxv}  user ${simulator.NSXV_SIM_USER}  password ${simulator.NSXV_SIM_PASSWORD}`,
              `CA certificate: ${files.caFile}`,
              '',
              `viok simulator ready: OpenStack ${running.urls.identity} (cloud ${simulator.SIM_CLOUD_NAME}), NSX-T ${running.urls.nsxt}, NSX-V ${running.urls.nsxv}`,
            ].join('\n'),
          );
          await untilAborted(ctx.signal);
        } finally {
          await running.stop();
        }
        ctx.out.info('viok simulator stopped' + (o.state ? ` (state saved to ${o.state})` : ''));
        return ExitCode.ok;
      }),
    );
};

/** The config from --faults plus the flags, flags winning. */
function simulatorConfig(
  o: ServeOptions,
  cwd: string,
  readFile: (file: string) => SimConfigInput,
): SimConfigInput {
  const config: SimConfigInput = o.faults ? readFile(path.resolve(cwd, o.faults)) : {};
  const faults = { ...(config.faults ?? {}) };
  if (o.latency !== undefined) config.latencyMs = num(o.latency, '--latency');
  if (o.buildTime !== undefined) config.serverBuildMs = num(o.buildTime, '--build-time');
  if (o.tokenLifetime !== undefined) config.tokenLifetimeSeconds = num(o.tokenLifetime, '--token-lifetime');
  if (o.seed !== undefined) config.seed = num(o.seed, '--seed');
  if (o.fault503 !== undefined) faults.error503 = num(o.fault503, '--fault-503');
  if (o.fault500 !== undefined) faults.error500 = num(o.fault500, '--fault-500');
  if (o.fault429 !== undefined) faults.throttle429 = num(o.fault429, '--fault-429');
  if (o.faultReset !== undefined) faults.resetAfterAct = num(o.faultReset, '--fault-reset');
  if (o.faultStall !== undefined) faults.stall = num(o.faultStall, '--fault-stall');
  if (o.stallMs !== undefined) faults.stallMs = num(o.stallMs, '--stall-ms');
  if (o.errorServers !== undefined)
    faults.errorServers = o.errorServers
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  config.faults = faults;
  return config;
}

function num(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new UserInputError(`${flag} must be a number (got '${text}')`);
  return n;
}

function port(text: string, flag: string): number {
  const n = num(text, flag);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UserInputError(`${flag} must be a port number 0..65535 (got '${text}')`);
  return n;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
