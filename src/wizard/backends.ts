import { BACKEND_WIZARDS } from '../provision/backends/wizards';
import type { Backend } from '../spec/types';
import type { BackendWizard, Choice } from './types';

/** One line per backend: what the user gets for CNI, load balancer and network policy. */
export const BACKEND_CHOICES: Choice<Backend>[] = Object.values(BACKEND_WIZARDS).map((w) => w.choice);

export const BACKENDS: Backend[] = BACKEND_CHOICES.map((c) => c.value);

/** The backend's part of the wizard; vds's when no backend is answered yet (a draft spec). */
export function backendWizard(backend: Backend | undefined): BackendWizard {
  return BACKEND_WIZARDS[backend ?? 'vds'];
}
