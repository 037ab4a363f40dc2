#!/usr/bin/env bash
# Usage: python-venv.sh VENV REQUIREMENTS
# Installs the pinned REQUIREMENTS into an isolated virtual environment at VENV. Idempotent: a
# stamp holding the requirements' hash makes a second run a no-op. Prints the venv's python path
# as its last line (progress goes to stderr).
set -euo pipefail
venv="$1"
req="$2"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ -x "$venv/bin/python" && -f "$venv/.requirements.sha256" && "$(cat "$venv/.requirements.sha256")" == "$want" ]]; then
  echo "$venv/bin/python"
  exit 0
fi
python3 -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req" >&2
echo "$want" >"$venv/.requirements.sha256"
echo "$venv/bin/python"
