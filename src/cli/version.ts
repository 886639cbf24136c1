import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What `viok version` reports. */
export interface VersionInfo {
  version: string;
  /** The git commit the build came from; null when built outside a checkout (or not built). */
  commit: string | null;
  node: string;
  platform: string;
}

/**
 * The version from package.json and the commit `npm run build` recorded in dist/build-info.json
 * (this file runs as dist/cli/version.js, two levels below the package root).
 */
export function versionInfo(): VersionInfo {
  const root = path.join(__dirname, '..', '..');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  let commit: string | null = null;
  try {
    const built = JSON.parse(readFileSync(path.join(__dirname, '..', 'build-info.json'), 'utf8')) as {
      commit?: string | null;
    };
    commit = built.commit ?? null;
  } catch {
    // running from the sources (tests) or a build without build-info: no commit known
  }
  return {
    version: pkg.version,
    commit,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

/** The one-line form, the same as the bin shim's fast `--version` answer. */
export function versionLine(info: VersionInfo = versionInfo()): string {
  return `viok ${info.version} (${info.commit ? `commit ${info.commit}, ` : ''}Node.js ${info.node})`;
}
