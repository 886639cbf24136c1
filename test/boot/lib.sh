# lib.sh - what the booted-VM e2e scripts share (sourced by e2e-vds.sh and e2e-nsxt.sh, never run).
# The caller sets E2E_TAG (log prefix), E2E_DIR and KEY (its key pair) first.
# shellcheck shell=bash
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WT=$(cd "$HERE/../.." && pwd)
export OSLAB_DIR=${OSLAB_DIR:-/tmp/oslab-dp}
OSLAB=${OSLAB:-$WT/../shared/openstack-lab/oslab.sh}
KUBECTL=${KUBECTL:-kubectl}
VIOK=${VIOK:-$WT/bin/viok}
IMAGE_NAME=${IMAGE_NAME:-viok-node-debian12}
CLOUD=oslab # the lab's admin project: ports on the external network, routers without SNAT
FLAVOR=viok-e2e-boot
K8S_VERSION=${K8S_VERSION:-1.31.9} # the version the image's kubectl (real) and doubles report
mkdir -p "$E2E_DIR"
eval "$(bash "$OSLAB" env)"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH # the system python3 has the OpenStack client libraries
os() { openstack --os-cloud "$CLOUD" "$@"; }
osc() { openstack --os-cloud "$CLOUD" --os-compute-api-version 2.52 "$@"; }
T0=$(date +%s)
log() { printf '[%s %s +%4ss] %s\n' "$E2E_TAG" "$(date -u +%T)" "$(($(date +%s) - T0))" "$*" | tee -a "$E2E_DIR/e2e.log" >&2; }
fail() { log "FAIL: $*"; exit 1; }
viok() { "$VIOK" "$@" --state-dir "$E2E_DIR/state"; }

# the serial consoles of every server tagged for these clusters, saved and tailed (diagnostics on failure)
save_consoles() {
  local c s
  for c in "$@"; do
    for s in $(osc server list --tags "viok-cluster=$c" -f value -c Name 2>/dev/null); do
      os console log show "$s" >"$E2E_DIR/console-$s.log" 2>&1 || true
      log "console of $s: $E2E_DIR/console-$s.log (last 15 lines)"
      tail -n 15 "$E2E_DIR/console-$s.log" | sed 's/^/    /' >&2
    done
  done
}

# the lab runs, the image is registered; the flavor, the key pair (its private key in E2E_DIR) and the
# port holding 203.0.113.80 exist
boot_fixtures() {
  os token issue -f value -c id >/dev/null || fail "the lab is not running (OSLAB_DATAPLANE=1 oslab.sh start)"
  [ -n "$(os image list --name "$IMAGE_NAME" --status active -f value -c ID)" ] ||
    fail "no active image $IMAGE_NAME: run test/boot/build-node-image.sh"
  os flavor show "$FLAVOR" >/dev/null 2>&1 || os flavor create --vcpus 1 --ram 1536 --disk 4 "$FLAVOR" >/dev/null
  # a new private key: the key pair of an older one is replaced
  [ -f "$E2E_DIR/id_ed25519" ] || { ssh-keygen -q -t ed25519 -N '' -f "$E2E_DIR/id_ed25519"; os keypair delete "$KEY" >/dev/null 2>&1 || true; }
  os keypair show "$KEY" >/dev/null 2>&1 || os keypair create --public-key "$E2E_DIR/id_ed25519.pub" "$KEY" >/dev/null
  # 203.0.113.80 is where this machine resolves deb.debian.org/registry.npmjs.org (test/boot/README.md,
  # pitfall 1): keep it out of the cluster's ports, so a host route to the mirror never shadows a node
  os port show viok-e2e-hold-80 >/dev/null 2>&1 ||
    os port create --network public --fixed-ip ip-address=203.0.113.80 viok-e2e-hold-80 >/dev/null 2>&1 || true
}

# Time to Ready (issue 21): viok create's wall time against the bound "slowest server's create ->
# ACTIVE + its boot to the last bootstrap marker", from viok's JSON events (each carries its time),
# and where the rest went: before the first server create, after the last marker, and the slowest
# node's own phases (from its console markers).
time_to_ready() { # events-file start-ms end-ms
  python3 - "$@" <<'PY'
import json, sys
from datetime import datetime
def ms(iso): return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000
start, end = float(sys.argv[2]), float(sys.argv[3])
created, active, marks = {}, {}, {}
for line in open(sys.argv[1]):
    try:
        e = json.loads(line.split("\t")[-1])
    except ValueError:
        continue
    t = ms(e["time"]) if "time" in e else None
    if t is None:
        continue
    if e.get("type") == "resource" and e.get("status") == "created" and str(e.get("key", "")).startswith("server/"):
        created[e["key"].split("/", 1)[1]] = t
    elif e.get("type") == "node" and e.get("status") == "ACTIVE":
        active.setdefault(e["node"], t)
    elif e.get("type") == "node" and e.get("bootstrap"):
        b = e["bootstrap"]
        marks.setdefault(e["node"], []).append((t, f'{b["phase"]} {b["status"]}'))
def created_at(node):
    return next((t for short, t in created.items() if node.endswith("-" + short)), None)
rows = []
for node, at in active.items():
    c = created_at(node)
    if c is None:
        continue
    last = marks[node][-1][0] if node in marks else at
    rows.append((last - c, node, c, at, last))
if not rows:
    print("  time to Ready: no server create/ACTIVE events to measure"); sys.exit(0)
bound, node, c, at, last = max(rows)
wall = end - start
first_create = min(r[2] for r in rows)
print(f"  time to Ready: create {wall/1000:.1f} s; bound {bound/1000:.1f} s (slowest: {node}, create -> ACTIVE "
      f"{(at-c)/1000:.1f} s + ACTIVE -> last marker {(last-at)/1000:.1f} s); ratio {wall/bound:.3f}")
print(f"  the rest: start -> first server create {(first_create-start)/1000:.1f} s (start-up, preflight, plan, PKI, "
      f"ports); {node}'s create after the first {(c-first_create)/1000:.1f} s; last marker -> exit "
      f"{(end-last)/1000:.1f} s (readiness through the kubeconfig, integrations)")
prev = at
for t, what in marks.get(node, []):
    print(f"    {node}: +{(t-prev)/1000:6.1f} s -> {what}")
    prev = t
PY
}
