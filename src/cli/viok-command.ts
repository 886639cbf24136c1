import { Command } from 'commander';

/**
 * commander's Command with `apply`, so that option sets shared by several commands (cloud, state,
 * listing formats) are added inside one chain: `.apply(addCloudOptions)`. Subcommands are of this
 * class too (commander's documented `createCommand` override).
 */
export class ViokCommand extends Command {
  override createCommand(name?: string): ViokCommand {
    return new ViokCommand(name);
  }

  /** Runs `configure` on this command and returns it, to keep a chain going. */
  apply(configure: (command: this) => unknown): this {
    configure(this);
    return this;
  }
}
