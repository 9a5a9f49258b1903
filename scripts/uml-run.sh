#!/usr/bin/env bash
# Runs a command inside a real Linux kernel with IPVS: Debian's user-mode Linux, booted with
# the host's / as its root file system (see ../shared/docs/kernel-test-bed.md). The command's
# output and exit status come back out; the kernel's own console chatter does not.
#
#   scripts/uml-run.sh [--mem 1G] -- COMMAND [ARGS...]
#
# Inside: /proc, /sys, a tmpfs /run (with /run/netns), the UML modules bound on /lib/modules,
# ip_vs with every scheduler and veth loaded, loopback up, and the caller's working directory.
set -euo pipefail

mem=1G
while [ $# -gt 0 ]; do
  case "$1" in
    --mem) mem=$2; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: uml-run.sh [--mem SIZE] -- COMMAND..." >&2; exit 2; }

kernel=/usr/bin/linux.uml
if [ ! -x "$kernel" ]; then
  echo "uml-run: $kernel is missing: install the user-mode-linux package (scripts/install-system-deps.sh)" >&2
  exit 3
fi
modules_root=/usr/lib/uml/modules
if [ ! -d "$modules_root" ]; then
  echo "uml-run: $modules_root is missing: the user-mode-linux package is incomplete" >&2
  exit 3
fi

work=$(mktemp -d /tmp/vipctl-uml.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf '%q ' "$@" > "$work/command"
env | grep -E '^(CI|NODE_OPTIONS|VIPCTL_[A-Z_]*|NO_COLOR|FORCE_COLOR|TERM)=' > "$work/env" || true

cat > "$work/init.sh" <<INIT
#!/bin/bash
# PID 1 inside the user-mode kernel.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
mkdir -p /lib/modules 2>/dev/null || true
mount --bind $modules_root /lib/modules
for module in ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_fo ip_vs_ovf ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_mh ip_vs_sed ip_vs_nq ip_vs_twos ip_vs_ftp ip_vs_pe_sip veth dummy; do
  modprobe \$module 2>/dev/null || true
done
ip link set lo up
set -a; . $work/env; set +a
export VIPCTL_IN_UML=1
cd $(printf '%q' "$PWD")
bash -c "\$(cat $work/command)" > $work/stdout 2>&1
echo \$? > $work/status
sync
poweroff -f
INIT
chmod +x "$work/init.sh"

# Boot. The console goes to a log (kernel messages are noise unless the boot fails).
"$kernel" mem="$mem" rootfstype=hostfs rootflags=/ rw init="$work/init.sh" con=null con0=fd:0,fd:1 \
  </dev/null >"$work/console" 2>&1 || true

if [ ! -f "$work/status" ]; then
  echo "uml-run: the user-mode kernel stopped before the command finished; its console said:" >&2
  tail -n 40 "$work/console" >&2
  [ -f "$work/stdout" ] && cat "$work/stdout"
  exit 4
fi
cat "$work/stdout"
exit "$(cat "$work/status")"
