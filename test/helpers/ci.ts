/**
 * The one way tests tell CI from a developer's machine: `CI` set to anything but '', 'false' or '0'
 * (the rule `src/cli/terminal.ts` applies to the CLI). In CI a missing prerequisite is a failure, never a skip.
 */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}
