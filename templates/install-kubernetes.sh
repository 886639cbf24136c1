#!/bin/bash
# Rendered by viok: installs containerd and kubelet/kubeadm/kubectl {{ packageVersion }} from
# pkgs.k8s.io ({{ kubernetesMinor }} repository, or its mirror) and prepares the kernel for Kubernetes.
# No shell tracing: nothing here is secret today, but the files beside it are; one habit is safer.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# ---- viok bootstrap settings (spec.bootstrap) ----
install_mode="{{ installMode }}" # always | auto | skip
pinned_version="{{ kubernetesVersion }}"
pinned_package="{{ packageVersion }}"
kubernetes_repo="{{ kubernetesRepo }}"

# ---- supported systems: this script uses apt, dpkg and systemd as Ubuntu and Debian ship them ----
viok_check_os() {
  local os
  os=$(. "${VIOK_OS_RELEASE:-/etc/os-release}" && echo "${ID:-unknown} ${VERSION_ID:-}") || os="unknown (no /etc/os-release)"
  case "$os" in
    "ubuntu 22.04" | "ubuntu 24.04" | "debian 12") return 0 ;;
  esac
  echo "viok-bootstrap: error: unsupported operating system '${os% }': viok nodes run Ubuntu 22.04, Ubuntu 24.04 or Debian 12; boot them from one of those cloud images" >&2
  return 1
}

# ---- install mode: which packages this node needs ----
# The version a tool reports (v1.31.4), empty when it is absent or does not answer.
viok_version_of() {
  command -v "$1" >/dev/null 2>&1 || return 0
  case "$1" in
    kubeadm) kubeadm version -o short 2>/dev/null || true ;;
    kubelet) { kubelet --version 2>/dev/null || true; } | awk '{print $2}' ;;
    kubectl) { kubectl version --client 2>/dev/null || true; } | sed -n 's/^Client Version: //p' ;;
  esac
}

# Prints the packages to install, one a line: all of them (always), those missing or at another
# version (auto), none (skip: a pre-baked image; fails, saying what is wrong, unless all are there).
viok_packages_to_install() {
  local mode="$1" tool have wrong=""
  if [ "$mode" = always ]; then
    printf '%s\n' containerd kubelet kubeadm kubectl
    return 0
  fi
  if ! command -v containerd >/dev/null 2>&1; then
    [ "$mode" = auto ] && echo containerd
    wrong="${wrong} containerd (absent)"
  fi
  for tool in kubelet kubeadm kubectl; do
    have=$(viok_version_of "$tool")
    if [ "$have" != "$pinned_version" ]; then
      [ "$mode" = auto ] && echo "$tool"
      wrong="${wrong} ${tool} (${have:-absent})"
    fi
  done
  if [ "$mode" = skip ] && [ -n "$wrong" ]; then
    echo "viok-bootstrap: error: install mode skip (pre-baked image) needs containerd and kubelet, kubeadm, kubectl ${pinned_version}; this image has:${wrong}. Rebuild the image or set spec.bootstrap.install to auto" >&2
    return 1
  fi
  return 0
}

# containerd's config version: 3 for containerd 2.x, 2 for 1.x ("containerd github.com/... v1.7.12" or "1.6.20~ds1").
viok_containerd_config_version() {
  local v
  v=$(containerd --version | awk '{print $3}')
  v=${v#v}
  if [ "${v%%.*}" -ge 2 ] 2>/dev/null; then echo 3; else echo 2; fi
}

# A test sources the functions above without running anything below.
if [ "${VIOK_INSTALL_FUNCTIONS_ONLY:-}" = 1 ]; then return 0 2>/dev/null || exit 0; fi

viok_check_os
packages=$(viok_packages_to_install "$install_mode")
# proxy for curl (apt reads its own apt.conf.d file, containerd its systemd drop-in)
if [ -r /etc/viok/proxy.env ]; then . /etc/viok/proxy.env; fi

# The kubelet refuses to run with swap on (unless configured otherwise).
swapoff -a
sed -ri '/\sswap\s/s/^#?/#/' /etc/fstab

modprobe overlay
modprobe br_netfilter
sysctl --system >/dev/null

retry() { local n=0; until "$@"; do n=$((n + 1)); [ "$n" -ge 5 ] && return 1; sleep $((n * 10)); done; }

# ---- packages (only those the install mode asks for) ----
kube_packages=$(grep -vx containerd <<<"$packages" || true)
if [ -n "$packages" ]; then
  retry apt-get update -q
fi
if grep -qx containerd <<<"$packages"; then
  retry apt-get install -y -q containerd
fi
if [ -n "$kube_packages" ]; then
  retry apt-get install -y -q apt-transport-https ca-certificates curl gpg
  install -d -m 0755 /etc/apt/keyrings
  retry curl -fsSL "${kubernetes_repo}/Release.key" -o /tmp/kubernetes-release.key
  gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg /tmp/kubernetes-release.key
  echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] ${kubernetes_repo}/ /" \
    >/etc/apt/sources.list.d/kubernetes.list
  retry apt-get update -q
  # one word per package; a pre-baked image may hold them at another version (auto mode)
  # shellcheck disable=SC2046
  retry apt-get install -y -q --allow-downgrades --allow-change-held-packages $(sed "s/\$/=${pinned_package}/" <<<"$kube_packages")
fi
# hold what dpkg knows (a pre-baked image may carry binaries without packages)
for p in kubelet kubeadm kubectl containerd; do
  if dpkg-query -W "$p" >/dev/null 2>&1; then apt-mark hold "$p" >/dev/null; fi
done

# ---- containerd: viok's configuration for the containerd this node has ----
# Both pin the sandbox (pause) image kubeadm expects, use the systemd cgroup driver kubeadm
# configures the kubelet for, and read registry mirrors from /etc/containerd/certs.d.
install -d -m 0755 /etc/containerd /etc/containerd/certs.d
case "$(viok_containerd_config_version)" in
  3) install -m 0644 "{{ containerdConfigV3 }}" /etc/containerd/config.toml ;;
  *) install -m 0644 "{{ containerdConfigV2 }}" /etc/containerd/config.toml ;;
esac
systemctl daemon-reload # picks up the proxy drop-in, if any
systemctl restart containerd
systemctl enable --now kubelet
