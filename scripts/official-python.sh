#!/usr/bin/env bash
# Installs the official Alibaba Cloud Python SDKs (IMS, RAM, STS, EIAM) and alibabacloud-credentials,
# pinned in tools/official-python/requirements.txt, into an isolated virtual environment,
# .venv-official, for the field-parity tests. Idempotent: a stamp holding the requirements' hash
# makes a second run a no-op. Prints the venv's python path as its last line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${OFFICIAL_PYTHON_VENV:-$root/.venv-official}"
req="$root/tools/official-python/requirements.txt"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$venv/.requirements.sha256" && "$(cat "$venv/.requirements.sha256")" == "$want" ]]; then
  echo "$venv/bin/python"
  exit 0
fi
python3 -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req" >&2
echo "$want" >"$venv/.requirements.sha256"
echo "$venv/bin/python"
