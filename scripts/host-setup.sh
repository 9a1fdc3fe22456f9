#!/usr/bin/env bash
# One-time, idempotent host preparation for Berth (run as root; ./berth calls it).
# A second run changes nothing and takes seconds.
#   - distribution packages the platform needs
#   - the unprivileged service user and its subordinate ID block
#   - cgroup delegation to the service user (v1: every hierarchy; v2: a delegated subtree)
#   - the built-in busybox image
set -euo pipefail

SERVICE_USER=${BERTH_SERVICE_USER:-berth}
BERTH_HOME=${BERTH_HOME:-/var/lib/berth}
CGROUP_PARENT=${BERTH_CGROUP_PARENT:-berth}
# 4096 tenants of 65,536 IDs each; the block starts above every range already handed out.
TENANT_IDS=65536
TENANT_SLOTS=${BERTH_TENANT_SLOTS:-4096}
SUBID_FLOOR=1048576

log() { printf '[host-setup] %s\n' "$*" >&2; }
die() { printf '[host-setup] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "host preparation needs root: run ./berth up (or ./berth test) as root or with sudo"

# ./berth up and ./berth test may prepare the host at the same moment; two runs mounting the same
# cgroup hierarchy race ("cgroup already mounted"), so they take turns.
exec 9>/run/berth-host-setup.lock
flock 9

# --- packages -------------------------------------------------------------------------------
find_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}

missing=()
for pkg in crun runc uidmap busybox-static acl gcc libc6-dev libseccomp-dev skopeo podman docker-registry openssl chromium wrk \
    postgresql-client python3 perl openjdk-17-jre-headless passt nftables dnsmasq-base; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ] || ! find_jdk >/dev/null; then
  log "installing: ${missing[*]:-} (and a JDK >= 21 if none is present)"
  apt-get update -qq
  [ ${#missing[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if ! find_jdk >/dev/null; then
    apt-get install -y -qq --no-install-recommends openjdk-21-jdk-headless >/dev/null 2>&1 \
      || apt-get install -y -qq --no-install-recommends openjdk-25-jdk-headless >/dev/null 2>&1 \
      || die "no JDK >= 21 is installed and none is packaged here: install one (e.g. Temurin 21) under /usr/lib/jvm"
  fi
fi
JDK=$(find_jdk) || die "no JDK >= 21 found under /usr/lib/jvm"

# Debian's docker client (20.10, Engine API 1.41) for the tests of Berth's Docker API. The package
# also ships dockerd and containerd: a policy-rc.d that answers 101 ("forbidden") keeps the
# package's scripts from starting them while it installs, and nothing here ever starts them.
if ! dpkg-query -W -f='${Status}' docker.io 2>/dev/null | grep -q 'install ok installed'; then
  log "installing docker.io for its client (its daemons are not started)"
  created_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# host-setup.sh: no service starts while docker.io installs\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  apt-get update -qq
  install_rc=0
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 docker.io >/dev/null || install_rc=$?
  [ -z "$created_policy" ] || rm -f /usr/sbin/policy-rc.d
  [ "$install_rc" -eq 0 ] || die "apt-get install docker.io failed ($install_rc)"
fi
for daemon in dockerd containerd; do
  if pgrep -x "$daemon" >/dev/null; then
    log "warning: a $daemon process runs on this host; Berth never starts one (policy-rc.d kept docker.io's scripts from it)"
  fi
done

# --- service user ---------------------------------------------------------------------------
if ! id "$SERVICE_USER" >/dev/null 2>&1; then
  log "creating service user $SERVICE_USER"
  useradd --system --user-group --home-dir "$BERTH_HOME/home" --shell /usr/sbin/nologin "$SERVICE_USER"
fi
install -d -o root -g root -m 755 "$BERTH_HOME"
install -d -o "$SERVICE_USER" -g "$SERVICE_USER" -m 750 "$BERTH_HOME/home"
SERVICE_UID=$(id -u "$SERVICE_USER")

next_free_id() {
  awk -F: -v floor="$SUBID_FLOOR" -v size="$TENANT_IDS" '
    { end = $2 + $3; if (end > max) max = end }
    END { if (max < floor) max = floor; print int((max + size - 1) / size) * size }' /etc/subuid /etc/subgid 2>/dev/null
}
# Tenant ranges use the same numbers for uids and gids, so both blocks start at the same ID.
touch /etc/subuid /etc/subgid
start=$(awk -F: -v u="$SERVICE_USER" -v id="$SERVICE_UID" '$1 == u || $1 == id { print $2; exit }' /etc/subuid /etc/subgid)
start=${start:-$(next_free_id)}
end=$((start + TENANT_IDS * TENANT_SLOTS - 1))
for file in /etc/subuid /etc/subgid; do
  if ! grep -qE "^($SERVICE_USER|$SERVICE_UID):" "$file"; then
    if awk -F: -v s="$start" -v e="$end" '$2 <= e && $2 + $3 - 1 >= s { found = 1 } END { exit !found }' "$file"; then
      die "IDs $start-$end are already given to another user in $file: give $SERVICE_USER a free block of $((TENANT_IDS * TENANT_SLOTS)) IDs starting at the same ID in /etc/subuid and /etc/subgid"
    fi
    log "giving $SERVICE_USER subordinate IDs $start-$end in $file"
    if [ "$file" = /etc/subuid ]; then usermod --add-subuids "$start-$end" "$SERVICE_USER"
    else usermod --add-subgids "$start-$end" "$SERVICE_USER"; fi
  fi
done

# runc opens the host's / to pivot into the container, as container root (the service user); an
# ACL entry that gives the service user less than everyone else on / breaks every runc start.
if ! setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- test -r /; then
  log "letting $SERVICE_USER read / (runc needs it)"
  setfacl -m "u:$SERVICE_USER:rx" /
fi

# Egress jobs: pasta (run as the service user) opens /dev/net/tun inside each job's network
# namespace. The service user gets an ACL entry; the device's mode is left as the host has it.
# A kernel with tun as a module (Debian's, as in the cgroup v2 lane) has no device node until the
# module is loaded.
[ -e /dev/net/tun ] || modprobe tun 2>/dev/null || true
if [ ! -e /dev/net/tun ]; then
  log "warning: no /dev/net/tun (load the tun module: modprobe tun); egress jobs will end EnforcementUnavailable"
elif ! getfacl -cp /dev/net/tun 2>/dev/null | grep -qx "user:$SERVICE_USER:rw-"; then
  log "letting $SERVICE_USER open /dev/net/tun (pasta, for egress jobs)"
  setfacl -m "u:$SERVICE_USER:rw" /dev/net/tun
fi

# --- cgroups --------------------------------------------------------------------------------
delegate() { # $1 = cgroup directory to create and hand to the service user
  [ -d "$1" ] || mkdir "$1"
  chown -R "$SERVICE_USER:$SERVICE_USER" "$1"
}

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  log "cgroup v2: delegating /sys/fs/cgroup/$CGROUP_PARENT"
  for controller in cpu memory pids; do
    grep -qw "$controller" /sys/fs/cgroup/cgroup.subtree_control || echo "+$controller" > /sys/fs/cgroup/cgroup.subtree_control
  done
  delegate "/sys/fs/cgroup/$CGROUP_PARENT"
  # The service itself lives in a leaf of the delegated subtree so that moving its containers
  # never needs write access above it (cgroup v2's common-ancestor rule).
  delegate "/sys/fs/cgroup/$CGROUP_PARENT/service"
  for controller in cpu memory pids; do
    grep -qw "$controller" "/sys/fs/cgroup/$CGROUP_PARENT/cgroup.subtree_control" \
      || echo "+$controller" > "/sys/fs/cgroup/$CGROUP_PARENT/cgroup.subtree_control"
  done
else
  # Hybrid hosts: crun 1.8 refuses to start while a controller (hugetlb here) is attached only to
  # the cgroup2 tree. Giving every enabled controller without a v1 mount a hierarchy of its own
  # empties that tree (and re-attaches one left unmounted).
  if [ -d /sys/fs/cgroup/unified ]; then
    mounted=$(awk '{ split($0, halves, " - "); split(halves[2], fs, " "); if (fs[1] == "cgroup") print fs[3] }' /proc/self/mountinfo | tr ',' '\n')
    for controller in $(awk 'NR > 1 && $4 == 1 { print $1 }' /proc/cgroups); do
      printf '%s\n' "$mounted" | grep -qx "$controller" && continue
      log "hybrid cgroups: mounting a v1 hierarchy for $controller"
      mkdir -p "/sys/fs/cgroup/$controller"
      mount -t cgroup -o "$controller" cgroup "/sys/fs/cgroup/$controller"
    done
  fi
  # Rootless limits on v1 need a subtree owned by the service user in every hierarchy,
  # name=systemd, unified and cpuset included.
  while read -r mountpoint fstype; do
    case "$fstype" in cgroup|cgroup2) ;; *) continue ;; esac
    delegate "$mountpoint/$CGROUP_PARENT"
    if [ -f "$mountpoint/cpuset.cpus" ] && [ -z "$(cat "$mountpoint/$CGROUP_PARENT/cpuset.cpus")" ]; then
      cat "$mountpoint/cpuset.cpus" > "$mountpoint/$CGROUP_PARENT/cpuset.cpus"
      cat "$mountpoint/cpuset.mems" > "$mountpoint/$CGROUP_PARENT/cpuset.mems"
    fi
  done < <(awk '{ split($0, halves, " - "); split(halves[2], fs, " "); print $5, fs[1] }' /proc/self/mountinfo)
  log "cgroup v1: delegated /$CGROUP_PARENT in every hierarchy"
fi

# --- built-in busybox image ------------------------------------------------------------------
# A root-owned, read-only root filesystem shared by every job; the service user cannot alter it.
IMAGES="$BERTH_HOME/images"
install -d -o root -g root -m 755 "$IMAGES"
BUSYBOX=$(command -v busybox) || die "busybox-static is not installed"
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }
file_is_static "$BUSYBOX" || BUSYBOX=/bin/busybox
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
rootfs="$staging/rootfs"
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,work}
install -m 755 "$BUSYBOX" "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/tmp:/bin/sh\njob:x:1000:1000:job:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\njob:x:1000:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
chmod 1777 "$rootfs/tmp"
digest="sha256:$(tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf - . | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$IMAGES/busybox/digest" 2>/dev/null)" != "$digest" ]; then
  log "installing the built-in busybox image ($digest)"
  rm -rf "$IMAGES/busybox.new"
  mkdir -p "$IMAGES/busybox.new"
  mv "$rootfs" "$IMAGES/busybox.new/rootfs"
  echo "$digest" > "$IMAGES/busybox.new/digest"
  chown -R root:root "$IMAGES/busybox.new"
  chmod -R go-w "$IMAGES/busybox.new"
  rm -rf "$IMAGES/busybox"
  mv "$IMAGES/busybox.new" "$IMAGES/busybox"
fi

echo "JDK=$JDK"
echo "SERVICE_USER=$SERVICE_USER"
echo "BERTH_HOME=$BERTH_HOME"
