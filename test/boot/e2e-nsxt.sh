#!/usr/bin/env bash
# e2e-nsxt.sh - viok's REAL nsx-t user data on booted VMs, through viok's own CLI: the three-NIC layout.
#
# Against the OpenStack lab in data-plane mode (QEMU/TCG VMs, real Neutron DHCP, routers, SNAT, floating
# IPs, iptables security groups). NSX-T has no free server: viok's own NSX-T simulator (`viok sim serve`)
# is the manager, and test/boot/nsx-plugin-double.mjs plays VIO's Neutron NSX-T plugin (a logical switch
# per Neutron network, a logical port per Neutron port, which viok tags for NCP). NCP itself does not run
# (its image is not public, and the kubelet is the boot tier's test double: test/boot/README.md).
#   1. `viok create cluster` (nsx-t, 1 control plane, 1 worker, 2 LB nodes): the management network with a
#      SNAT router to `public`, the API network behind a router with SNAT disabled, the pod network with no
#      router; viok's readiness wait succeeds through the kubeconfig's endpoint: the management VIP's
#      floating IP;
#   2. every node answers ssh on its own floating IP (the seed: the management NIC "accessible from outside
#      … through a floating IP"); on each node, by the MAC of each Neutron port: the management NIC holds
#      the management address and the default route, the API NIC the API address and no default route in
#      the main table, the pod NIC is `viokpod0` with no IPv4 address, and cloud-init's own netplan file is
#      gone (one authoritative file);
#   3. the API network's return path with real packets: the host takes an address of NCP's SNAT pool
#      (what a pod's packets carry after NCP's SNAT) and reaches the control-plane node's API address and
#      the API VIP (HAProxy on an LB node) through the API router (SNAT off, so the source stays); /readyz answers. Then, as a
#      control, the node's policy rule and return routes are removed by hand: the same request times out
#      (the reply leaves by the management NIC with an API-network source); restored by `netplan apply`,
#      it answers again;
#   4. failover of the management VIP: the LB holding it is stopped, /readyz answers again through the
#      floating IP;
#   5. `viok delete`: nothing tagged viok-cluster=<name> remains in OpenStack, nothing of the cluster's in
#      NSX (IP block, IP pool, principal identity, firewall sections).
#
#   usage: e2e-nsxt.sh   (the lab runs in data-plane mode and the image is registered, as for e2e-vds.sh)
#   env:   E2E_DIR (default /tmp/viok-e2e-nsxt)  KUBECTL (default kubectl)  KEEP=1 (no delete at the end)
set -euo pipefail
E2E_TAG=e2e-nsxt
E2E_DIR=${E2E_DIR:-/tmp/viok-e2e-nsxt}
KEY=viok-e2e-nsxt # its own key pair: the private key stays in E2E_DIR
# shellcheck source=test/boot/lib.sh
. "$(dirname "$0")/lib.sh"
C=e2ensxt
POOL_CIDR=198.18.0.0/24 # NCP's SNAT pool in the spec: the host borrows an address of it below
POOL_ADDR=198.18.0.77
MGMT_CIDR=10.10.0.0/24 API_CIDR=10.20.0.0/24 POD_CIDR=10.30.0.0/24
SSH_OPTS=(-i "$E2E_DIR/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=8 -o BatchMode=yes -o LogLevel=ERROR)
on() { local ip=$1; shift; ssh "${SSH_OPTS[@]}" "debian@$ip" "$@"; }

SIM_PID='' PLUGIN_PID=''
cleanup() {
  local rc=$?
  [ $rc -eq 0 ] || { log "exit $rc: saving consoles"; save_consoles "$C"; }
  ip addr del "$POOL_ADDR/32" dev oslabex1p 2>/dev/null || true
  [ -n "${API_ROUTE:-}" ] && ip route del "$API_CIDR" 2>/dev/null || true
  [ -n "$PLUGIN_PID" ] && kill "$PLUGIN_PID" 2>/dev/null || true
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

# ---------------------------------------------------------------- preconditions and fixtures
boot_fixtures

leftovers() {
  local t="viok-cluster=$C"
  osc server list --tags "$t" -f value -c Name
  os port list --tags "$t" -f value -c ID
  os security group list --tags "$t" -f value -c ID
  os network list --tags "$t" -f value -c ID
  os router list --tags "$t" -f value -c ID
  os floating ip list --tags "$t" -f value -c ID
}

# ---------------------------------------------------------------- the NSX-T manager (viok's simulator)
mkdir -p "$E2E_DIR/sim"
rm -f "$E2E_DIR/sim/ready"
# a fixed port: the cluster's state names the manager's URL, so a later run (or its delete) finds it again
"$VIOK" sim serve --nsxt-port "${NSXT_PORT:-18443}" --clouds-yaml "$E2E_DIR/sim/clouds.yaml" --state "$E2E_DIR/sim/state.json" \
  >"$E2E_DIR/sim/serve.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 60); do grep -q 'ready' "$E2E_DIR/sim/serve.log" && break; sleep 1; done
grep -q 'ready' "$E2E_DIR/sim/serve.log" || fail "viok sim serve did not start: $(tail -5 "$E2E_DIR/sim/serve.log")"
# only its NSX-T lines: the OpenStack side is the lab's (its OS_CLOUD/OS_CLIENT_CONFIG_FILE stay)
# shellcheck disable=SC1090
. <(grep -E '^VIOK_NSX(T_[A-Z]+|_CA_FILE)=' "$E2E_DIR/sim/viok-sim.env")
export VIOK_NSXT_URL VIOK_NSXT_USERNAME VIOK_NSXT_PASSWORD VIOK_NSX_CA_FILE
log "NSX-T Manager: viok's simulator at $VIOK_NSXT_URL"

# an earlier run's cluster (OpenStack objects, or NSX-T objects found through VIOK_NSXT_URL): delete it
log "viok delete of an earlier run's $C, if any"
viok delete cluster "$C" --os-cloud "$CLOUD" --yes --ignore-not-found 2>&1 | tail -n 3 | sed 's/^/    /' >&2 || true
[ -z "$(leftovers)" ] || fail "an earlier run's $C could not be deleted: $(leftovers)"
rm -rf "$E2E_DIR/state" "$E2E_DIR/$C.kubeconfig"

NEUTRON_URL=$(os endpoint list --service network --interface public -f value -c URL | head -1)
NEUTRON_URL=$NEUTRON_URL OS_TOKEN=$(os token issue -f value -c id) CLUSTER=$C \
  node "$HERE/nsx-plugin-double.mjs" >"$E2E_DIR/nsx-plugin-double.log" 2>&1 &
PLUGIN_PID=$!

cat >"$E2E_DIR/$C.yaml" <<EOF
apiVersion: viok/v1alpha1
kind: Cluster
metadata:
  name: $C
spec:
  backend: nsx-t
  cloud: $CLOUD
  kubernetesVersion: $K8S_VERSION
  image: $IMAGE_NAME
  sshKeyName: $KEY
  configDrive: true # the lab has no metadata service
  controlPlane: {count: 1, flavor: $FLAVOR}
  workers: {count: 1, flavor: $FLAVOR}
  loadBalancer:
    nodes: {count: 2, flavor: $FLAVOR}
    apiAllowedCidrs: [203.0.113.0/24]
  networks:
    management: {cidr: $MGMT_CIDR}
    api: {cidr: $API_CIDR}
    pod: {cidr: $POD_CIDR}
    external: {name: public}
  sshAllowedCidrs: [203.0.113.0/24] # the host: ssh to every node's floating IP
  bootstrap: {install: skip} # pre-baked image; nodes reach no registry
  nsxt:
    managers: ['$VIOK_NSXT_URL']
    username: $VIOK_NSXT_USERNAME
    password: {env: VIOK_NSXT_PASSWORD}
    caFile: $VIOK_NSX_CA_FILE
    tier0Router: tier0-router
    overlayTransportZone: overlay-tz
    podIpBlock: {cidr: 172.16.0.0/16}
    externalIpPool: {cidr: $POOL_CIDR}
    ncp: {image: registry.invalid/nsx-ncp-ubuntu:4.2.1, version: '4.2'} # never pulled: the kubelet is a double
EOF

# ---------------------------------------------------------------- 1. create, viok waits for readiness
log "create $C: nsx-t, 1 cp, 1 worker, 2 LB nodes, three networks, kubernetesVersion $K8S_VERSION"
tc=$(date +%s)
tc_ms=$(date +%s%3N)
set +e
viok create cluster -f "$E2E_DIR/$C.yaml" --os-cloud "$CLOUD" --yes -o json --timeout 30m \
  --kubeconfig "$E2E_DIR/$C.kubeconfig" >"$E2E_DIR/$C.events" 2>"$E2E_DIR/$C.create.err"
rc=$?
te_ms=$(date +%s%3N)
set -e
log "create $C: exit $rc after $(($(date +%s) - tc)) s"
[ "$rc" = 0 ] && { time_to_ready "$E2E_DIR/$C.events" "$tc_ms" "$te_ms" || true; } | tee -a "$E2E_DIR/e2e.log" >&2
[ "$rc" = 0 ] || { tail -n 30 "$E2E_DIR/$C.create.err" >&2; fail "viok create $C exited $rc"; }
KC=$E2E_DIR/$C.kubeconfig
server=$(awk '/server:/{print $2; exit}' "$KC")
[ "$("$KUBECTL" --kubeconfig "$KC" get --raw /readyz)" = ok ] || fail "/readyz through $server"
log "kubectl get --raw /readyz through $server: ok"
"$KUBECTL" --kubeconfig "$KC" get nodes -o wide 2>&1 | tee -a "$E2E_DIR/e2e.log" >&2
viok describe cluster "$C" -o json >"$E2E_DIR/$C.describe.json"

# ---------------------------------------------------------------- 2. every node on its own floating IP; its NICs by MAC
fip_of() { jq -r --arg n "$1" '.nodes[] | select(.name == $n) | .floatingIps[0] // empty' "$E2E_DIR/$C.describe.json"; }
port_of() { # node network-role -> "mac ip" of the node's Neutron port on that network
  local id
  id=$(os port list --tags "viok-cluster=$C" --name "viok-$C-port-${1#"$C"-}-$2" -f value -c ID | head -1)
  os port show "$id" -f json | jq -r '"\(.mac_address) \(.fixed_ips[0].ip_address // "")"'
}
dev_of_mac() { on "$1" "ip -o link" | awk -v m="$2" '$0 ~ m {sub(":", "", $2); print $2; exit}'; }
for n in "$C-cp-1" "$C-worker-1"; do
  fip=$(fip_of "$n")
  [ -n "$fip" ] || fail "$n has no floating IP in describe"
  for _ in $(seq 1 20); do on "$fip" true 2>/dev/null && break; sleep 3; done
  on "$fip" true || fail "ssh to $n on its floating IP $fip"
  read -r mmac mip < <(port_of "$n" mgmt)
  read -r amac aip < <(port_of "$n" api)
  read -r pmac _ < <(port_of "$n" pod)
  mdev=$(dev_of_mac "$fip" "$mmac") adev=$(dev_of_mac "$fip" "$amac") pdev=$(dev_of_mac "$fip" "$pmac")
  log "$n ($fip): mgmt $mip on $mdev, api $aip on $adev, pod on $pdev"
  on "$fip" "ip -o -4 addr show dev $mdev" | grep " $mip/" >/dev/null || fail "$n: $mip not on $mdev"
  on "$fip" "ip -o -4 addr show dev $adev" | grep " $aip/" >/dev/null || fail "$n: $aip not on $adev"
  [ "$pdev" = viokpod0 ] || fail "$n: the pod NIC is '$pdev', expected viokpod0"
  [ -z "$(on "$fip" "ip -o -4 addr show dev $pdev")" ] || fail "$n: the pod NIC has an IPv4 address"
  on "$fip" "ip route show default" | grep "dev $mdev" >/dev/null || fail "$n: the default route is not on the management NIC"
  ! on "$fip" "ip route show default" | grep "dev $adev" >/dev/null || fail "$n: a default route on the API NIC in the main table"
  on "$fip" "test ! -e /etc/netplan/50-cloud-init.yaml && ls /etc/netplan" | grep -x 50-viok.yaml >/dev/null ||
    fail "$n: cloud-init's netplan file is still there, or viok's 50-viok.yaml is missing"
  for dst in 172.16.0.9 198.18.0.9; do
    got=$(on "$fip" "ip -o route get $dst from $aip" | grep -o 'dev [^ ]*' | head -1)
    [ "$got" = "dev $adev" ] || fail "$n: a reply from $aip to $dst leaves by '$got', expected dev $adev"
  done
  log "$n: routes as rendered (API-source replies and the pod/pool ranges by $adev, default by $mdev)"
  on "$fip" "ip rule; ip route; ip route show table 101" | sed 's/^/    /' >>"$E2E_DIR/e2e.log"
done

# ---------------------------------------------------------------- 3. the API network's return path, real packets
gw=$(os router show "viok-$C-router-api" -f json | jq -r '.external_gateway_info.external_fixed_ips[0].ip_address')
snat=$(os router show "viok-$C-router-api" -f json | jq -r '.external_gateway_info.enable_snat')
[ "$snat" = false ] || fail "the API router has enable_snat=$snat"
ip addr add "$POOL_ADDR/32" dev oslabex1p
ip route add "$API_CIDR" via "$gw" dev oslabex1p && API_ROUTE=1
read -r _ cp_api < <(port_of "$C-cp-1" api)
readyz_from_pool() { curl -sk --interface "$POOL_ADDR" --max-time 6 "https://$1:6443/readyz" 2>/dev/null || true; }
api_vip=$(os port show "viok-$C-port-vip" -f json | jq -r '.fixed_ips[0].ip_address')
# the control plane's API address (the `kubernetes` Service's endpoint) and the API VIP (a kubeconfig's)
for target in "$cp_api" "$api_vip"; do
  got=
  for _ in 1 2 3; do got=$(readyz_from_pool "$target"); [ "$got" = ok ] && break; sleep 2; done
  [ "$got" = ok ] || fail "from $POOL_ADDR (NCP's SNAT pool) to $target:6443 through the API router: '${got:-no answer}'"
  log "from $POOL_ADDR (SNAT pool) to $target:6443/readyz through the API router: ok"
done
cp_fip=$(fip_of "$C-cp-1")
read -r amac _ < <(port_of "$C-cp-1" api)
adev=$(dev_of_mac "$cp_fip" "$amac")
log "control: removing the API return path on $C-cp-1 by hand (policy rule, pool route)"
on "$cp_fip" "sudo ip rule del from $API_CIDR table 101; sudo ip route del $POOL_CIDR dev $adev" || true
got=$(readyz_from_pool "$cp_api")
[ -z "$got" ] || fail "without the return path, $cp_api still answered '$got': the control proves nothing"
log "control: without it the request from the pool gets no answer (the reply leaves by the management NIC)"
on "$cp_fip" "sudo netplan apply" || true
got=
for _ in $(seq 1 10); do got=$(readyz_from_pool "$cp_api"); [ "$got" = ok ] && break; sleep 2; done
[ "$got" = ok ] || fail "after netplan apply, $cp_api did not answer from the pool again"
log "control: netplan apply restores it: ok"

# ---------------------------------------------------------------- 4. management VIP failover
fip_api=$(sed -E 's#https://\[?([^]/]+)\]?:[0-9]+.*#\1#' <<<"$server")
mvip=$(os port show "viok-$C-port-vip-mgmt" -f json | jq -r '.fixed_ips[0].ip_address')
holder_of_vip() { # the LB node holding the management VIP, asked over ssh on its API address (host route above)
  local lb ip addrs
  for lb in "$C-lb-1" "$C-lb-2"; do
    read -r _ ip < <(port_of "$lb" api)
    # the output first, then grep: with pipefail, grep -q's early exit would fail ssh with SIGPIPE
    addrs=$(on "$ip" "ip -o -4 addr" 2>/dev/null || true)
    grep -q " $mvip/" <<<"$addrs" && { echo "$lb"; return 0; }
  done
  return 0
}
holder=$(holder_of_vip)
[ -n "$holder" ] || fail "no LB node holds the management VIP $mvip"
other=$C-lb-1; [ "$holder" = "$C-lb-1" ] && other=$C-lb-2
log "the management VIP $mvip (floating IP $fip_api) is on $holder: stopping it"
tf=$(date +%s)
os server stop "$holder"
for _ in $(seq 1 60); do [ "$(osc server show "$holder" -f value -c status)" = SHUTOFF ] && break; sleep 2; done
ok=
for _ in $(seq 1 60); do
  [ "$("$KUBECTL" --kubeconfig "$KC" --request-timeout=5s get --raw /readyz 2>/dev/null)" = ok ] && { ok=1; break; }
  sleep 2
done
[ -n "$ok" ] || fail "/readyz through $fip_api did not answer within 120 s of stopping $holder"
[ "$(holder_of_vip)" = "$other" ] || fail "the management VIP did not move to $other"
log "$holder stopped: the VIP moved to $other, /readyz through $fip_api answers ($(($(date +%s) - tf)) s)"

# ---------------------------------------------------------------- 5. delete: nothing left in OpenStack or NSX
if [ "${KEEP:-0}" = 1 ]; then log "KEEP=1: cluster left running"; exit 0; fi
nsx_objects() { # ids of the NSX-T objects of the cluster (tagged with its name); a failed GET fails the run
  local p out
  for p in pools/ip-blocks pools/ip-pools trust-management/principal-identities firewall/sections; do
    out=$(curl -sf --cacert "$VIOK_NSX_CA_FILE" -u "$VIOK_NSXT_USERNAME:$VIOK_NSXT_PASSWORD" "$VIOK_NSXT_URL/api/v1/$p") ||
      fail "GET $VIOK_NSXT_URL/api/v1/$p failed"
    jq -r --arg c "$C" '.results[] | select(((.tags // []) | any(.tag == $c)) or ((.name // .display_name // "") | contains($c))) | "\(.resource_type // "?") \(.id)"' <<<"$out"
  done
}
nsx_before=$(nsx_objects)
[ -n "$nsx_before" ] || fail "no NSX-T object of $C found before delete: the check below would prove nothing"
log "NSX-T objects of $C before delete: $(wc -l <<<"$nsx_before") ($(awk '{print $1}' <<<"$nsx_before" | sort | uniq -c | xargs))"
td=$(date +%s)
viok delete cluster "$C" --yes 2>"$E2E_DIR/$C.delete.err" || { tail "$E2E_DIR/$C.delete.err" >&2; fail "viok delete $C"; }
left=$(leftovers)
[ -z "$left" ] || fail "tagged viok-cluster=$C still there after delete: $left"
nsx_left=$(nsx_objects)
[ -z "$nsx_left" ] || fail "NSX objects of $C left after delete: $nsx_left"
log "delete $C: $(($(date +%s) - td)) s; nothing tagged viok-cluster=$C in OpenStack, nothing of it in NSX"
log "ALL OK in $(($(date +%s) - T0)) s"
