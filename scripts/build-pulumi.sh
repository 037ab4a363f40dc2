#!/usr/bin/env bash
# Builds the Pulumi CLI (and the Node.js language host) from the Go module
# proxy and installs them, with our pulumi-resource-pulumi-nodejs shim, into
#   ${PULUMI_HOME:-$HOME/.pulumi}/versions/<version>/bin/
# which is where the npm `pulumi` wrapper and the Automation API look for a
# cached CLI. The pinned modules and their hashes are in tools/go.mod and
# tools/go.sum.
#
# Idempotent: a binary that is already installed (pulumi reporting the right
# version) is not rebuilt, so a warm run takes about a second. A cold build
# takes several minutes on 2 cores.
#
# Progress goes to stderr; the last line on stdout is the bin folder:
#   PULUMI_BIN=$(bash scripts/build-pulumi.sh)
set -euo pipefail

PULUMI_VERSION=3.259.0
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/tools"
BIN="${PULUMI_HOME:-$HOME/.pulumi}/versions/$PULUMI_VERSION/bin"
SHIM=pulumi-resource-pulumi-nodejs

CLI_PKG=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
# The Node.js language host comes from its own pinned module: see
# tools/langhost/tools.go for why it is 3.68.0.
LANGHOST_VERSION=3.68.0
LANGHOST_PKG=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

log() { echo "build-pulumi: $*" >&2; }

cli_ok() {
  [ -x "$BIN/pulumi" ] || return 1
  local v
  v=$(PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" version 2>/dev/null) || return 1
  [ "$v" = "v$PULUMI_VERSION" ]
}

langhost_ok() {
  [ -x "$BIN/pulumi-language-nodejs" ] && [ -f "$BIN/.pulumi-language-nodejs.version" ] &&
    [ "$(cat "$BIN/.pulumi-language-nodejs.version")" = "$LANGHOST_VERSION" ]
}

# go_build NAME PACKAGE MODULE_DIR VERSION: builds PACKAGE from the module in
# MODULE_DIR into $BIN/NAME, stamped with VERSION.
go_build() {
  local name=$1 pkg=$2 dir=$3 version=$4 tmp
  tmp=$(mktemp "$BIN/.$name.XXXXXX")
  local start=$SECONDS
  if ! (
    cd "$dir"
    # go.sum pins every module's hash, so the checksum database (not reachable
    # from our machines) is not needed; -mod=readonly fails on a missing entry.
    CGO_ENABLED=0 GOTOOLCHAIN=local GOSUMDB=off GOFLAGS="-buildvcs=false -mod=readonly" \
      go build -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
      -o "$tmp" "$pkg" >&2
  ); then
    rm -f "$tmp"
    log "FAILED to build $name ($pkg)"
    return 1
  fi
  chmod 0755 "$tmp"
  mv -f "$tmp" "$BIN/$name"
  log "built $name in $((SECONDS - start))s"
}

command -v go >/dev/null || { log "go is not installed"; exit 1; }
mkdir -p "$BIN"

if cli_ok; then
  log "[1/3] pulumi v$PULUMI_VERSION already installed"
else
  log "[1/3] building pulumi v$PULUMI_VERSION (cold build: several minutes)..."
  go_build pulumi "$CLI_PKG" "$TOOLS" "$PULUMI_VERSION"
  cli_ok || { log "installed pulumi does not report v$PULUMI_VERSION"; exit 1; }
fi

if langhost_ok; then
  log "[2/3] pulumi-language-nodejs already installed"
else
  log "[2/3] building pulumi-language-nodejs v$LANGHOST_VERSION..."
  go_build pulumi-language-nodejs "$LANGHOST_PKG" "$TOOLS/langhost" "$LANGHOST_VERSION"
  echo "$LANGHOST_VERSION" >"$BIN/.pulumi-language-nodejs.version"
fi

if cmp -s "$TOOLS/$SHIM" "$BIN/$SHIM" && [ -x "$BIN/$SHIM" ]; then
  log "[3/3] $SHIM already installed"
else
  log "[3/3] installing $SHIM"
  install -m 0755 "$TOOLS/$SHIM" "$BIN/$SHIM"
fi

echo "$BIN"
