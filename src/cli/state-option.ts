import { Option } from 'commander';

/**
 * `--state <location>`, shared by every command that reads or writes cluster state. It names the same
 * setting as the older `--state-dir`, so the two cannot be combined.
 */
export function stateOption(): Option {
  return new Option(
    '--state <location>',
    'where cluster state lives: a directory, or etcd://host:port[,host:port]/prefix (etcds:// for TLS);' +
      ' beats VIOK_STATE and spec.state (default $XDG_STATE_HOME/viok)',
  ).conflicts('stateDir');
}
