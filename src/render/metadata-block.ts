import type { WriteFile } from './cloud-config';
import { kubeadmConfigPath } from './kubeadm';

/**
 * The metadata service (169.254.169.254) serves this node's user data, which holds cluster secrets
 * (CA keys, the service-account key, the bootstrap token). A pod must not reach it.
 *
 * The rule is in the raw table's PREROUTING chain: that chain sees only packets arriving from an
 * interface (pods' veths and bridges, other hosts), never the node's own traffic (OUTPUT), so the
 * node itself (cloud-init, the kubelet) still reaches the metadata service. It is the first thing
 * a pod's packet meets, before FORWARD, where CNI and kube-proxy rules ACCEPT pod traffic ahead of
 * anything inserted later (Flannel's FLANNEL-FWD accepts the whole pod CIDR).
 * What it does not cover: hostNetwork pods (they are the node's own traffic). On nsx-t, NCP's pods
 * are wired to OVS on the pod NIC and their packets never enter the node's IP stack: this rule does
 * not see them. They leave through NSX routers; the metadata proxy serves the Neutron networks, not
 * NCP's pod switches (not yet verified on VIO), and an NSX distributed-firewall rule is the place to
 * block it explicitly there.
 */
export const metadataBlockUnitPath = '/etc/systemd/system/viok-block-metadata.service';
const rule = 'PREROUTING -d 169.254.169.254/32 -j DROP';

export const metadataBlockUnit = `[Unit]
Description=viok: keep pods away from the metadata service (169.254.169.254)
Before=kubelet.service containerd.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'iptables -t raw -C ${rule} 2>/dev/null || iptables -t raw -I ${rule}'

[Install]
WantedBy=multi-user.target
`;

export const metadataBlockFiles: WriteFile[] = [
  { path: metadataBlockUnitPath, content: metadataBlockUnit, permissions: '0644' },
];

/** Enables the unit (every boot) and runs it now, before anything Kubernetes is installed. */
export const metadataBlockRuncmd: string[][] = [
  ['systemctl', 'daemon-reload'],
  ['systemctl', 'enable', '--now', 'viok-block-metadata.service'],
];

/**
 * After a successful `kubeadm init`/`join` (the kubelet's kubeconfig exists), the kubeadm
 * configuration with the bootstrap token is of no further use: removed. A failed run keeps it for
 * diagnosis. The PKI under /etc/kubernetes/pki stays: the control plane runs on it.
 */
export const postBootstrapCleanup: string[] = [
  'sh',
  '-c',
  `if [ -s /etc/kubernetes/kubelet.conf ]; then rm -f ${kubeadmConfigPath}; fi`,
];
