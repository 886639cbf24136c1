/**
 * What a simulated node's kubeadm would take from the user data viok rendered: the cluster CA
 * (`/etc/kubernetes/pki/ca.crt`, on control-plane nodes) and the ClusterConfiguration that `kubeadm
 * init` uploads to kube-system/kubeadm-config.
 */
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { userDataDocument } from '../nova/user-data-document';

interface WriteFile {
  path?: string;
  content?: string;
  encoding?: string;
}

function writeFiles(userDataBase64: string | null): WriteFile[] {
  if (!userDataBase64) return [];
  const doc = userDataDocument(userDataBase64) as { write_files?: unknown } | null;
  return Array.isArray(doc?.write_files) ? (doc.write_files as WriteFile[]) : [];
}

function content(f: WriteFile): string {
  const raw = f.content ?? '';
  if (f.encoding === 'gz+b64') return gunzipSync(Buffer.from(raw, 'base64')).toString('utf8');
  if (f.encoding === 'b64' || f.encoding === 'base64') return Buffer.from(raw, 'base64').toString('utf8');
  return raw;
}

/** The file at `path` in the user data's write_files, if any. */
export function userDataFile(userDataBase64: string | null, path: string): string | undefined {
  const f = writeFiles(userDataBase64).find((w) => w.path === path);
  return f ? content(f) : undefined;
}

/** The cluster CA certificate a control-plane node's kubeadm uses (PEM). */
export function clusterCaPem(userDataBase64: string | null): string | undefined {
  return userDataFile(userDataBase64, '/etc/kubernetes/pki/ca.crt');
}

/** The ClusterConfiguration document of `kubeadm init`'s config file, as kubeadm uploads it. */
export function clusterConfiguration(userDataBase64: string | null): string | undefined {
  const text = userDataFile(userDataBase64, '/etc/kubernetes/viok/kubeadm.yaml');
  if (!text) return undefined;
  for (const doc of parseAllDocuments(text)) {
    const kind = (doc.toJS() as { kind?: unknown } | null)?.kind;
    if (kind === 'ClusterConfiguration') return doc.toString();
  }
  return undefined;
}
