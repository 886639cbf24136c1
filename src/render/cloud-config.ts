import YAML from 'yaml';
import { InternalError } from '../core/errors';
import type { AptConfig } from './bootstrap';

/** One `write_files` entry (cloud-init cc_write_files). */
export interface WriteFile {
  path: string;
  content: string;
  /** Octal string, e.g. '0600'. */
  permissions: string;
  /** @default 'root:root' */
  owner?: string;
  /** `gz+b64`: content is gzip, then base64 (cloud-init decodes it); for large vendored files. */
  encoding?: 'gz+b64';
}

/** The cloud-config keys viok uses; cloud-init's JSON schema checks the rendered document. */
export interface CloudConfig {
  hostname: string;
  /** Keeps cloud-init from rewriting the hostname on a later boot. */
  preserve_hostname?: boolean;
  /** cloud-init cc_apt_configure: distribution mirrors (spec.bootstrap.aptMirrors). */
  apt?: AptConfig;
  write_files: WriteFile[];
  /** Each entry is an argv list: cloud-init runs it without a shell, so nothing is re-quoted. */
  runcmd: string[][];
}

/**
 * Nova refuses user data over 65,535 bytes once base64-encoded, i.e. 49,149 bytes of text.
 * Checked here so an oversized render fails before any server is created.
 */
export const maxUserDataBytes = Math.floor(65535 / 4) * 3;

/** `#cloud-config` + YAML. Secrets stay in files (write_files, 0600), never in runcmd arguments. */
export function toUserData(config: CloudConfig): string {
  const files = config.write_files.map((f) => ({ ...f, owner: f.owner ?? 'root:root' }));
  const text = `#cloud-config\n${YAML.stringify({ ...config, write_files: files }, { lineWidth: 0 })}`;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxUserDataBytes) {
    throw new InternalError(
      `user data for ${config.hostname} is ${size} bytes; Nova accepts at most ${maxUserDataBytes}`,
    );
  }
  return text;
}
