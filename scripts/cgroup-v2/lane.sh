#!/usr/bin/env bash
# The cgroup v2 lane: boots Debian's kernel under QEMU (software emulation; no KVM here) with a pure
# cgroup2 hierarchy and every controller, with this machine's root filesystem shared read-only, and
# runs the engine's tests there on real containers. Run as root by ./berth test after the host's
# suite; the caller has built the engine's test classes and written their classpath.
#   scripts/cgroup-v2/lane.sh CLASSPATH_FILE RESULTS_DIR
# Environment: BERTH_VM_TIMEOUT (default 1800 s), BERTH_VM_TCG_THREAD (multi|single, default multi),
# BERTH_VM_APPEND (extra kernel parameters).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
classpath=$(realpath "$1")
results=$(realpath -m "$2")

log() { printf '[cgroup-v2 lane] %s\n' "$*" >&2; }
die() { printf '[cgroup-v2 lane] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "the lane boots a guest with the host's root filesystem: run ./berth test as root"
[ -s "$classpath" ] || die "no test classpath in $classpath: run it through ./berth test"

missing=()
for pkg in qemu-system-x86 linux-image-amd64 cpio busybox-static iproute2; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -n 1)
[ -n "$kernel" ] || die "no kernel under /boot: apt-get install --no-install-recommends linux-image-amd64"
kver=${kernel#/boot/vmlinuz-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The modules the initramfs loads, in dependency order: virtio transport, 9p, overlay.
modules="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay"
mkdir -p "$work/initramfs/bin" "$work/initramfs/mods"
cp "$(command -v busybox)" "$work/initramfs/bin/busybox"
present=()
for m in $modules; do
  file=$(find "/lib/modules/$kver" -name "$m.ko*" | head -n 1)
  [ -n "$file" ] || continue  # built into this kernel
  case "$file" in
    *.ko.xz) xz -dc "$file" > "$work/initramfs/mods/$m.ko" ;;
    *.ko.zst) zstd -qdc "$file" > "$work/initramfs/mods/$m.ko" ;;
    *) cp "$file" "$work/initramfs/mods/$m.ko" ;;
  esac
  present+=("$m")
done
printf '%s\n' "${present[@]}" > "$work/initramfs/modules"
install -m 755 "$here/init" "$work/initramfs/init"
{
  printf 'BERTH_ROOT=%q\nLANE_CLASSPATH=%q\nBERTH_CGROUP_PARENT=%q\n' "$root" "$classpath" "${BERTH_CGROUP_PARENT:-berth}"
  cat "$here/engine-tests.sh"
} > "$work/initramfs/guest.sh"
(cd "$work/initramfs" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$work/initramfs.gz")

rm -rf "$results"
mkdir -p "$results"
log "booting $kver with cgroup v2 only (software emulation, about 12x slower than this machine)"
started=$(date +%s)
set +e
# Nehalem: -cpu max made the JDK crash in JIT-compiled code under emulation.
timeout --foreground "${BERTH_VM_TIMEOUT:-1800}" qemu-system-x86_64 \
  -accel "tcg,thread=${BERTH_VM_TCG_THREAD:-multi}" -cpu Nehalem -smp 2 -m 6144 -nographic -no-reboot \
  -kernel "$kernel" -initrd "$work/initramfs.gz" \
  -append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all ${BERTH_VM_APPEND:-}" \
  -virtfs "local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap" \
  -virtfs "local,path=$root,mount_tag=checkout,security_model=passthrough,readonly=on,multidevs=remap" \
  -virtfs "local,path=$results,mount_tag=results,security_model=passthrough,multidevs=remap" \
  < /dev/null
qemu_rc=$?
set -e
# The reports belong to whoever owns the build output, so a later clean as the service user works.
chown -R --reference="$(dirname "$results")" "$results"
elapsed=$(( $(date +%s) - started ))
[ "$qemu_rc" -ne 124 ] || die "the guest did not finish within ${BERTH_VM_TIMEOUT:-1800} s"
[ -f "$results/rc" ] || die "the guest ended (qemu exit $qemu_rc) without reporting a result; its console output is above"
rc=$(cat "$results/rc")
log "engine tests on cgroup v2 finished in ${elapsed} s with exit code $rc; reports in $results"
exit "$rc"
