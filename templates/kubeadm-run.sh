#!/bin/bash
# Rendered by viok: runs `kubeadm init` or `kubeadm join` with the config viok wrote to
# /etc/kubernetes/viok/kubeadm.yaml, printing phase markers through {{ bootstrap }}. kubeadm's own
# output can contain the bootstrap token (the join command it prints), so it goes to a root-only
# file, never to the console or cloud-init-output.log; on failure only lines without credentials
# are shown.
#
# join waits (bounded) for the control-plane endpoint to answer /readyz before the first attempt,
# and retries a failed join after `kubeadm reset -f`: a worker may boot long before cp-1 has
# finished `kubeadm init`. init is retried once after a reset.
set -euo pipefail
umask 077
# VIOK_TEST_ROOT prefixes every path, for viok's own tests only (cloud-init sets no such variable).
root=${VIOK_TEST_ROOT:-}
config=$root/etc/kubernetes/viok/kubeadm.yaml
log=$root/var/log/viok-kubeadm.log
bootstrap={{ bootstrap }}

case "${1:-}" in
  init) args=(init --config "$config" --skip-token-print); phase=kubeadm-init; attempts=2 ;;
  join)
    args=(join --config "$config"); phase=kubeadm-join; attempts=5
    endpoint="${2:?usage: $0 join host:port}"
    ;;
  *) echo "usage: $0 init | join host:port" >&2; exit 2 ;;
esac

if [ "$1" = join ] && ! command -v curl >/dev/null; then
  echo "curl is not installed: not waiting for $endpoint (kubeadm's own discovery retries)" >&2
elif [ "$1" = join ]; then
  # /readyz answers 200 (or 401/403 without anonymous auth) once the API server is up behind the
  # load balancer; any HTTP answer will do, a connection failure will not. Bounded: 60 x 10 s.
  "$bootstrap" mark wait-api start
  n=0
  until code=$(curl -k -s -o /dev/null -w '%{http_code}' --max-time 5 "https://$endpoint/readyz") &&
    [ "$code" != 000 ]; do
    n=$((n + 1))
    if [ "$n" -ge 60 ]; then
      "$bootstrap" mark wait-api failed
      echo "the API endpoint $endpoint did not answer /readyz in 10 minutes" >&2
      exit 1
    fi
    sleep 10
  done
  "$bootstrap" mark wait-api ok
fi

# `kubeadm reset` empties /etc/kubernetes/pki, where viok pre-distributed the cluster CAs (control
# plane nodes): keep a root-only copy to put back before the next attempt.
pki=$root/etc/kubernetes/pki
pki_copy=$root/etc/kubernetes/viok/pki-before-kubeadm
if [ -d "$pki" ] && [ ! -e "$pki_copy" ]; then cp -a "$pki" "$pki_copy"; fi

attempt=1
while true; do
  "$bootstrap" mark "$phase" start "$attempt"
  if kubeadm "${args[@]}" >>"$log" 2>&1; then
    "$bootstrap" mark "$phase" ok "$attempt"
    echo "kubeadm $1 succeeded (details in $log)"
    exit 0
  fi
  if [ "$attempt" -ge "$attempts" ]; then break; fi
  "$bootstrap" mark "$phase" retry "$attempt"
  kubeadm reset -f >>"$log" 2>&1 || true
  if [ -d "$pki_copy" ]; then install -d -m 0755 "$pki" && cp -a "$pki_copy/." "$pki/"; fi
  sleep $((attempt * 15))
  attempt=$((attempt + 1))
done

echo "kubeadm $1 failed after $attempt attempts; last lines of $log (credentials removed):" >&2
grep -v -i -E '{{ credentialPattern }}' "$log" | tail -n 20 | while IFS= read -r l; do
  echo "viok-bootstrap-log: $l" >&2
  if [ -w "$root/dev/console" ]; then echo "viok-bootstrap-log: $l" >"$root/dev/console" 2>/dev/null || true; fi
done || true
"$bootstrap" mark "$phase" failed "$attempt"
exit 1
