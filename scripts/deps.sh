#!/usr/bin/env bash
# deps.sh — install the Debian packages roster needs, and only those that are missing.
# usage: scripts/deps.sh run|test|bench|fuzz
#   run   what building and running roster needs
#   test  that plus what the test suite needs (cmocka, the aws CLI, boto3; for the browser tests
#         Debian's chromium, Node.js with npm, and playwright-core in tests/ui/node_modules; for
#         Microsoft's SCIM test collection newman in tests/scim/node_modules)
#   bench that plus wrk and nginx for the benchmarks
#   fuzz  what building runs with plus clang and its fuzzing runtime (make fuzz)
set -euo pipefail

want=(gcc make cmake pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev libargon2-dev libsqlite3-dev libcsv-dev
      libcurl4-openssl-dev)
case "${1:-run}" in
  run) ;;
  test) want+=(libcmocka-dev) ;;
  bench) want+=(libcmocka-dev wrk nginx-light) ;;
  fuzz) want+=(libcmocka-dev clang libclang-rt-dev) ;;
  *) echo "usage: $0 run|test|bench|fuzz" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The test suite drives the real aws CLI and boto3; take Debian's if the machine has none.
if [ "${1:-run}" = test ] || [ "${1:-run}" = bench ]; then
  command -v aws >/dev/null 2>&1 || missing+=(awscli)
  python3 -c 'import boto3' >/dev/null 2>&1 || missing+=(python3-boto3)
fi
# The browser tests (tests/ui) drive Debian's Chromium with playwright-core, which never downloads a
# browser of its own; npm installs playwright-core at the version package-lock.json pins.
if [ "${1:-run}" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-run}" = test ]; then
  root="$(cd "$(dirname "$0")/.." && pwd)"
  # The npm packages of the tests, at the versions their package-lock.json pins: playwright-core
  # (tests/ui) and newman, which runs Microsoft's SCIM test collection (tests/scim).
  # npm ci only when node_modules is missing or the lock changed since the last install.
  for dir in "$root/tests/ui:playwright-core" "$root/tests/scim:newman"; do
    d="${dir%%:*}"
    if ! cmp -s "$d/package-lock.json" "$d/node_modules/.roster-package-lock.json" 2>/dev/null; then
      echo "deps: npm ci in tests/$(basename "$d") (${dir##*:})"
      (cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
      cp "$d/package-lock.json" "$d/node_modules/.roster-package-lock.json"
    fi
  done
fi
