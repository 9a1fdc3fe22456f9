# The cgroup v2 guest's payload, run as root after switch_root (lane.sh prepends its settings):
# host setup takes its cgroup v2 path, then the engine's tests run on real containers as the
# service user inside its delegated cgroup, with JUnit's console launcher (no Maven in the guest).
set -uo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
results=/run/results
ip link set lo up
# The checkout comes as a share of its own: the guest's /tmp and /run are fresh tmpfs, which would
# hide a checkout that lives there (CI's clean clones may).
mkdir -p "$BERTH_ROOT"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 checkout "$BERTH_ROOT" \
  || { echo "GUEST: the checkout did not mount"; exit 11; }

echo "GUEST: kernel $(uname -r), $(nproc) CPUs, i386 entry: $(grep -o 'ia32_emulation=[^ ]*' /proc/cmdline || echo default)"
setup=$("$BERTH_ROOT/scripts/host-setup.sh") || { echo "GUEST: host setup failed"; exit 10; }
jdk=$(sed -n 's/^JDK=//p' <<<"$setup")
service_user=$(sed -n 's/^SERVICE_USER=//p' <<<"$setup")
echo $$ > "/sys/fs/cgroup/${BERTH_CGROUP_PARENT:-berth}/service/cgroup.procs"

work=/tmp/berth-lane
install -d -o "$service_user" -g "$service_user" "$work"
# The tests build their images under the module's target/, which must be a plain tmpfs here:
# overlayfs over 9p cannot copy up directories (ENODATA), so the compiled classes come along.
engine=$work/isolation-engine
install -d -o "$service_user" -g "$service_user" "$engine" "$engine/target"
cp -r "$BERTH_ROOT/isolation-engine/target/classes" "$BERTH_ROOT/isolation-engine/target/test-classes" "$engine/target/"
chown -R "$service_user:$service_user" "$engine"
# The tests find their fixtures relative to the module, as under Maven.
cd "$engine"
# C1 only: C2-compiled code crashed now and then under emulation (shared/cgroup-v2-vm/README.md).
setpriv --reuid="$service_user" --regid="$service_user" --init-groups -- \
  env HOME="$work" JAVA_HOME="$jdk" PATH="$jdk/bin:$PATH" \
  "$jdk/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.io.tmpdir="$work" \
    -cp "$engine/target/test-classes:$engine/target/classes:$(cat "$LANE_CLASSPATH")" org.junit.platform.console.ConsoleLauncher execute \
    --disable-banner --disable-ansi-colors --details=tree --select-package=dev.berth.engine \
    --reports-dir="$work/reports"
rc=$?
cp -r "$work/reports/." "$results/"
# A JVM that crashed (the tests' or a child's, whose working directory is the module) left its report here.
cp "$engine"/hs_err_pid*.log "$results/" 2>/dev/null
echo "$rc" > "$results/rc"
exit "$rc"
