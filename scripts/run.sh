#!/usr/bin/env bash
# Sets up this machine and runs the Rollbook desktop app on its local store
# (default: this user's app-data folder; set ROLLBOOK_DATA_DIR to use another).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-system.sh
npm ci --prefix ui --no-audit --no-fund
npm --prefix ui run build
cargo build --release -p rollbook-app --features custom-protocol
exec "${CARGO_TARGET_DIR:-target}/release/rollbook-app" "$@"
