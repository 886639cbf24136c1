#!/bin/bash
# Rendered by viok: runs `kubeadm init` or `kubeadm join` with the config viok wrote to
# /etc/kubernetes/viok/kubeadm.yaml. kubeadm's own output can contain the bootstrap token (the
# join command it prints), so it goes to a root-only file, never to the console or
# cloud-init-output.log; on failure only lines without credentials are shown.
set -euo pipefail
umask 077
config=/etc/kubernetes/viok/kubeadm.yaml
log=/var/log/viok-kubeadm.log

case "${1:-}" in
  init) args=(init --config "$config" --skip-token-print) ;;
  join) args=(join --config "$config") ;;
  *) echo "usage: $0 init|join" >&2; exit 2 ;;
esac

if ! kubeadm "${args[@]}" >"$log" 2>&1; then
  echo "kubeadm $1 failed; last lines of $log (credentials removed):" >&2
  grep -v -i -E 'token|certificate-key|ca-cert-hash' "$log" | tail -n 40 >&2 || true
  exit 1
fi
echo "kubeadm $1 succeeded (details in $log)"
