#!/usr/bin/env bash
# Installs, non-interactively, whatever of the build dependencies is missing on
# Debian 12. Safe to run again: it does nothing when everything is present.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache git pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev libssl-dev
  clang-14 libclang-rt-14-dev   # libFuzzer and the sanitizer runtimes
  openssl ca-certificates
  tinyproxy                     # the real HTTP proxy of test_proxy
)
[[ "${ANTHROPIC_WITH_NODE:-0}" == 1 ]] && packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "installing: ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
