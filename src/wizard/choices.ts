/** Helpers the wizard's questions share, the backends' own questions included. */
import type { Backend } from '../spec/types';
import type { Choice, NamedItem } from './types';

/** Items by name (what the spec records); the id is kept so a flag may give either. */
export function named(items: NamedItem[]): Choice[] {
  return items.map((i) => ({ value: i.name || i.id, name: i.name || i.id, description: i.id }));
}

export function httpsUrl(v: string): true | string {
  return /^https:\/\/[^\s/]+/.test(v) || 'must be an https:// URL, e.g. https://nsx-manager.example.com';
}

export function envVarName(v: string): true | string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) || 'must be an environment variable name';
}

/** A backend's line in the backend question: its name, then what the user gets, aligned in a column. */
export function backendChoice(value: Backend, gets: string, description: string): Choice<Backend> {
  return { value, name: `${value.padEnd(7)}— ${gets}`, description };
}
