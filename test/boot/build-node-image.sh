#!/usr/bin/env bash
# build-node-image.sh - build viok's node image for the boot tests and register it in the lab's Glance.
#
#   usage: build-node-image.sh [--no-register]
#   env:   OSLAB_DIR (default /tmp/oslab-dp)   where the lab keeps its state; images go to $OSLAB_DIR/images/viok
#          IMAGE_NAME (default viok-node-debian12); BASE_ONLY=1 stops after stage 1
#          OSLAB (default /work/shared/openstack-lab/oslab.sh) for `oslab.sh env`
#
# Two cached stages, each keyed by a content hash of its inputs:
#   1. base  = image/build-image.sh (a copy of the lab's builder) + NODE_PKGS      (~5 min, mmdebstrap)
#   2. node  = base + kube-double/ + image/customize.sh + the real kubectl          (~1 min, loop mount)
#      (KUBECTL_BIN, default the host's static kubectl 1.31; the doubles report its version)
# Stage 2 runs image/customize.sh on the base's root file system: the same script the builder runs as its
# CUSTOMIZE_HOOK, so `FULL=1` (one pass through the builder with the hook) gives the same tree. Splitting
# it means a change to the test double costs a minute, not five.
#
# Output: $OUT/viok-node-debian12-<hash>.qcow2 and a symlink viok-node-debian12.qcow2; Glance image
# IMAGE_NAME with property viok_image_hash=<hash> (re-uploaded only when the hash changes).
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8
HERE=$(cd "$(dirname "$0")" && pwd)
OSLAB_DIR=${OSLAB_DIR:-/tmp/oslab-dp}
OSLAB=${OSLAB:-/work/shared/openstack-lab/oslab.sh}
IMAGE_NAME=${IMAGE_NAME:-viok-node-debian12}
OUT=$OSLAB_DIR/images/viok
REGISTER=1
[ "${1:-}" = --no-register ] && REGISTER=0

# Everything the node needs that Debian packages (the VMs reach no registry). containerd is real but
# unused by the double; kubernetes-client is Debian's kubectl (1.20: old, but a real client).
NODE_PKGS="containerd python3-yaml python3-cryptography openssl conntrack socat kubernetes-client iptables ebtables ethtool jq"

log() { printf '[build-node-image %s] %s\n' "$(date +%T)" "$*" >&2; }
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
mkdir -p "$OUT"
t0=$SECONDS

# ---- stage 1: base image (packages)
base_hash=$( { cat "$HERE/image/build-image.sh"; echo "$NODE_PKGS"; } | sha256sum | cut -c1-16)
BASE_DIR=$OUT/base-$base_hash
if [ -f "$BASE_DIR/viok-node-base.qcow2" ]; then
  log "base image cached: $BASE_DIR"
else
  log "building base image $base_hash (packages: $NODE_PKGS)"
  tb=$SECONDS
  NAME=viok-node-base EXTRA_PKGS="$NODE_PKGS" nice -n 19 bash "$HERE/image/build-image.sh" "$BASE_DIR.tmp"
  rm -rf "$BASE_DIR"; mv "$BASE_DIR.tmp" "$BASE_DIR"
  log "base image built in $((SECONDS - tb)) s"
fi

[ "${BASE_ONLY:-0}" = 1 ] && exit 0

# ---- stage 2: add the test double
# the real kubectl customize.sh copies in (its version is the one the doubles report)
export KUBECTL_BIN=${KUBECTL_BIN:-/usr/lib/google-cloud-sdk/bin/kubectl.1.31}
node_hash=$( { echo "$base_hash"; sha256sum "$KUBECTL_BIN" | cut -d' ' -f1; cd "$HERE" && find kube-double image/customize.sh -type f ! -name '*.pyc' ! -path '*/tests/*' | sort | xargs sha256sum; } | sha256sum | cut -c1-16)
NODE_IMG=$OUT/$IMAGE_NAME-$node_hash.qcow2
if [ -f "$NODE_IMG" ]; then
  log "node image cached: $NODE_IMG"
else
  log "adding the test double to a copy of the base ($node_hash)"
  ts=$SECONDS
  WORK=$(mktemp -d /tmp/viok-node-image.XXXXXX)
  MNT=$WORK/mnt LOOP=
  cleanup() { set +e; mountpoint -q "$MNT" && umount "$MNT"; [ -n "$LOOP" ] && losetup -d "$LOOP"; rm -rf "$WORK"; }
  trap cleanup EXIT
  mkdir -p "$MNT"
  nice -n 19 qemu-img convert -O raw "$BASE_DIR/viok-node-base.qcow2" "$WORK/disk.raw"
  LOOP=$(losetup --find --show --offset $((2048 * 512)) "$WORK/disk.raw")   # the builder's one partition
  mount "$LOOP" "$MNT"
  KUBE_DOUBLE_SRC=$HERE/kube-double bash "$HERE/image/customize.sh" "$MNT"
  fstrim "$MNT" 2>/dev/null || true
  umount "$MNT"; losetup -d "$LOOP"; LOOP=
  # uncompressed: faster to write and to boot from here; Glance/Nova copy it locally anyway
  nice -n 19 qemu-img convert -O qcow2 "$WORK/disk.raw" "$NODE_IMG.tmp"
  mv -f "$NODE_IMG.tmp" "$NODE_IMG"
  log "node image written in $((SECONDS - ts)) s: $(du -h "$NODE_IMG" | cut -f1)"
fi
ln -sfn "$(basename "$NODE_IMG")" "$OUT/$IMAGE_NAME.qcow2"
echo "$node_hash" > "$OUT/$IMAGE_NAME.hash"
log "image ready in $((SECONDS - t0)) s: $NODE_IMG"

# ---- register in Glance (if the lab runs)
[ "$REGISTER" = 1 ] || exit 0
eval "$(OSLAB_DIR=$OSLAB_DIR bash "$OSLAB" env)"
os() { openstack --os-cloud oslab "$@"; }
if ! os token issue -f value -c id >/dev/null 2>&1; then log "lab not running: not registered"; exit 0; fi
old_ids=$(os image list --name "$IMAGE_NAME" -f value -c ID)
for id in $old_ids; do
  if [ "$(os image show "$id" -f json | jq -r '.properties.viok_image_hash // empty')" = "$node_hash" ] &&
     [ "$(os image show "$id" -f value -c status)" = active ]; then
    log "Glance image $IMAGE_NAME ($id) already has hash $node_hash"; exit 0
  fi
done
for id in $old_ids; do os image delete "$id"; done
tu=$SECONDS
os image create "$IMAGE_NAME" --disk-format qcow2 --container-format bare --public \
  --property hw_vif_model=virtio --property hw_disk_bus=virtio --property os_distro=debian \
  --property viok_image_hash="$node_hash" --min-disk 2 --file "$NODE_IMG" -f value -c id
log "registered $IMAGE_NAME in Glance in $((SECONDS - tu)) s"
