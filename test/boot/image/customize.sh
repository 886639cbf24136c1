#!/bin/bash
# customize.sh ROOT - install viok's Kubernetes TEST DOUBLE into an image root file system.
# Used by build-node-image.sh (stage 2) and usable as build-image.sh's CUSTOMIZE_HOOK.
# What goes in: /usr/local/bin/kubeadm (the double), /usr/local/lib/viok-kube-double/ (its Python
# package), the systemd unit viok-kube-apiserver-double.service (not enabled: `kubeadm init` starts it),
# and /etc/viok-test-double (a notice that this image carries a test double, not Kubernetes).
set -euo pipefail
ROOT=${1:?usage: customize.sh ROOT}
SRC=${KUBE_DOUBLE_SRC:-$(cd "$(dirname "$0")/../kube-double" && pwd)}
install -d "$ROOT/usr/local/lib/viok-kube-double/viok_kube_double" "$ROOT/usr/local/bin" "$ROOT/etc/systemd/system"
install -m 0644 "$SRC"/viok_kube_double/*.py "$ROOT/usr/local/lib/viok-kube-double/viok_kube_double/"
install -m 0755 "$SRC/kubeadm" "$ROOT/usr/local/bin/kubeadm"
install -m 0644 "$SRC/viok-kube-apiserver-double.service" "$ROOT/etc/systemd/system/"
cat > "$ROOT/etc/viok-test-double" <<'NOTE'
This image carries viok's TEST DOUBLE for the Kubernetes control-plane binaries (test/boot/kube-double/):
/usr/local/bin/kubeadm and viok-kube-apiserver-double.service are NOT Kubernetes. Everything else
(cloud-init, networkd/netplan, keepalived, HAProxy, iptables, containerd, Debian's kubectl) is real.
NOTE
# Pre-baked: nothing to install at boot. A marker viok's pre-baked mode can test for.
echo "viok-kube-double" > "$ROOT/etc/viok-prebaked"
echo "customize.sh: installed viok's kube test double into $ROOT"
