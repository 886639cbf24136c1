import type { RunHost } from '../app/host';
import type { CliContext } from './context';
import { liveTaskView } from './task-view';

/** The terminal as a run's host: its output and prompts, and the live task view where it can draw one. */
export function hostOf(ctx: CliContext): RunHost {
  return {
    out: ctx.out,
    prompter: ctx.prompter,
    env: ctx.env,
    cwd: ctx.cwd,
    signal: ctx.signal,
    debug: ctx.debug,
    liveView: (o) => liveTaskView(ctx, o),
  };
}
