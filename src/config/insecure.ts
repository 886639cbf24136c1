/**
 * `--insecure`: turn TLS certificate verification off for every connection of a run (OpenStack and
 * NSX). The CLI sets the flag's value in the environment it hands the core, so every connection
 * point (clouds.yaml, spec.nsxt, spec.nsxv, the simulator) sees it without each command passing a
 * new option around; a CI pipeline can set the variable itself for the same effect.
 */

/** The variable `--insecure` sets (and that a user may set instead of the flag). */
export const INSECURE_ENV = 'VIOK_INSECURE';

/** True when `--insecure` was given, or VIOK_INSECURE is set to anything but '', '0' or 'false'. */
export function insecureRequested(env: NodeJS.ProcessEnv): boolean {
  const v = env[INSECURE_ENV];
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/**
 * The one warning wording for verification turned off, whoever turned it off (`--insecure`,
 * `verify: false` in clouds.yaml, `insecure: true` in the spec).
 */
export function tlsOffWarning(what: string, why: string): string {
  return `TLS certificate verification is off for ${what} (${why}): anyone on the network path can impersonate it; use only with a test cloud`;
}
