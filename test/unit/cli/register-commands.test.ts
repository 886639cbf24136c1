import { ViokCommand } from '../../../src/cli/viok-command';
import { commandNames, registerCommands } from '../../../src/cli/commands';
import type { Act } from '../../../src/cli/main';

// start-up: a run registers (and loads) only the command it runs; help, typos and completion see all
describe('registerCommands', () => {
  const act: Act = () => async () => undefined;
  const registered = (...words: string[]): string[] => {
    const program = new ViokCommand('viok');
    registerCommands(program, act, ['node', 'viok', ...words]);
    return program.commands.map((c) => c.name());
  };

  it('registers only the command typed, after any global flags', () => {
    expect(registered('validate', '-f', 'x.yaml')).toEqual(['validate']);
    expect(registered('--debug', '-q', 'get', 'clusters')).toEqual(['get']);
    expect(registered('delete', 'cluster', 'demo')).toEqual(['delete']);
  });

  it('registers every command for help, a typo and completion', () => {
    expect(registered()).toEqual(commandNames);
    expect(registered('--help')).toEqual(commandNames);
    expect(registered('help', 'get')).toEqual(commandNames);
    expect(registered('valdate')).toEqual(commandNames);
    expect(registered('completion', 'bash')).toEqual(commandNames);
    expect(commandNames).toContain('upgrade');
  });
});
