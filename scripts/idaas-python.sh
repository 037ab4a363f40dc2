#!/usr/bin/env bash
# Installs the official Python IDaaS SDK (tools/idaas-python/requirements.txt) into .venv-idaas for
# the end-to-end proof (idempotent; prints the venv's python path as its last line: see
# python-venv.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec bash "$root/scripts/python-venv.sh" "${IDAAS_VENV:-$root/.venv-idaas}" "$root/tools/idaas-python/requirements.txt"
