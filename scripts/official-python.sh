#!/usr/bin/env bash
# Installs the official Alibaba Cloud Python SDKs (IMS, RAM, STS, EIAM) and alibabacloud-credentials,
# pinned in tools/official-python/requirements.txt, into .venv-official for the field-parity tests
# (idempotent; prints the venv's python path as its last line: see python-venv.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec bash "$root/scripts/python-venv.sh" "${OFFICIAL_PYTHON_VENV:-$root/.venv-official}" \
  "$root/tools/official-python/requirements.txt"
