import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { UserInputError } from '../core/errors';
import type { CloudToSave } from './types';

/**
 * Adds a cloud typed into the wizard to clouds.yaml (and its password to secure.yaml when asked),
 * keeping what the files hold and their comments; both are written atomically with mode 0600.
 * @returns the files written
 */
export function saveCloud(s: CloudToSave): string[] {
  const c = s.cloud;
  const auth: Record<string, string> = {
    auth_url: c.authUrl,
    username: c.username,
    project_name: c.projectName,
    user_domain_name: c.userDomainName,
    project_domain_name: c.projectDomainName,
  };
  if (s.store === 'clouds-yaml') auth.password = c.password;
  const entry = { auth, ...(c.regionName ? { region_name: c.regionName } : {}), identity_api_version: 3 };
  const written = [updateYaml(s.cloudsFile, ['clouds', c.name], entry)];
  if (s.store === 'secure-yaml') {
    written.push(updateYaml(s.secureFile, ['clouds', c.name, 'auth', 'password'], c.password));
  }
  return written;
}

function updateYaml(file: string, at: string[], value: unknown): string {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new UserInputError(`${file}: cannot add the cloud: ${doc.errors[0]?.message ?? ''}`);
  if (doc.hasIn(at) && at.length === 2) throw new UserInputError(`${file} already defines ${at.join('.')}`);
  doc.setIn(at, value);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, doc.toString(), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return file;
}
