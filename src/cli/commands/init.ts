import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Option } from 'commander';
import { AbortError, ExitCode, UserInputError } from '../../core/errors';
import type { CliContext } from '../context';
import type * as Wizard from '../../wizard';
import type { InitAnswers, WizardConnectors, WizardPrompts } from '../../wizard';
import { BACKENDS } from '../../wizard/backends';
import type * as Config from '../../config';
import type * as OpenStack from '../../clients/openstack';
import type * as Provision from '../../provision';
import type { Register } from './index';

/** Flags as commander parses them (strings; the answers are converted and checked below). */
type InitFlags = Record<string, string | boolean | undefined> & {
  output: string;
  sim?: boolean;
  stateDir?: string;
  force?: boolean;
  yes?: boolean;
  plan?: boolean;
};

/** Flags that carry an answer: [flag definition, help, key in the answers, kind]. */
const ANSWER_FLAGS: Array<[string, string, keyof InitAnswers, 'text' | 'int' | 'list']> = [
  ['--os-cloud <name>', 'cloud from clouds.yaml (as for the openstack client)', 'cloud', 'text'],
  ['--name <name>', 'cluster name (a DNS label)', 'name', 'text'],
  ['--kubernetes-version <version>', 'Kubernetes version (default 1.31.4)', 'kubernetesVersion', 'text'],
  ['--image <name>', 'Glance image for every node', 'image', 'text'],
  ['--key-name <name>', 'Nova key pair', 'keyName', 'text'],
  [
    '--availability-zone <zone>',
    "availability zone ('' for the cloud's default)",
    'availabilityZone',
    'text',
  ],
  ['--control-plane-count <n>', 'control-plane nodes (default 3)', 'controlPlaneCount', 'int'],
  ['--flavor <name>', 'control-plane flavor (and the default for the others)', 'flavor', 'text'],
  ['--workers <n>', 'worker nodes (default 3)', 'workers', 'int'],
  ['--worker-flavor <name>', 'worker flavor (default: --flavor)', 'workerFlavor', 'text'],
  ['--lb-flavor <name>', 'HAProxy node flavor, vds and nsx-t (default: --flavor)', 'lbFlavor', 'text'],
  ['--lb-static-ip <ip>', 'static API load-balancer IP, vds and nsx-v', 'lbStaticIp', 'text'],
  ['--provider-network <name>', 'vds: provider network of the nodes', 'providerNetwork', 'text'],
  ['--external-network <name>', 'nsx-v and nsx-t: external network of the router', 'externalNetwork', 'text'],
  ['--internal-cidr <cidr>', 'nsx-v: node network (default 10.0.0.0/24)', 'internalCidr', 'text'],
  ['--mgmt-cidr <cidr>', 'nsx-t: management network (default 10.10.0.0/24)', 'mgmtCidr', 'text'],
  ['--api-cidr <cidr>', 'nsx-t: Kubernetes API network (default 10.20.0.0/24)', 'apiCidr', 'text'],
  ['--pod-network-cidr <cidr>', 'nsx-t: NCP pod network (default 10.30.0.0/24)', 'podNetworkCidr', 'text'],
  ['--pod-cidr <cidr>', 'vds and nsx-v: Flannel pod range (default 10.244.0.0/16)', 'podCidr', 'text'],
  ['--service-cidr <cidr>', 'Service range (default 10.96.0.0/12)', 'serviceCidr', 'text'],
  ['--dns <ips>', 'DNS servers, comma-separated', 'dnsServers', 'list'],
  ['--ssh-allowed-cidr <cidrs>', 'SSH sources, comma-separated', 'sshAllowedCidrs', 'list'],
  ['--api-allowed-cidr <cidrs>', 'Kubernetes API sources, comma-separated', 'apiAllowedCidrs', 'list'],
  ['--nsxt-manager <url>', 'nsx-t: NSX-T Manager URL (default $VIOK_NSXT_URL)', 'nsxtManager', 'text'],
  ['--nsxt-username <user>', 'nsx-t: NSX-T user (default admin)', 'nsxtUsername', 'text'],
  [
    '--nsxt-password-env <var>',
    'nsx-t: variable holding the NSX-T password (default VIOK_NSXT_PASSWORD)',
    'nsxtPasswordEnv',
    'text',
  ],
  [
    '--nsxt-ca-file <file>',
    'nsx-t: CA of the manager certificate (default $VIOK_NSX_CA_FILE)',
    'nsxtCaFile',
    'text',
  ],
  ['--tier0-router <name>', 'nsx-t: tier-0 router', 'tier0Router', 'text'],
  ['--overlay-tz <name>', 'nsx-t: overlay transport zone', 'overlayTransportZone', 'text'],
  ['--pod-ip-block <cidr>', 'nsx-t: NCP pod IP block (default 172.16.0.0/16)', 'podIpBlock', 'text'],
  ['--external-ip-pool <cidr>', 'nsx-t: external IP pool (routable)', 'externalIpPool', 'text'],
  [
    '--ncp-image <ref>',
    'nsx-t: NCP image in your registry (from the NSX Container Plugin download)',
    'ncpImage',
    'text',
  ],
  ['--nsxv-manager <url>', 'nsx-v: NSX Manager URL (default $VIOK_NSXV_URL)', 'nsxvManager', 'text'],
  ['--nsxv-username <user>', 'nsx-v: NSX user (default admin)', 'nsxvUsername', 'text'],
  [
    '--nsxv-password-env <var>',
    'nsx-v: variable holding the NSX password (default VIOK_NSXV_PASSWORD)',
    'nsxvPasswordEnv',
    'text',
  ],
  [
    '--nsxv-ca-file <file>',
    'nsx-v: CA of the manager certificate (default $VIOK_NSX_CA_FILE)',
    'nsxvCaFile',
    'text',
  ],
];

/** `viok init`: a wizard that writes a valid spec; every answer is also a flag, for scripts. */
export const register: Register = (program, act) => {
  const command = program
    .command('init')
    .description('write a cluster spec by answering questions (choices are read live from the cloud)')
    .option('-o, --output <file>', 'where to write the spec', 'cluster.yaml')
    .addOption(new Option('--backend <backend>', 'networking backend').choices(BACKENDS));
  for (const [flag, help] of ANSWER_FLAGS) command.option(flag, help);
  // the wizard's first spelling, kept working for scripts written against it
  command.addOption(new Option('--cloud <name>', 'same as --os-cloud').hideHelp());
  command
    .option('--network-policy', 'nsx-t: enforce NetworkPolicy (the default for nsx-t)')
    .option('--no-network-policy', 'nsx-t: do not enforce NetworkPolicy')
    .option('--nsxt-insecure', 'nsx-t: skip TLS verification of the NSX-T Manager')
    .option('--nsxv-insecure', 'nsx-v: skip TLS verification of the NSX Manager')
    .option('-y, --yes', 'take the defaults without asking, and write without a last confirmation')
    .option('--force', 'overwrite the output file if it exists')
    .option('--plan', 'run `viok plan` on the spec once it is written')
    .option(
      '--sim',
      'read the choices from the embedded simulator (the cloud every --sim command uses); the spec names no cloud',
    )
    .option('--state-dir <dir>', 'with --sim: where the simulated cloud lives (default $XDG_STATE_HOME/viok)')
    .addHelpText(
      'after',
      `
Without a terminal (or with CI set) nothing is asked: every answer without a default must be a flag,
and a missing one is an error naming it. Credentials never go into the spec.

Examples:
  $ viok init
  $ viok init -o demo.yaml --os-cloud vio --backend vds --name demo --image ubuntu-22.04 --key-name viok \\
      --flavor m1.medium --workers 5 --provider-network provider --yes

Exit codes: 0 written, 1 cloud failure, 2 missing or invalid answer, 130 interrupted (nothing written).`,
    )
    .action(
      act(async (ctx, ...args) => {
        const flags = args[0] as InitFlags;
        return runInit(ctx, flags);
      }),
    );
};

async function runInit(ctx: CliContext, flags: InitFlags): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the wizard, clients and yaml load only for init
  const wizard = require('../../wizard') as typeof Wizard;
  const interactive = ctx.interactive && Boolean(process.stdin.isTTY);
  const output = path.resolve(ctx.cwd, flags.output);
  if (fs.existsSync(output) && !flags.force) {
    if (!interactive) throw new UserInputError(`${flags.output} exists; pass --force to overwrite it`);
    const prompts = await inquirerPrompts(ctx.signal);
    const overwrite = await prompts.confirm({
      message: `${flags.output} exists. Overwrite it?`,
      default: false,
    });
    if (!overwrite) throw new AbortError(`nothing written: ${flags.output} exists`);
  }

  const sim = flags.sim ? await simConnectors(ctx, flags) : undefined;
  let result: Wizard.WizardResult;
  try {
    result = await wizard.runWizard({
      answers: answersOf(flags),
      interactive,
      yes: Boolean(flags.yes),
      prompts: interactive ? await inquirerPrompts(ctx.signal) : refusingPrompts,
      connectors: sim?.connectors ?? connectors(ctx),
      out: ctx.out,
      signal: ctx.signal,
    });
  } finally {
    await sim?.close();
  }
  // --sim: the spec names no cloud, so the same file works with --sim and, later, with OS_CLOUD
  if (flags.sim) delete result.spec.spec.cloud;

  // written only now, in one rename: Ctrl-C at any question leaves nothing behind
  const tmp = `${output}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, wizard.renderSpec(result.spec, output));
  fs.renameSync(tmp, output);
  ctx.out.info(`Wrote ${flags.output}`);
  if (result.cloudToSave) {
    for (const f of wizard.saveCloud(result.cloudToSave))
      ctx.out.info(`Saved cloud ${result.cloudToSave.cloud.name} to ${f} (mode 0600)`);
  }

  const planCommand = `viok plan -f ${flags.output}${flags.sim ? ' --sim' : ''}`;
  let runPlan = Boolean(flags.plan);
  if (!runPlan && interactive && !flags.yes) {
    runPlan = await (
      await inquirerPrompts(ctx.signal)
    ).confirm({ message: `Run \`${planCommand}\` now?`, default: true });
  }
  if (!runPlan) {
    ctx.out.info(`Next: ${planCommand}`);
    return ExitCode.ok;
  }
  // the same viok, as its own process: plan prints, waits and exits on its own terms
  const viok = process.argv[1];
  if (!viok) return ExitCode.ok;
  const planArgs = ['plan', '-f', output, ...(flags.sim ? ['--sim'] : [])];
  if (flags.sim && flags.stateDir) planArgs.push('--state-dir', flags.stateDir);
  const r = spawnSync(process.execPath, [viok, ...planArgs], {
    stdio: 'inherit',
    // what the user typed for the spec's references (the NSX password) reaches plan, never a file
    env: { ...ctx.env, ...result.env },
    cwd: ctx.cwd,
  });
  return r.status ?? ExitCode.failure;
}

function answersOf(flags: InitFlags): InitAnswers {
  const answers: Record<string, unknown> = {};
  for (const [flag, , key, kind] of ANSWER_FLAGS) {
    const option = flag
      .replace(/^--/, '')
      .replace(/ .*$/, '')
      .replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const value = flags[option];
    if (typeof value !== 'string') continue;
    if (kind === 'int') {
      const n = Number(value);
      if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
        throw new UserInputError(`${flag.replace(/ .*$/, '')} must be a whole number (got '${value}')`);
      answers[key] = n;
    } else if (kind === 'list') {
      answers[key] = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    } else {
      answers[key] = value;
    }
  }
  if (typeof flags.cloud === 'string' && answers.cloud === undefined) answers.cloud = flags.cloud;
  if (typeof flags.backend === 'string') answers.backend = flags.backend;
  if (typeof flags.networkPolicy === 'boolean') answers.networkPolicy = flags.networkPolicy;
  if (flags.nsxtInsecure === true) answers.nsxtInsecure = true;
  if (flags.nsxvInsecure === true) answers.nsxvInsecure = true;
  return answers as InitAnswers;
}

function connectors(ctx: CliContext): WizardConnectors {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  const config = require('../../config') as typeof Config;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  const openstack = require('../../clients/openstack') as typeof OpenStack;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  const wizard = require('../../wizard') as typeof Wizard;
  const homeDir = ctx.env.HOME && path.isAbsolute(ctx.env.HOME) ? ctx.env.HOME : os.homedir();
  const sources = { env: ctx.env, homeDir, cwd: ctx.cwd };
  const found = config.loadCloudsConfig(sources);
  const configDir = ctx.env.XDG_CONFIG_HOME
    ? path.join(ctx.env.XDG_CONFIG_HOME, 'openstack')
    : path.join(homeDir, '.config', 'openstack');
  const cloudsFile = found.configFile ?? path.join(configDir, 'clouds.yaml');
  const log = ctx.debug ? { log: (line: string) => ctx.out.debug(line) } : {};
  return {
    cloudNames: found.cloudNames,
    cloudsFile,
    secureFile: found.secureFile ?? path.join(path.dirname(cloudsFile), 'secure.yaml'),
    env: (name) => ctx.env[name],
    openCloud: async (target) => {
      const cloud =
        'name' in target
          ? config.resolveCloud({ ...sources, cloudName: target.name, cloudNameFrom: '--os-cloud' })
          : wizard.resolvedNewCloud(target.newCloud);
      for (const w of cloud.warnings) ctx.out.warn(w);
      return wizard.liveCloudInventory(await openstack.connectOpenStack(cloud, log));
    },
    openNsxt: async (connection) => wizard.liveNsxtInventory(connection, log.log),
  };
}

/**
 * `viok init --sim`: the choices come from the embedded simulator (its state in the state dir, locked
 * while the wizard runs), NSX-T's from the simulator's NSX-T Manager. The NSX answers default to the
 * placeholders the examples use: with --sim every command talks to the simulator's managers anyway.
 */
async function simConnectors(
  ctx: CliContext,
  flags: InitFlags,
): Promise<{ connectors: WizardConnectors; close: () => Promise<void> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  const p = require('../../provision') as typeof Provision;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
  const wizard = require('../../wizard') as typeof Wizard;
  const homeDir = p.homeDir(ctx.env);
  const e = { env: ctx.env, cwd: ctx.cwd, out: ctx.out, signal: ctx.signal, debug: ctx.debug };
  const session = await p.openCloud({
    sim: true,
    stateDir: p.stateDirOf(flags.stateDir ? { stateDir: flags.stateDir } : {}, e),
    env: ctx.env,
    cwd: ctx.cwd,
    homeDir,
  });
  const nsxt = session.simNsx?.nsxt;
  const simEnv: Record<string, string | undefined> = {
    VIOK_NSXT_URL: 'https://nsxt-manager.example.com',
    VIOK_NSXV_URL: 'https://nsxv-manager.example.com',
    VIOK_NSXT_PASSWORD: nsxt?.password,
    VIOK_NSXV_PASSWORD: session.simNsx?.nsxv.password,
  };
  return {
    connectors: {
      cloudNames: [session.cloudName],
      cloudsFile: path.join(homeDir, '.config', 'openstack', 'clouds.yaml'),
      secureFile: path.join(homeDir, '.config', 'openstack', 'secure.yaml'),
      env: (name) => simEnv[name] ?? ctx.env[name],
      openCloud: async () => wizard.liveCloudInventory(session.clients),
      openNsxt: async () => {
        if (!nsxt) throw new UserInputError('the simulator has no NSX-T Manager');
        return wizard.liveNsxtInventory(
          {
            manager: nsxt.url,
            username: nsxt.username,
            password: nsxt.password,
            caFile: nsxt.caPem,
            insecure: false,
          },
          ctx.debug ? (line) => ctx.out.debug(line) : undefined,
        );
      },
    },
    close: () => session.close(),
  };
}

/** Without a terminal nothing may be asked; the wizard names the flag before it would get here. */
const refusingPrompts: WizardPrompts = {
  select: () => Promise.reject(new UserInputError('cannot ask without a terminal')),
  input: () => Promise.reject(new UserInputError('cannot ask without a terminal')),
  number: () => Promise.reject(new UserInputError('cannot ask without a terminal')),
  confirm: () => Promise.reject(new UserInputError('cannot ask without a terminal')),
  password: () => Promise.reject(new UserInputError('cannot ask without a terminal')),
};

/** @inquirer/prompts behind the wizard's prompt seam; Ctrl-C (or the run's abort) becomes an AbortError. */
async function inquirerPrompts(signal: AbortSignal): Promise<WizardPrompts> {
  const inquirer = await import('@inquirer/prompts');
  const context = { signal };
  const cancelled = <T>(p: Promise<T>): Promise<T> =>
    p.catch((e: unknown) => {
      if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError'))
        throw new AbortError('interrupted: nothing written');
      throw e;
    });
  return {
    select: (q) =>
      cancelled(
        inquirer.select(
          {
            message: q.message,
            choices: q.choices.map((c) => ({
              value: c.value,
              name: c.name,
              // the answer line shows the value, not the whole one-line explanation
              // (internal values such as "another cloud" start with NUL: those show their name)
              short: c.value.startsWith('\u0000') ? c.name : c.value,
              ...(c.description ? { description: c.description } : {}),
            })),
            ...(q.default !== undefined ? { default: q.default } : {}),
            pageSize: 12,
          },
          context,
        ),
      ),
    input: (q) =>
      cancelled(
        inquirer.input(
          {
            message: q.message,
            ...(q.default !== undefined ? { default: q.default } : {}),
            ...(q.validate ? { validate: q.validate } : {}),
          },
          context,
        ),
      ),
    number: async (q) => {
      const validate = q.validate;
      const n = await cancelled(
        inquirer.number(
          {
            message: q.message,
            required: true,
            ...(q.default !== undefined ? { default: q.default } : {}),
            ...(validate
              ? {
                  validate: (v: number | undefined) =>
                    v === undefined ? 'a number is required' : validate(v),
                }
              : {}),
          },
          context,
        ),
      );
      if (n === undefined) throw new UserInputError(`${q.message}: a number is required`);
      return n;
    },
    confirm: (q) =>
      cancelled(
        inquirer.confirm(
          { message: q.message, ...(q.default !== undefined ? { default: q.default } : {}) },
          context,
        ),
      ),
    password: (q) => cancelled(inquirer.password({ message: q.message, mask: '*' }, context)),
  };
}
