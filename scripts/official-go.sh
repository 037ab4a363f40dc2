#!/usr/bin/env bash
# Builds tools/credentials-go (the official Go credentials library, github.com/aliyun/credentials-go,
# pinned with its hashes in tools/credentials-go/go.mod and go.sum, from the Go module proxy) into
# .bin/credentials-go, for the field-parity tests. Idempotent: a stamp holding the sources' hash
# makes a second run a no-op. Prints the binary's path as its last line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/tools/credentials-go"
bin="$root/.bin/credentials-go"
want="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)"
if [[ -x "$bin" && -f "$bin.sha256" && "$(cat "$bin.sha256")" == "$want" ]]; then
  echo "$bin"
  exit 0
fi
mkdir -p "$root/.bin"
(cd "$src" && GOFLAGS=-mod=readonly go build -trimpath -o "$bin" .) >&2
echo "$want" >"$bin.sha256"
echo "$bin"
