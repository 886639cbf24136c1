#!/usr/bin/env bash
# COPIED from /work/shared/openstack-lab/dataplane/build-image.sh (the lab's guest image builder) for
# viok's boot tests. Changes, all marked "viok:": NAME is configurable (env NAME), and an optional
# CUSTOMIZE_HOOK (a script run as `CUSTOMIZE_HOOK ROOT_MOUNT` before the image is shrunk) can add files.
# test/boot/build-node-image.sh drives it; keep the rest in step with the lab's original.
# build-image.sh - build a small, bootable Debian 12 (bookworm) cloud image OFFLINE-from-apt:
#   mmdebstrap (packages from the host's configured apt mirror) -> ext4 root in an MBR-partitioned
#   raw disk -> extlinux bootloader -> compressed qcow2.
#
#   usage: build-image.sh OUT_DIR
#   env:   SIZE=2G (virtual disk size; cloud-init growpart grows the partition to the flavor disk)
#          EXTRA_PKGS="..." (more packages for the guest)
#
# Output in OUT_DIR:
#   debian12-dp.qcow2           bootable disk (MBR + extlinux, root on /dev/vda1, console on ttyS0)
#   vmlinuz, initrd.img         the same kernel/initrd, for direct kernel boot
#                               (qemu -kernel/-initrd, or Glance AKI/ARI images + kernel_id/ramdisk_id)
#   build.log                   build log (mirror URLs replaced by "<mirror>")
#
# The apt mirror is read from the host's /etc/apt/sources.list* at run time and is written to no file:
# the guest's apt sources are removed at the end (the image needs no apt), and the log is filtered.
#
# Needs root, loop devices (the partition is attached at its offset: no losetup -P needed), ext4 mount, and:
#   mmdebstrap extlinux syslinux-common qemu-utils e2fsprogs fdisk(sfdisk)
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8

[ $# -ge 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: needs root (loop devices, mount, chroot)" >&2; exit 1; }
for c in mmdebstrap extlinux qemu-img sfdisk mkfs.ext4 losetup blkid; do
  command -v "$c" >/dev/null || { echo "$0: missing $c (apt-get install mmdebstrap extlinux syslinux-common qemu-utils e2fsprogs fdisk)" >&2; exit 1; }
done
OUT_DIR=$1
SIZE=${SIZE:-2G}
SUITE=bookworm
NAME=${NAME:-debian12-dp}   # viok: configurable
PKGS="linux-image-cloud-amd64 systemd systemd-sysv systemd-resolved udev dbus
cloud-init cloud-guest-utils netplan.io openssh-server sudo
keepalived haproxy iproute2 iputils-ping curl ca-certificates procps less
e2fsprogs fdisk initramfs-tools zstd ${EXTRA_PKGS:-}"

mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
LOGF=$OUT_DIR/build.log
: > "$LOGF"
log() { printf '[build %s] %s\n' "$(date +%T)" "$*" | tee -a "$LOGF" >&2; }
t0=$SECONDS

# ---- apt sources for the guest: the host's Debian entries for $SUITE*, read at run time
SRC=$(mktemp)
{
  # deb822 (*.sources): print "deb URI SUITE COMPONENTS" per Debian suite of this release
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v s="$SUITE" '
      function flush() { if (u != "" && su != "") { n = split(su, a, " "); for (i = 1; i <= n; i++) if (a[i] ~ "^" s) print "deb " u " " a[i] " main" } u = ""; su = "" }
      /^[ \t]*$/ { flush(); next }
      /^URIs:/   { u = $2 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); su = $0 }
      END { flush() }' "$f"
  done
  # one-line format
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    sed 's/\[[^]]*\]//' | awk -v s="$SUITE" '$1 == "deb" && $3 ~ "^" s { print "deb " $2 " " $3 " main" }'
} | sort -u > "$SRC"
[ -s "$SRC" ] || { log "no Debian $SUITE entry in /etc/apt/sources.list*"; exit 1; }
log "guest apt sources (from the host): $(wc -l < "$SRC") entries"

# ---- raw disk: one bootable MBR partition from 1 MiB
WORK=$(mktemp -d /tmp/build-image.XXXXXX)
RAW=$WORK/disk.raw MNT=$WORK/mnt LOOP=
cleanup() {
  set +e
  for m in dev/pts dev proc sys; do mountpoint -q "$MNT/$m" && umount -l "$MNT/$m"; done
  mountpoint -q "$MNT" && umount "$MNT"
  [ -n "$LOOP" ] && losetup -d "$LOOP"
  rm -rf "$WORK" "$SRC"
}
trap cleanup EXIT
mkdir -p "$MNT"
truncate -s "$SIZE" "$RAW"
echo 'label: dos
start=2048, type=83, bootable' | sfdisk -q "$RAW"
# The partition is attached as its own loop device at its byte offset: this kernel has no loop
# partition scanning (no /dev/loopNp1), and that works everywhere.
PSTART=2048
LOOP=$(losetup --find --show --offset $((PSTART * 512)) "$RAW")
PART=$LOOP
# extlinux (syslinux 6.04) cannot read ext4 "64bit"/"orphan_file"; keep the feature set conservative
mkfs.ext4 -q -L rootfs -O ^64bit,^orphan_file,^metadata_csum_seed "$PART"
UUID=$(blkid -s UUID -o value "$PART")
mount "$PART" "$MNT"

# ---- the root file system
log "mmdebstrap $SUITE (packages: $(echo $PKGS | wc -w))"
# shellcheck disable=SC2086
mmdebstrap --variant=apt --mode=root --format=directory \
  --aptopt='APT::Install-Recommends "false"' --dpkgopt=force-unsafe-io \
  --include="$(echo $PKGS | tr ' ' ',')" \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"; echo COMPRESS=zstd > "$1/etc/initramfs-tools/conf.d/compress"' \
  "$SUITE" "$MNT" "$SRC" 2>&1 | sed -E 's#[a-z]+://[^ ]+#<mirror>#g' >> "$LOGF"
log "rootfs installed ($(du -sh --exclude=proc "$MNT" 2>/dev/null | cut -f1))"

# ---- configuration inside the image
cat > "$MNT/etc/fstab" <<EOF
UUID=$UUID / ext4 defaults,errors=remount-ro 0 1
EOF
echo localhost > "$MNT/etc/hostname"
: > "$MNT/etc/machine-id"                # regenerated on first boot (DHCP DUIDs derive from it)
rm -f "$MNT/var/lib/dbus/machine-id"
mkdir -p "$MNT/etc/cloud/cloud.cfg.d"
cat > "$MNT/etc/cloud/cloud.cfg.d/90-dataplane.cfg" <<'EOF'
# NoCloud (cidata seed), Nova config drive (config-2) and the Nova metadata service
datasource_list: [ NoCloud, ConfigDrive, OpenStack, None ]
datasource:
  OpenStack:
    max_wait: 30
    timeout: 5
# ed25519 only: RSA host key generation is slow under TCG
ssh_genkeytypes: [ ed25519 ]
# Debian's default (en_US.UTF-8) runs locale-gen on first boot: ~20 s under TCG, and fails without locales-all
locale: false
EOF
# no periodic jobs in a short-lived test VM
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
  chroot "$MNT" systemctl disable "$u" >/dev/null 2>&1 || true
done

# ---- kernel, initramfs, bootloader
KVER=$(basename "$(ls -1 "$MNT"/boot/vmlinuz-* | sort -V | tail -1)" | sed 's/^vmlinuz-//')
CMDLINE="root=UUID=$UUID ro console=tty0 console=ttyS0,115200n8"
mkdir -p "$MNT/boot/extlinux"
cat > "$MNT/boot/extlinux/extlinux.conf" <<EOF
DEFAULT debian
PROMPT 0
TIMEOUT 0
SERIAL 0 115200
LABEL debian
  LINUX /boot/vmlinuz-$KVER
  INITRD /boot/initrd.img-$KVER
  APPEND $CMDLINE
EOF
extlinux --install "$MNT/boot/extlinux" >> "$LOGF" 2>&1
cp "$MNT/boot/vmlinuz-$KVER" "$OUT_DIR/vmlinuz"
cp "$MNT/boot/initrd.img-$KVER" "$OUT_DIR/initrd.img"
log "kernel $KVER, initrd $(du -h "$OUT_DIR/initrd.img" | cut -f1)"

# ---- viok: optional customisation hook (adds files to the root file system)
if [ -n "${CUSTOMIZE_HOOK:-}" ]; then
  log "customize hook $CUSTOMIZE_HOOK"
  "$CUSTOMIZE_HOOK" "$MNT" >> "$LOGF" 2>&1
fi

# ---- shrink
chroot "$MNT" apt-get clean
# no mirror host name inside the image (mmdebstrap copied the host's sources into it)
rm -f "$MNT"/etc/apt/sources.list "$MNT"/etc/apt/sources.list.d/* 2>/dev/null || true
: > "$MNT/etc/apt/sources.list"
rm -rf "$MNT"/var/lib/apt/lists/* "$MNT"/var/cache/apt/*.bin "$MNT"/var/log/*.log "$MNT"/tmp/* 2>/dev/null || true
rm -rf "$MNT"/usr/share/doc/* "$MNT"/usr/share/man/* "$MNT"/usr/share/info/* 2>/dev/null || true
USED=$(df -h --output=used "$MNT" | tail -1 | tr -d ' ')
fstrim "$MNT" 2>/dev/null || true
sync
umount "$MNT"
losetup -d "$LOOP"; LOOP=
# MBR boot code; and the partition offset in the extlinux boot sector's BPB "hidden sectors" field
# (extlinux saw a loop device starting at 0, so it wrote 0 there)
dd if=/usr/lib/EXTLINUX/mbr.bin of="$RAW" bs=440 count=1 conv=notrunc status=none
printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((PSTART & 255)) $((PSTART >> 8 & 255)) $((PSTART >> 16 & 255)) $((PSTART >> 24 & 255)))" |
  dd of="$RAW" bs=1 seek=$((PSTART * 512 + 0x1C)) conv=notrunc status=none

# ---- qcow2
qemu-img convert -c -O qcow2 "$RAW" "$OUT_DIR/$NAME.qcow2.tmp"
mv -f "$OUT_DIR/$NAME.qcow2.tmp" "$OUT_DIR/$NAME.qcow2"
log "image $OUT_DIR/$NAME.qcow2: $(du -h "$OUT_DIR/$NAME.qcow2" | cut -f1) on disk (virtual $SIZE, root fs used $USED)"
echo "root=UUID=$UUID" > "$OUT_DIR/root-uuid"
log "done in $((SECONDS - t0)) s"
