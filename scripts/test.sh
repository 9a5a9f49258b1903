#!/usr/bin/env bash
# `npm test`: everything a fresh Debian 12 machine needs, then every tier.
#
#   scripts/test.sh            install, build, type-check, lint, then unit, host and kernel tiers
#   scripts/test.sh unit host  only the named tiers (after the same install and build)
#
# unit:   no root, no kernel: codecs, parsers, formatters, state machines
# host:   root, on the host kernel, inside network namespaces each test makes and removes
# kernel: inside a user-mode Linux kernel with real IPVS (scripts/uml-run.sh)
#
# A tier whose prerequisites are missing fails; it never skips silently.
set -euo pipefail
cd "$(dirname "$0")/.."

tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(unit host kernel)

step() { printf '\n== %s\n' "$*"; }

step "system packages"
bash scripts/install-system-deps.sh

step "npm dependencies and native build"
# npm ci builds the addon (node-gyp) and the TypeScript (prepare) as part of the install.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s <(node -p "JSON.stringify(require('./package-lock.json').packages)") \
     <(node -p "JSON.stringify(require('./node_modules/.package-lock.json').packages)") 2>/dev/null; then
  npm ci --no-audit --no-fund
else
  [ -f build/Release/vipctl_native.node ] || npm run install
  npm run build
fi

step "type-check and lint"
npx tsc -p tsconfig.json --noEmit
npx eslint .

files_of() { find "dist/test/$1" -name '*.test.js' | sort; }
failed=()
for tier in "${tiers[@]}"; do
  start=$(date +%s)
  case "$tier" in
    unit)
      step "tier unit"
      mapfile -t files < <(files_of unit)
      node --test --test-reporter=spec "${files[@]}" || failed+=(unit)
      ;;
    host)
      step "tier host"
      if [ "$(id -u)" -ne 0 ]; then echo "tier host needs root (network namespaces, raw sockets)" >&2; failed+=(host); continue; fi
      if ! ip netns add "vipctl-probe-$$" 2>/dev/null; then echo "tier host: cannot create network namespaces here" >&2; failed+=(host); continue; fi
      ip netns del "vipctl-probe-$$"
      mapfile -t files < <(files_of host)
      # One file at a time: the files start daemons (keepalived) and namespaces of their own.
      node --test --test-reporter=spec --test-concurrency=1 "${files[@]}" || failed+=(host)
      ;;
    kernel)
      step "tier kernel (user-mode Linux with IPVS)"
      mapfile -t files < <(files_of kernel)
      scripts/uml-run.sh --mem 2G -- node --test --test-reporter=spec --test-concurrency=1 "${files[@]}" || failed+=(kernel)
      ;;
    *) echo "unknown tier: $tier (unit, host, kernel)" >&2; exit 2 ;;
  esac
  echo "tier $tier: $(( $(date +%s) - start )) s"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED tiers: ${failed[*]}" >&2
  exit 1
fi
echo "all tiers passed: ${tiers[*]}"
