#!/usr/bin/env bash
# smoke.sh - prove the boot plumbing on real VMs in the OpenStack lab (data-plane mode):
#   VM 1 (demo-cp-1) runs viok's rendered user-data: `viok-kubeadm init` -> the kubeadm TEST DOUBLE
#   VM 2 (demo-worker-1) runs viok's rendered user-data: `viok-kubeadm join`
#   and from the host: /readyz with the admin client certificate of viok's kubeconfig, `kubectl get nodes`.
#
#   usage: smoke.sh up|wait-cp|worker|wait-worker|check|mem|down|all          (cp-1 + worker-1, no LB)
#          smoke.sh servers-down; smoke.sh lb-up [NIC]; smoke.sh lb-wait; smoke.sh lb-check   (lb-1 + cp-1)
#   env:   OSLAB_DIR=/tmp/oslab-dp  SMOKE_DIR=/tmp/viok-boot-smoke  FIP=203.0.113.50
#          VIOK=<worktree>/bin/viok  IMAGE_NAME=viok-node-debian12  FLAVOR=dp.small
#
# The user-data is what viok renders for examples/vds.yaml (taken from the simulator's stored servers),
# changed only where the lab differs from that cluster, and each change is printed:
#   - no load balancer nodes in this smoke: controlPlaneEndpoint / apiServerEndpoint 192.168.100.2:6443
#     (the VIP) -> 192.168.100.3:6443 (cp-1), and the floating IP added to apiServer.certSANs;
#   - runcmd: `viok-install-kubernetes` dropped (the image is pre-baked; viok has no pre-baked mode yet,
#     and the VMs reach no package registry), the two `kubectl apply` add-on steps dropped (the ingress
#     manifest is a github URL; nothing is reachable), and a last step that prints Debian's kubectl
#     `get nodes` (run on the node, against admin.conf) to the serial console.
# The lab's tenant subnet is 192.168.100.0/24 like the simulator's provider network, and the ports get the
# simulator's fixed IPs, so all node addresses in the rendered files are used unchanged.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
WT=$(cd "$HERE/../.." && pwd)
export OSLAB_DIR=${OSLAB_DIR:-/tmp/oslab-dp}
OSLAB=${OSLAB:-/work/shared/openstack-lab/oslab.sh}
SMOKE_DIR=${SMOKE_DIR:-/tmp/viok-boot-smoke}
FIP=${FIP:-203.0.113.50}
FIP2=${FIP2:-203.0.113.51}   # lb run: on the VIP port
VIOK=${VIOK:-$WT/bin/viok}
IMAGE_NAME=${IMAGE_NAME:-viok-node-debian12}
FLAVOR=${FLAVOR:-dp.small}
P=viok-boot               # prefix of every lab resource this script creates
mkdir -p "$SMOKE_DIR"
eval "$(bash "$OSLAB" env)"
os() { openstack --os-cloud oslab "$@"; }
log() { printf '[smoke %s] %s\n' "$(date +%T)" "$*" | tee -a "$SMOKE_DIR/timings.log" >&2; }
now() { date +%s.%N; }
dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------- render with viok (simulator)
ssh_key() { [ -f "$SMOKE_DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$SMOKE_DIR/id_ed25519"; }
# ssh to a VM by fixed IP through the router's network namespace (VMs without a floating IP)
vm_ssh() { local ip=$1; shift; local r; r=$(ip netns list | awk '/^qrouter-/{print $1; exit}')
  ip netns exec "$r" ssh -i "$SMOKE_DIR/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o ConnectTimeout=5 -o LogLevel=ERROR "debian@$ip" "$@"; }

render() {
  local sim=$SMOKE_DIR/sim
  ssh_key
  if [ ! -f "$sim/ud/demo-cp-1.yaml" ]; then
    rm -rf "$sim"; mkdir -p "$sim"
    (cd "$sim" && "$VIOK" create cluster demo --sim -f "$WT/examples/vds.yaml" --yes --state-dir "$sim/state" >"$sim/create.log" 2>&1)
    python3 - "$sim" <<'EOF'
import base64, json, os, sys
sim = sys.argv[1]
d = json.load(open(os.path.join(sim, "state/_sim/state.json")))
os.makedirs(os.path.join(sim, "ud"), exist_ok=True)
for s in d["services"]["nova"]["servers"]:
    open(os.path.join(sim, "ud", s["name"] + ".yaml"), "wb").write(base64.b64decode(s["user_data"]))
EOF
    log "rendered with viok's simulator: $(ls "$sim/ud" | tr '\n' ' ')"
  fi
  # lab copy of the user-data (changes printed by the transform)
  python3 "$HERE/lab-user-data.py" "$sim/ud/demo-cp-1.yaml" "$SMOKE_DIR/cp-1.yaml" --fip "$FIP" --ssh-key "$SMOKE_DIR/id_ed25519.pub"
  python3 "$HERE/lab-user-data.py" "$sim/ud/demo-worker-1.yaml" "$SMOKE_DIR/worker-1.yaml" --fip "$FIP" --ssh-key "$SMOKE_DIR/id_ed25519.pub"
  # viok's kubeconfig, pointed at the floating IP (the host reaches the VMs only through it)
  sed "s#server: https://192.168.100.2:6443#server: https://$FIP:6443#" "$sim/demo.kubeconfig" > "$SMOKE_DIR/kubeconfig"
  chmod 600 "$SMOKE_DIR/kubeconfig"
}

# ---------------------------------------------------------------- lab network
net_up() {
  os network show $P-net >/dev/null 2>&1 || os network create $P-net -f value -c id >/dev/null
  os subnet show $P-subnet >/dev/null 2>&1 ||
    os subnet create $P-subnet --network $P-net --subnet-range 192.168.100.0/24 --gateway 192.168.100.1 \
      --allocation-pool start=192.168.100.100,end=192.168.100.200 --dns-nameserver 192.168.100.1 -f value -c id >/dev/null
  if ! os router show $P-r >/dev/null 2>&1; then
    os router create $P-r -f value -c id >/dev/null
    os router set $P-r --external-gateway public
    os router add subnet $P-r $P-subnet
  fi
  if ! os security group show $P-sg >/dev/null 2>&1; then
    os security group create $P-sg -f value -c id >/dev/null
    os security group rule create $P-sg --protocol tcp --dst-port 6443 --remote-ip 0.0.0.0/0 >/dev/null
    os security group rule create $P-sg --protocol icmp --remote-ip 0.0.0.0/0 >/dev/null
    os security group rule create $P-sg --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 >/dev/null
  fi
  for n in cp-1:192.168.100.3 worker-1:192.168.100.6; do
    os port show $P-${n%%:*} >/dev/null 2>&1 ||
      os port create $P-${n%%:*} --network $P-net --fixed-ip subnet=$P-subnet,ip-address=${n#*:} --security-group $P-sg -f value -c id >/dev/null
  done
  os floating ip show "$FIP" >/dev/null 2>&1 || os floating ip create public --floating-ip-address "$FIP" -f value -c id >/dev/null
}

renice_qemu() { for p in $(pgrep -f qemu-system || true); do renice -n 19 -p "$p" >/dev/null || true; done; }

boot() { # NAME USERDATA
  local name=$1 ud=$2 t0 t1
  os server show "$P-$name" >/dev/null 2>&1 && { log "$P-$name exists"; return 0; }
  t0=$(now)
  os server create "$P-$name" --image "$IMAGE_NAME" --flavor "$FLAVOR" --port "$P-$name" \
    --user-data "$ud" --config-drive true --wait -f value -c id >/dev/null
  t1=$(now)
  renice_qemu
  echo "$t0" > "$SMOKE_DIR/$name.t0"
  log "$P-$name create -> ACTIVE $(dt "$t0" "$t1") s"
}

wait_cloud_init() { # NAME: until the console shows cloud-init's final message
  local name=$1 t0 out
  t0=$(cat "$SMOKE_DIR/$name.t0")
  for _ in $(seq 1 120); do
    out=$(os console log show "$P-$name" 2>/dev/null || true)
    if grep -q 'Cloud-init v\. .* finished at' <<<"$out"; then
      printf '%s\n' "$out" > "$SMOKE_DIR/$name.console"
      log "$P-$name create -> cloud-init finished $(dt "$t0" "$(now)") s"
      grep -E 'viok|kubeadm|NAME +STATUS|demo-' "$SMOKE_DIR/$name.console" | grep -v -i 'token' | tail -n 20 >&2 || true
      return 0
    fi
    sleep 5
  done
  printf '%s\n' "$out" > "$SMOKE_DIR/$name.console"
  log "$P-$name: cloud-init did not finish in 10 min (console in $SMOKE_DIR/$name.console)"; return 1
}

check() { # [KUBECONFIG FIP] from the host, with viok's kubeconfig (its admin client certificate and CA)
  local kc=${1:-$SMOKE_DIR/kubeconfig} d=$SMOKE_DIR/kc FIP=${2:-$FIP}
  mkdir -p "$d"
  python3 - "$kc" "$d" <<'EOF'
import base64, sys, yaml
kc = yaml.safe_load(open(sys.argv[1])); d = sys.argv[2]
open(d + "/ca.crt", "wb").write(base64.b64decode(kc["clusters"][0]["cluster"]["certificate-authority-data"]))
open(d + "/admin.crt", "wb").write(base64.b64decode(kc["users"][0]["user"]["client-certificate-data"]))
open(d + "/admin.key", "wb").write(base64.b64decode(kc["users"][0]["user"]["client-key-data"]))
EOF
  chmod 600 "$d"/*
  echo "+ curl --cacert ca.crt --cert admin.crt --key admin.key https://$FIP:6443/readyz"
  curl -sS --fail --cacert "$d/ca.crt" --cert "$d/admin.crt" --key "$d/admin.key" "https://$FIP:6443/readyz"; echo
  echo "+ curl (no client certificate) https://$FIP:6443/api/v1/nodes   # expect 403"
  curl -sS -o /dev/null -w '%{http_code}\n' --cacert "$d/ca.crt" "https://$FIP:6443/api/v1/nodes"
  echo "+ kubectl --kubeconfig kubeconfig get --raw /readyz"
  kubectl --kubeconfig "$kc" get --raw /readyz; echo
  echo "+ kubectl --kubeconfig kubeconfig version"
  kubectl --kubeconfig "$kc" version 2>&1 | grep -v Kustomize
  echo "+ kubectl --kubeconfig kubeconfig get nodes -o wide"
  kubectl --kubeconfig "$kc" get nodes -o wide
}

# ---------------------------------------------------------------- with a load-balancer node (VIP, keepalived, HAProxy)
# lb-up [NIC]: demo-lb-1 and demo-cp-1 with the rendered VIP 192.168.100.2 as controlPlaneEndpoint (no
# endpoint substitution). The VIP is a Neutron port (.2) listed in allowed_address_pairs of lb-1's port,
# with the floating IP FIP2 on it. NIC given: keepalived's eth0 is replaced by it (else as rendered).
lb_up() {
  local nic=${1:-} fix=${2:-} sim=$SMOKE_DIR/sim
  render >/dev/null 2>&1
  python3 "$HERE/lab-user-data.py" "$sim/ud/demo-cp-1.yaml" "$SMOKE_DIR/lb-cp-1.yaml" --fip "$FIP2" --with-lb --ssh-key "$SMOKE_DIR/id_ed25519.pub"
  python3 "$HERE/lab-user-data.py" "$sim/ud/demo-lb-1.yaml" "$SMOKE_DIR/lb-lb-1.yaml" --fip "$FIP2" --with-lb --ssh-key "$SMOKE_DIR/id_ed25519.pub" ${nic:+--nic "$nic"} ${fix:+--fix-chk}
  sed "s#server: https://192.168.100.2:6443#server: https://$FIP2:6443#" "$sim/demo.kubeconfig" > "$SMOKE_DIR/kubeconfig-lb"
  chmod 600 "$SMOKE_DIR/kubeconfig-lb"
  net_up
  os security group rule list $P-sg -f value -c 'IP Protocol' | grep -q '^vrrp$\|^112$' ||
    os security group rule create $P-sg --protocol 112 --remote-group $P-sg >/dev/null
  os port show $P-vip >/dev/null 2>&1 ||
    os port create $P-vip --network $P-net --fixed-ip subnet=$P-subnet,ip-address=192.168.100.2 --security-group $P-sg -f value -c id >/dev/null
  os port show $P-lb-1 >/dev/null 2>&1 ||
    os port create $P-lb-1 --network $P-net --fixed-ip subnet=$P-subnet,ip-address=192.168.100.9 --security-group $P-sg \
      --allowed-address ip-address=192.168.100.2 -f value -c id >/dev/null
  os floating ip show "$FIP2" >/dev/null 2>&1 || os floating ip create public --floating-ip-address "$FIP2" --port $P-vip -f value -c id >/dev/null
  boot lb-1 "$SMOKE_DIR/lb-lb-1.yaml"
  boot cp-1 "$SMOKE_DIR/lb-cp-1.yaml"
}

down() {
  for n in worker-1 cp-1 lb-1; do os server delete --wait "$P-$n" 2>/dev/null || true; done
  os floating ip delete "$FIP" 2>/dev/null || true
  os floating ip delete "$FIP2" 2>/dev/null || true
  for n in worker-1 cp-1 lb-1 vip; do os port delete "$P-$n" 2>/dev/null || true; done
  os router remove subnet $P-r $P-subnet 2>/dev/null || true
  os router delete $P-r 2>/dev/null || true
  os security group delete $P-sg 2>/dev/null || true
  os subnet delete $P-subnet 2>/dev/null || true
  os network delete $P-net 2>/dev/null || true
  log "down"
}

pss() { # memory of the qemu processes (PSS, MiB)
  for p in $(pgrep -f qemu-system || true); do
    awk -v p="$p" '/^Pss:/ { printf "qemu pid %s: PSS %d MiB\n", p, $2 / 1024 }' "/proc/$p/smaps_rollup"
  done
  free -m | sed -n 1,2p
}

case "${1:-all}" in
  render) render ;;
  up) render; t=$(now); net_up; log "network, router, SG, ports, FIP: $(dt "$t" "$(now)") s"; boot cp-1 "$SMOKE_DIR/cp-1.yaml"
      os server add floating ip "$P-cp-1" "$FIP" ;;
  wait-cp) wait_cloud_init cp-1 ;;
  worker) boot worker-1 "$SMOKE_DIR/worker-1.yaml" ;;
  wait-worker) wait_cloud_init worker-1 ;;
  check) check ;;
  ssh) shift; vm_ssh "$@" ;;
  lb-up) lb_up "${2:-}" "${3:-}" ;;   # lb-up [NIC [fix-chk]]
  lb-wait) wait_cloud_init lb-1; wait_cloud_init cp-1 ;;
  lb-check) check "$SMOKE_DIR/kubeconfig-lb" "$FIP2" ;;
  bad-join) # negative test on a VM: worker-1 joins cp-1 directly with a wrong caCertHashes entry
      python3 "$HERE/lab-user-data.py" "$SMOKE_DIR/sim/ud/demo-worker-1.yaml" "$SMOKE_DIR/worker-1-badhash.yaml" --fip "$FIP" \
        --ssh-key "$SMOKE_DIR/id_ed25519.pub" --wrong-ca-hash
      os port show $P-worker-1 >/dev/null 2>&1 || net_up
      boot worker-1 "$SMOKE_DIR/worker-1-badhash.yaml"; wait_cloud_init worker-1
      grep -a -E 'viok-kube-double|kubeadm join' "$SMOKE_DIR/worker-1.console" | tail -n 6 ;;
  lb-all) "$0" servers-down; "$0" lb-up "${2:-ens2}" "${3:-fix-chk}"; "$0" lb-wait; "$0" lb-check; "$0" mem ;;
  servers-down) for n in worker-1 cp-1 lb-1; do os server delete --wait "$P-$n" 2>/dev/null || true; done; log "servers deleted" ;;
  mem) pss ;;
  down) down ;;
  all) "$0" up; "$0" wait-cp; "$0" check; "$0" worker; "$0" mem; "$0" wait-worker; "$0" check; "$0" mem ;;
  *) echo "usage: $0 render|up|wait-cp|worker|wait-worker|check|mem|down|all|servers-down|lb-up [NIC]|lb-wait|lb-check" >&2; exit 2 ;;
esac
