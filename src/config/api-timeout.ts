import { UserInputError } from '../core/errors';

/** The variable openstacksdk reads for clouds.yaml's `api_timeout`: seconds one API request may take. */
export const API_TIMEOUT_ENV = 'OS_API_TIMEOUT';

/** What an api_timeout may be, for messages. */
export const API_TIMEOUT_VALID = 'a number of seconds above 0 and at most 3600 (default 60)';

/** An api_timeout's text in milliseconds, or undefined when it is not a valid one. */
export function parseApiTimeout(text: string): number | undefined {
  const seconds = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || seconds <= 0 || seconds > 3600) return undefined;
  return Math.round(seconds * 1000);
}

/**
 * OS_API_TIMEOUT in milliseconds: the most one OpenStack API request may take, retries included
 * (undefined: the cloud's api_timeout, else the client's default, 60 s). Seconds, as the OpenStack
 * client takes them; fractions allowed.
 */
export function apiTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[API_TIMEOUT_ENV];
  if (text === undefined || text.trim() === '') return undefined;
  const ms = parseApiTimeout(text);
  if (ms === undefined) throw new UserInputError(`${API_TIMEOUT_ENV}="${text}" is not ${API_TIMEOUT_VALID}`);
  return ms;
}
