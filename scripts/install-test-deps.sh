#!/usr/bin/env bash
# Makes sure the real clients the tests judge against are present: kubectl's versioned binaries
# (kubectl.1.27 … kubectl.1.33 beside the `kubectl` dispatcher on the PATH) and openssl.
set -euo pipefail

missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]} (install them with your package manager)" >&2
    exit 1
  fi
fi

kubectl_path=$(command -v kubectl || true)
if [ -z "$kubectl_path" ]; then
  echo "kubectl is not on the PATH; the end-to-end tests run the real kubectl (1.27 … 1.33)" >&2
  exit 1
fi
dir=$(dirname "$(readlink -f "$kubectl_path")")
for v in 1.27 1.32 1.33; do
  if [ ! -x "$dir/kubectl.$v" ] && ! command -v "kubectl.$v" >/dev/null 2>&1; then
    echo "kubectl.$v not found beside $kubectl_path; the end-to-end tests need it" >&2
    exit 1
  fi
done
