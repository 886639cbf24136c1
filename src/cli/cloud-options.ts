import { Option, type Command } from 'commander';
import { stateOption } from './state-option';

/** The flags `addCloudOptions` and `addProgressOutput` add, as commander parses them. */
export interface CloudFlags {
  osCloud?: string;
  stateDir?: string;
  state?: string;
  sim?: boolean;
  output: 'text' | 'json';
}

/** The help of a command that only reads what is there (get, graph, describe). */
export const LOOKING = {
  cloud: 'cloud from clouds.yaml (beats OS_CLOUD)',
  sim: 'look in the embedded simulator',
} as const;

/** The cloud of a command that finds the cluster by name (delete, describe): its state names the cloud. */
export const CLOUD_FROM_STATE =
  "cloud from clouds.yaml (beats OS_CLOUD and the cloud in the cluster's state)";

/**
 * `--os-cloud`, `--state-dir`, `--state` and `--sim`: where a cluster command finds the cloud and the
 * state, the same on every command. `cloud` and `sim` adjust the help where the command reads differently.
 */
export function addCloudOptions<C extends Command>(
  command: C,
  help: { cloud?: string; sim?: string } = {},
): C {
  return command
    .option('--os-cloud <name>', help.cloud ?? 'cloud from clouds.yaml (beats OS_CLOUD and spec.cloud)')
    .option('--state-dir <dir>', 'where cluster state lives (default $XDG_STATE_HOME/viok)')
    .addOption(stateOption())
    .option('--sim', help.sim ?? 'run against the embedded simulator (its state persists in the state dir)');
}

/** `-o text|json`: progress as lines on stderr, or a JSON event stream on stdout. */
export function addProgressOutput<C extends Command>(command: C): C {
  return command.addOption(
    new Option('-o, --output <format>', 'text progress on stderr, or a JSON event stream on stdout')
      .choices(['text', 'json'])
      .default('text'),
  );
}
