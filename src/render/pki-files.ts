import type { ClusterPki } from '../pki';
import type { WriteFile } from './cloud-config';

const pkiDir = '/etc/kubernetes/pki';

/**
 * The files kubeadm looks for before generating its own: with these present, `kubeadm init` and
 * `kubeadm join --control-plane` use viok's CAs and service-account keys, so every control-plane
 * node shares them and the join hash viok computed is right. Keys 0600, certificates 0644, as
 * kubeadm writes them. Workers get none of this.
 */
export function controlPlanePkiFiles(pki: ClusterPki): WriteFile[] {
  const cert = (path: string, content: string): WriteFile => ({ path, content, permissions: '0644' });
  const key = (path: string, content: string): WriteFile => ({ path, content, permissions: '0600' });
  return [
    cert(`${pkiDir}/ca.crt`, pki.ca.certPem),
    key(`${pkiDir}/ca.key`, pki.ca.keyPem),
    cert(`${pkiDir}/front-proxy-ca.crt`, pki.frontProxyCa.certPem),
    key(`${pkiDir}/front-proxy-ca.key`, pki.frontProxyCa.keyPem),
    cert(`${pkiDir}/etcd/ca.crt`, pki.etcdCa.certPem),
    key(`${pkiDir}/etcd/ca.key`, pki.etcdCa.keyPem),
    key(`${pkiDir}/sa.key`, pki.serviceAccount.privateKeyPem),
    // kubeadm writes sa.pub 0600 too; nothing else needs to read it.
    key(`${pkiDir}/sa.pub`, pki.serviceAccount.publicKeyPem),
  ];
}
