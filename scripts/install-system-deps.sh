#!/usr/bin/env bash
# Installs the Debian packages vipctl's build, tests and benchmarks use.
# Idempotent: does nothing when every package is already present.
set -euo pipefail

packages=(
  iproute2          # ip netns / veth for the host tier
  kmod              # modprobe inside the user-mode kernel
  user-mode-linux   # a real Linux kernel with IPVS, run as a process (kernel tier)
  ipvsadm           # the reference for `vipctl lb`
  keepalived        # the reference for `vipctl vrrp` and `vipctl config lint`
  tcpdump           # the reference for `vipctl vrrp sniff`
  tshark            # a second decoder, used to write pcapng test captures
  procps            # pgrep/pkill used by test clean-up
  python3 make g++  # node-gyp's build of the native addon
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
