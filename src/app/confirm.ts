import { AbortError } from '../core/errors';
import type { LiveView, RunHost } from './host';

/**
 * Asks before the cloud is changed. `yes` answers for the user; otherwise the prompter asks on a
 * terminal, and off a terminal (or in CI) refuses with an error naming `--yes`: a pipeline never
 * changes a cloud by default.
 */
export async function confirmChange(
  host: RunHost,
  question: string,
  o: { yes?: boolean; view?: LiveView | undefined; declined: string },
): Promise<void> {
  if (o.yes) {
    // say what was agreed to, as a person reading a pipeline's log would want to see it (above a live view)
    (o.view ? o.view.output(host.out) : host.out).info(`${question} yes (auto-confirmed by --yes)`);
    return;
  }
  const ask = (): Promise<boolean> => host.prompter.confirm(question, { flag: '--yes', default: true });
  const answer = o.view ? await o.view.suspend(ask) : await ask();
  if (!answer) throw new AbortError(o.declined);
}
