#!/usr/bin/env bash
# e2e-vds.sh - viok's REAL user data on booted VMs, through viok's own CLI (no adapted user data).
#
# Against the OpenStack lab in data-plane mode (QEMU/TCG VMs, real Neutron DHCP, iptables security groups):
#   1. `viok create cluster -f <spec> --os-cloud oslab --yes -o json` builds a vds cluster (1 control plane,
#      1 worker, 2 HAProxy/keepalived LB nodes) directly on the lab's flat provider network `public`
#      (203.0.113.0/24; the host is 203.0.113.1 on it, so it reaches the VIP without a floating IP), with
#      `bootstrap.install: skip` on the pre-baked image viok-node-debian12 (build-node-image.sh); viok's
#      own readiness wait must succeed through the kubeconfig's endpoint (the VIP);
#   2. `kubectl --kubeconfig … get --raw /readyz` → ok from the host; `get nodes`;
#   3. the VIP: the host's ARP entry for it must be the MAC of an LB node's Neutron port (keepalived holds
#      it on that NIC: its interface is found by MAC on the node);
#   4. security groups: ports that must be closed from the host (LB: 22 with sshAllowedCidrs elsewhere,
#      10250) time out (dropped by the SG), while 6443 answers;
#   2b. repair: the worker's server deleted behind viok's back; `viok repair cluster` deletes its stale Node,
#      registers a join token through the API, boots it again and waits until its new Node is Ready;
#   5. failover: `openstack server stop` of the LB holding the VIP; /readyz answers through the VIP again,
#      now from the other LB's MAC;
#   6. a failing bootstrap: a second cluster pinning kubernetesVersion 1.31.4 (the image has 1.31.9) with
#      `install: skip` must exit 1 naming the node, phase `install` and its last console lines;
#   7. `viok delete cluster … --yes` for both; nothing tagged viok-cluster=<name> remains.
# The Kubernetes control plane on the nodes is viok's TEST DOUBLE (test/boot/README.md says exactly what is
# real); everything else is real.
#
#   usage: e2e-vds.sh            (the lab runs: OSLAB_DATAPLANE=1 OSLAB_DIR=/tmp/oslab-dp oslab.sh start;
#                                 the image is registered: build-node-image.sh)
#   env:   E2E_DIR (default /tmp/viok-e2e-vds)  KUBECTL (default kubectl)  KEEP=1 (no delete at the end)
#          SKIP_BAD=1 (no failing-bootstrap cluster)  REUSE=1 (rerun create on the cluster an earlier run left)
set -euo pipefail
E2E_TAG=e2e-vds
E2E_DIR=${E2E_DIR:-/tmp/viok-e2e-vds}
KEY=viok-e2e-boot
# shellcheck source=test/boot/lib.sh
. "$(dirname "$0")/lib.sh"
NET=public
GOOD=e2eboot
BAD=e2eboot-bad
BAD_VERSION=1.31.4

trap 'rc=$?; [ $rc -eq 0 ] || { log "exit $rc: saving consoles"; save_consoles "$GOOD" "$BAD"; }' EXIT
boot_fixtures

leftovers() { # what is tagged for cluster $1: servers, ports, security groups (one line each)
  local t="viok-cluster=$1"
  osc server list --tags "$t" -f value -c Name
  os port list --tags "$t" -f value -c ID
  os security group list --tags "$t" -f value -c ID
}
# REUSE=1: keep the state and the servers of an earlier run; `create` runs again (it is idempotent: it finds
# every resource and waits for readiness again) and the checks after it run on that cluster
for c in "$GOOD" "$BAD"; do
  [ "${REUSE:-0}" = 1 ] && break
  if [ -n "$(leftovers "$c")" ]; then
    log "leftovers of $c from an earlier run: viok delete"
    viok delete cluster "$c" --os-cloud "$CLOUD" --yes >/dev/null 2>&1 || true
  fi
done
[ "${REUSE:-0}" = 1 ] || rm -rf "$E2E_DIR/state"

spec() { # name version lb-count
  cat <<EOF
apiVersion: viok/v1alpha1
kind: Cluster
metadata:
  name: $1
spec:
  backend: vds
  cloud: $CLOUD
  kubernetesVersion: $2
  image: $IMAGE_NAME
  sshKeyName: $KEY
  configDrive: true # the lab has no metadata service
  controlPlane: {count: 1, flavor: $FLAVOR}
  workers: {count: 1, flavor: $FLAVOR}
  loadBalancer:
    nodes: {count: $3, flavor: $FLAVOR}
    apiAllowedCidrs: [203.0.113.0/24]
  networks:
    provider: {name: $NET}
  sshAllowedCidrs: [198.51.100.0/24] # not the host: its probe of port 22 must be dropped
  bootstrap: {install: skip} # pre-baked image; nodes reach no registry
  ingress: {controller: none}
EOF
}
spec "$GOOD" "$K8S_VERSION" 2 >"$E2E_DIR/$GOOD.yaml"
spec "$BAD" "$BAD_VERSION" 1 >"$E2E_DIR/$BAD.yaml"

# every JSON event with the epoch second it arrived
stamp() { while IFS= read -r l; do printf '%(%s)T\t%s\n' -1 "$l"; done; }

# per-node bootstrap phase timings from the stamped events
phase_timings() { # events-file start-epoch
  python3 - "$1" "$2" <<'EOF'
import json, sys
start = int(sys.argv[2]); seen = {}
for line in open(sys.argv[1]):
    t, _, raw = line.rstrip("\n").partition("\t")
    try:
        e = json.loads(raw)
    except ValueError:
        continue
    if e.get("type") == "node":
        b = e.get("bootstrap")
        what = f'{b["phase"]} {b["status"]}' if b else e.get("status")
        key = (e["node"], what)
        if key not in seen:
            seen[key] = int(t) - start
            print(f'  {e["node"]:<22} +{int(t) - start:>5}s  {what}' + (f'  ({e["message"]})' if e.get("message") and not b else ""))
    elif e.get("type") == "phase":
        print(f'  {"(phase)":<22} +{int(t) - start:>5}s  {e.get("phase")}: {e.get("message")}')
EOF
}

# ---------------------------------------------------------------- 1. create the cluster, viok waits
log "create $GOOD: 1 cp, 1 worker, 2 LB nodes on $NET, kubernetesVersion $K8S_VERSION, install: skip"
tc=$(date +%s)
tc_ms=$(date +%s%3N)
set +e
viok create cluster -f "$E2E_DIR/$GOOD.yaml" --os-cloud "$CLOUD" --yes -o json --timeout 30m \
  --kubeconfig "$E2E_DIR/$GOOD.kubeconfig" 2>"$E2E_DIR/$GOOD.create.err" | stamp >"$E2E_DIR/$GOOD.events"
rc=${PIPESTATUS[0]}
te_ms=$(date +%s%3N)
set -e
log "create $GOOD: exit $rc after $(($(date +%s) - tc)) s; node timings (from viok's JSON events):"
phase_timings "$E2E_DIR/$GOOD.events" "$tc" | tee -a "$E2E_DIR/e2e.log" >&2
[ "$rc" = 0 ] && { time_to_ready "$E2E_DIR/$GOOD.events" "$tc_ms" "$te_ms" || true; } | tee -a "$E2E_DIR/e2e.log" >&2
[ "$rc" = 0 ] || { tail -n 30 "$E2E_DIR/$GOOD.create.err" >&2; fail "viok create $GOOD exited $rc"; }

# ---------------------------------------------------------------- 2. the API through the kubeconfig
KC=$E2E_DIR/$GOOD.kubeconfig
server=$(awk '/server:/{print $2; exit}' "$KC")
VIP=$(sed -E 's#https://\[?([^]/]+)\]?:[0-9]+.*#\1#' <<<"$server")
log "kubeconfig server: $server (VIP $VIP)"
ready=$("$KUBECTL" --kubeconfig "$KC" get --raw /readyz)
[ "$ready" = ok ] || fail "kubectl get --raw /readyz: '$ready'"
log "kubectl get --raw /readyz: $ready"
"$KUBECTL" --kubeconfig "$KC" get nodes -o wide 2>&1 | tee -a "$E2E_DIR/e2e.log" >&2
viok describe cluster "$GOOD" -o json >"$E2E_DIR/$GOOD.describe.json"
jq -r '.nodes[] | "  \(.name) \(.status) \(.addresses | tostring)"' "$E2E_DIR/$GOOD.describe.json" >&2 || true

# ---------------------------------------------------------------- 2b. repair a worker deleted behind viok's back
# viok deletes its stale Node and registers a fresh join token through the cluster's API, boots the worker
# again (on its own port) and waits until it is Ready: the same Kubernetes calls as on a real cluster,
# answered here by the API server double
worker=$GOOD-worker-1
old_uid=$("$KUBECTL" --kubeconfig "$KC" get node "$worker" -o jsonpath='{.metadata.uid}')
log "repair: openstack server delete $worker (behind viok's back; its Node uid $old_uid)"
os server delete --wait "$worker"
tr=$(date +%s)
set +e
viok repair cluster -f "$E2E_DIR/$GOOD.yaml" --os-cloud "$CLOUD" --yes -o json --timeout 30m \
  2>"$E2E_DIR/$GOOD.repair.err" | stamp >"$E2E_DIR/$GOOD.repair.events"
rc=${PIPESTATUS[0]}
set -e
log "repair $GOOD: exit $rc after $(($(date +%s) - tr)) s; node timings (from viok's JSON events):"
phase_timings "$E2E_DIR/$GOOD.repair.events" "$tr" | tee -a "$E2E_DIR/e2e.log" >&2
[ "$rc" = 0 ] || { tail -n 30 "$E2E_DIR/$GOOD.repair.err" >&2; fail "viok repair $GOOD exited $rc"; }
grep -q "replaced $worker" "$E2E_DIR/$GOOD.repair.events" || fail "viok repair did not say it replaced $worker"
new_uid=$("$KUBECTL" --kubeconfig "$KC" get node "$worker" -o jsonpath='{.metadata.uid}')
worker_ready=$("$KUBECTL" --kubeconfig "$KC" get node "$worker" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')
[ -n "$new_uid" ] && [ "$new_uid" != "$old_uid" ] || fail "Node $worker: uid '$new_uid' (was '$old_uid'): it did not register again"
[ "$worker_ready" = True ] || fail "Node $worker: Ready is '$worker_ready' after the repair"
log "repair: $worker made again and registered as a new Node ($new_uid), Ready"

# ---------------------------------------------------------------- 3. who holds the VIP (ARP on the host's NIC)
mac_of_vip() {
  ip neigh del "$VIP" dev oslabex1p 2>/dev/null || true
  ping -c 2 -W 2 "$VIP" >/dev/null 2>&1 || true
  ip neigh show "$VIP" | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}' | head -1
}
server_of_mac() { # the server whose cluster port has this MAC
  local port dev
  for port in $(os port list --tags "viok-cluster=$GOOD" --mac-address "$1" -f value -c ID); do
    dev=$(os port show "$port" -f value -c device_id)
    [ -n "$dev" ] && osc server show "$dev" -f value -c name
  done
  return 0
}
vip_mac=$(mac_of_vip)
[ -n "$vip_mac" ] || fail "no ARP answer for the VIP $VIP"
holder=$(server_of_mac "$vip_mac")
case "$holder" in *-lb-*) ;; *) fail "VIP $VIP answers from MAC $vip_mac = '${holder:-no cluster server}', not an LB node" ;; esac
log "VIP $VIP is held by $holder (MAC $vip_mac of its Neutron port)"

# ---------------------------------------------------------------- 4. security groups: closed ports are dropped
probe() { # ip port -> open | refused | filtered (no answer in 6 s: the security group dropped the SYN)
  local rc=0 err
  err=$(timeout 6 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>&1) || rc=$?
  case $rc in
    0) echo open ;;
    124) echo filtered ;;
    *) if grep -q 'refused' <<<"$err"; then echo refused; else echo "error($rc: $err)"; fi ;;
  esac
}
addr() { jq -r --arg n "$1" --arg net "$NET" '.nodes[] | select(.name == $n) | .addresses[$net][0]' "$E2E_DIR/$GOOD.describe.json"; }
lb1=$GOOD-lb-1 lb2=$GOOD-lb-2 cp1=$GOOD-cp-1
declare -A expect=(["$(addr "$lb1"):22"]=filtered ["$(addr "$lb1"):10250"]=filtered ["$(addr "$cp1"):22"]=filtered
  ["$(addr "$lb1"):6443"]=open ["$VIP:6443"]=open)
for target in "${!expect[@]}"; do
  got=$(probe "${target%:*}" "${target##*:}")
  log "probe tcp $target from the host: $got (expected ${expect[$target]})"
  [ "$got" = "${expect[$target]}" ] || fail "tcp $target: $got, expected ${expect[$target]}"
done

# ---------------------------------------------------------------- 5. failover
other=$lb1; [ "$holder" = "$lb1" ] && other=$lb2
log "failover: openstack server stop $holder"
tf=$(date +%s)
os server stop "$holder"
for _ in $(seq 1 60); do [ "$(osc server show "$holder" -f value -c status)" = SHUTOFF ] && break; sleep 2; done
log "$holder SHUTOFF after $(($(date +%s) - tf)) s"
ok=
for _ in $(seq 1 60); do
  if [ "$("$KUBECTL" --kubeconfig "$KC" --request-timeout=5s get --raw /readyz 2>/dev/null)" = ok ]; then ok=1; break; fi
  sleep 2
done
[ -n "$ok" ] || fail "/readyz through the VIP did not answer within 120 s of stopping $holder"
new_mac=$(mac_of_vip)
new_holder=$(server_of_mac "$new_mac")
log "after stopping $holder: /readyz ok through $VIP after $(($(date +%s) - tf)) s; VIP now on $new_holder (MAC $new_mac)"
[ "$new_holder" = "$other" ] || fail "VIP on '$new_holder', expected $other"

# ---------------------------------------------------------------- 6. a bootstrap that fails on purpose
if [ "${SKIP_BAD:-0}" != 1 ]; then
  log "create $BAD: kubernetesVersion $BAD_VERSION, install: skip, on an image with $K8S_VERSION: must fail in phase install"
  tb=$(date +%s)
  set +e
  viok create cluster -f "$E2E_DIR/$BAD.yaml" --os-cloud "$CLOUD" --yes -o json --timeout 30m \
    --kubeconfig "$E2E_DIR/$BAD.kubeconfig" 2>"$E2E_DIR/$BAD.create.err" | stamp >"$E2E_DIR/$BAD.events"
  rc=${PIPESTATUS[0]}
  set -e
  log "create $BAD: exit $rc after $(($(date +%s) - tb)) s; node timings:"
  phase_timings "$E2E_DIR/$BAD.events" "$tb" | tee -a "$E2E_DIR/e2e.log" >&2
  log "its error output:"
  sed 's/^/    /' "$E2E_DIR/$BAD.create.err" | tail -n 40 >&2
  all="$(cat "$E2E_DIR/$BAD.create.err" "$E2E_DIR/$BAD.events")"
  [ "$rc" = 1 ] || fail "create $BAD exited $rc, expected 1"
  grep -q "$BAD-" <<<"$all" || fail "the failure does not name a node of $BAD"
  grep -q "install" <<<"$all" || fail "the failure does not name phase install"
  grep -q "install mode skip" <<<"$all" || fail "the failure does not carry the console line of the install script"
  log "create $BAD failed as expected: node, phase install and the console's reason are reported"
fi

# ---------------------------------------------------------------- 7. delete both, nothing left
if [ "${KEEP:-0}" = 1 ]; then log "KEEP=1: clusters left running"; exit 0; fi
for c in "$GOOD" "$BAD"; do
  [ "$c" = "$BAD" ] && [ "${SKIP_BAD:-0}" = 1 ] && continue
  td=$(date +%s)
  viok delete cluster "$c" --yes 2>"$E2E_DIR/$c.delete.err" || { tail "$E2E_DIR/$c.delete.err" >&2; fail "viok delete $c"; }
  left=$(leftovers "$c")
  [ -z "$left" ] || fail "tagged viok-cluster=$c still there after delete: $left"
  log "delete $c: $(($(date +%s) - td)) s; nothing tagged viok-cluster=$c remains (servers, ports, security groups)"
done
os port delete viok-e2e-hold-80 >/dev/null 2>&1 || true
log "ALL OK in $(($(date +%s) - T0)) s"
