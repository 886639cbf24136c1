#!/bin/bash
# Rendered by viok: installs containerd and kubelet/kubeadm/kubectl {{ packageVersion }} from
# pkgs.k8s.io ({{ kubernetesMinor }} repository) and prepares the kernel for Kubernetes.
# No shell tracing: nothing here is secret today, but the files beside it are; one habit is safer.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# The kubelet refuses to run with swap on (unless configured otherwise).
swapoff -a
sed -ri '/\sswap\s/s/^#?/#/' /etc/fstab

modprobe overlay
modprobe br_netfilter
sysctl --system >/dev/null

retry() { local n=0; until "$@"; do n=$((n + 1)); [ "$n" -ge 5 ] && return 1; sleep $((n * 10)); done; }

retry apt-get update -q
retry apt-get install -y -q apt-transport-https ca-certificates curl gpg containerd

install -d -m 0755 /etc/apt/keyrings
retry curl -fsSL "https://pkgs.k8s.io/core:/stable:/{{ kubernetesMinor }}/deb/Release.key" -o /tmp/kubernetes-release.key
gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg /tmp/kubernetes-release.key
echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/{{ kubernetesMinor }}/deb/ /" \
  >/etc/apt/sources.list.d/kubernetes.list
retry apt-get update -q
retry apt-get install -y -q --allow-downgrades \
  kubelet={{ packageVersion }} kubeadm={{ packageVersion }} kubectl={{ packageVersion }}
apt-mark hold kubelet kubeadm kubectl containerd >/dev/null

# kubeadm configures the kubelet for the systemd cgroup driver; containerd must match.
install -d -m 0755 /etc/containerd
containerd config default >/etc/containerd/config.toml
sed -i 's/SystemdCgroup = false/SystemdCgroup = true/' /etc/containerd/config.toml
systemctl restart containerd
systemctl enable --now kubelet
