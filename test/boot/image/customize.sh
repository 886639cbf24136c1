#!/bin/bash
# customize.sh ROOT - install viok's Kubernetes TEST DOUBLE into an image root file system.
# Used by build-node-image.sh (stage 2) and usable as build-image.sh's CUSTOMIZE_HOOK.
# What goes in: /usr/local/bin/kubeadm (the double), /usr/local/lib/viok-kube-double/ (its Python
# package), the systemd unit viok-kube-apiserver-double.service (not enabled: `kubeadm init` starts it),
# and /etc/viok-test-double (a notice that this image carries a test double, not Kubernetes).
#
# Also the REAL kubectl (KUBECTL_BIN: a static Go binary, by default the host's 1.31 one) as
# /usr/local/bin/kubectl, with /usr/bin/kubectl (Debian's 1.20) pointed at it, and the kubelet TEST DOUBLE
# (/usr/local/bin/kubelet + kubelet.service: answers --version, runs nothing). The doubles answer for the
# real kubectl's version (/usr/local/lib/viok-kube-double/VERSION), so viok's `bootstrap.install: skip`
# check (kubeadm, kubelet, kubectl report spec.kubernetesVersion; containerd present) passes for exactly it.
set -euo pipefail
ROOT=${1:?usage: customize.sh ROOT}
SRC=${KUBE_DOUBLE_SRC:-$(cd "$(dirname "$0")/../kube-double" && pwd)}
KUBECTL_BIN=${KUBECTL_BIN:-/usr/lib/google-cloud-sdk/bin/kubectl.1.31}
file -L "$KUBECTL_BIN" | grep -q 'statically linked' || { echo "customize.sh: $KUBECTL_BIN is not a static binary" >&2; exit 1; }
KVER=$("$KUBECTL_BIN" version --client -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])')
case "$KVER" in v[0-9]*.[0-9]*.[0-9]*) ;; *) echo "customize.sh: unexpected kubectl version '$KVER'" >&2; exit 1 ;; esac
install -d "$ROOT/usr/local/lib/viok-kube-double/viok_kube_double" "$ROOT/usr/local/bin" "$ROOT/etc/systemd/system"
install -m 0644 "$SRC"/viok_kube_double/*.py "$ROOT/usr/local/lib/viok-kube-double/viok_kube_double/"
install -m 0755 "$SRC/kubeadm" "$ROOT/usr/local/bin/kubeadm"
install -m 0755 "$SRC/kubelet" "$ROOT/usr/local/bin/kubelet"
install -m 0644 "$SRC/viok-kube-apiserver-double.service" "$SRC/kubelet.service" "$ROOT/etc/systemd/system/"
echo "$KVER" > "$ROOT/usr/local/lib/viok-kube-double/VERSION"
install -m 0755 "$KUBECTL_BIN" "$ROOT/usr/local/bin/kubectl"
ln -sfn /usr/local/bin/kubectl "$ROOT/usr/bin/kubectl"
cat > "$ROOT/etc/viok-test-double" <<'NOTE'
This image carries viok's TEST DOUBLE for the Kubernetes control-plane binaries (test/boot/kube-double/):
/usr/local/bin/kubeadm, /usr/local/bin/kubelet, kubelet.service and viok-kube-apiserver-double.service
are NOT Kubernetes. Everything else (cloud-init, networkd/netplan, keepalived, HAProxy, iptables,
containerd, and kubectl: the real upstream binary, /usr/local/bin/kubectl) is real.
NOTE
# Pre-baked: nothing to install at boot. A marker viok's pre-baked mode can test for.
echo "viok-kube-double" > "$ROOT/etc/viok-prebaked"
echo "customize.sh: installed viok's kube test double ($KVER) and the real kubectl $KVER into $ROOT"
