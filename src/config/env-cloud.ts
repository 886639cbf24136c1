/**
 * The cloud openstacksdk builds from OS_* variables (named `envvars`, or OS_CLOUD_NAME): every OS_*
 * variable becomes a key, lower-cased without the prefix (OS_PROJECT_NAME -> project_name).
 */

/** Environment variables as read-only strings (process.env in production, a literal in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Variables that select, locate or tune a cloud: alone, they do not define one (openstacksdk's list, plus
 * OS_DEFAULT_DOMAIN, which openstackclient applies to whichever cloud is used).
 */
const SELECTORS = new Set([
  'OS_CLOUD',
  'OS_REGION_NAME',
  'OS_CLIENT_CONFIG_FILE',
  'OS_CLIENT_SECURE_FILE',
  'OS_CLOUD_NAME',
  'OS_DEFAULT_DOMAIN',
]);

/** Test-runner variables that share the prefix but are not cloud settings (skipped by openstacksdk too). */
const FOREIGN_PREFIXES = ['OS_TEST', 'OS_STD', 'OS_LOG'];

/** @default 'envvars' */
export function envCloudName(env: Env): string {
  return env.OS_CLOUD_NAME || 'envvars';
}

/** The cloud's flat config, or undefined when no OS_* variable beyond the selectors is set. */
export function envCloudConfig(env: Env): Record<string, string> | undefined {
  const config: Record<string, string> = {};
  let defining = false;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('OS_') || value === undefined || value === '') continue;
    if (FOREIGN_PREFIXES.some((p) => name.startsWith(p))) continue;
    if (!SELECTORS.has(name)) defining = true;
    // Locating variables are not settings of the cloud itself; the region and default domain are.
    if (name === 'OS_CLOUD' || name === 'OS_CLOUD_NAME' || name.startsWith('OS_CLIENT_')) continue;
    config[name.slice(3).toLowerCase()] = value;
  }
  return defining ? config : undefined;
}

/** The variable a key of the envvars cloud comes from, for messages (`auth.password` -> OS_PASSWORD). */
export function envVarFor(key: string): string {
  return `OS_${key.replace(/^auth\./, '').toUpperCase()}`;
}
