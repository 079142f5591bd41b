#!/usr/bin/env bash
# Sets up this machine and runs every test: formatting, lints, the IPC type-drift check,
# the UI's checks and unit tests, the Rust unit and integration tests (with a real Secret
# Service keyring on a private D-Bus session), and the end-to-end tests of the real app
# window under Xvfb through tauri-driver.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A one-off build has nothing to gain from incremental caches, which double its size on disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() {
  printf '\n==> %s\n' "$*"
  df -h --output=avail . | tail -1 | xargs printf '    (disk free: %s)\n'
}

step "system packages"
scripts/setup-system.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
rustup component add clippy rustfmt >/dev/null 2>&1 || true

step "UI packages"
npm ci --prefix ui --no-audit --no-fund
npm ci --prefix tests/e2e --no-audit --no-fund

step "tauri-driver"
if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --version '^2' --locked
fi

step "rustfmt"
cargo fmt --all --check

step "IPC types match the Rust types"
cargo run -q -p rollbook-typegen -- --check

step "UI: type check, unit tests, build"
npm --prefix ui run check
npm --prefix ui test
npm --prefix ui run build

step "clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "PostgreSQL for the sync server's stories"
# The server's stories run against SQLite always and against PostgreSQL when this is set.
ROLLBOOK_TEST_DATABASE_URL="$(crates/server/scripts/start-postgres.sh)"
export ROLLBOOK_TEST_DATABASE_URL

step "Rust tests (keyring on a private D-Bus session)"
scripts/with-keyring.sh cargo test --workspace --locked

step "end-to-end tests of the real window"
cargo build -p rollbook-app --features custom-protocol --locked
# The sync test runs a real cloud (rollbook-server) and a second computer (the rollbook CLI).
cargo build -p rollbook-server -p rollbook-cli --locked
ROLLBOOK_SERVER="${CARGO_TARGET_DIR:-target}/debug/rollbook-server" \
ROLLBOOK_CLI="${CARGO_TARGET_DIR:-target}/debug/rollbook" \
  scripts/with-keyring.sh tests/e2e/run.sh "${CARGO_TARGET_DIR:-target}/debug/rollbook-app"

echo
echo "All checks passed."
