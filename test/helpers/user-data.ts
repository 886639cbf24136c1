/** Reading rendered node user data the way cloud-init writes it. */
import { gunzipSync } from 'node:zlib';
import YAML from 'yaml';

/**
 * A `#cloud-config` with the content of each `gz+b64` file (NCP's bundle, the ingress controller, the install script)
 * appended unpacked, so a search of the text sees what the node will have on disk.
 */
export function withUnpackedFiles(userData: string): string {
  const doc = YAML.parse(userData) as { write_files?: { content?: string; encoding?: string }[] } | null;
  const unpacked = (doc?.write_files ?? [])
    .filter((f) => f.encoding === 'gz+b64')
    .map((f) => gunzipSync(Buffer.from(f.content ?? '', 'base64')).toString('utf8'));
  return [userData, ...unpacked].join('\n');
}
