#!/usr/bin/env bash
# Sets up this machine and runs the Rollbook desktop app on its local store
# (default: this user's app-data folder; set ROLLBOOK_DATA_DIR to use another).
#
# Rollbook keeps PINs and its database key in the desktop's keyring (the Secret Service).
# A desktop session has one; without one (a bare X session, a server with a display), this
# script starts GNOME Keyring for the app, unlocked with a password you type (or
# $ROLLBOOK_KEYRING_PASSWORD when there is no terminal). The keyring is kept, encrypted with
# that password, in ~/.local/share/keyrings: use the same password each time.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-system.sh
npm ci --prefix ui --no-audit --no-fund
npm --prefix ui run build
cargo build --release -p rollbook-app --features custom-protocol
app="${CARGO_TARGET_DIR:-target}/release/rollbook-app"

has_secret_service() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] &&
    dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.ListActivatableNames 2>/dev/null | grep -q org.freedesktop.secrets ||
    dbus-send --session --print-reply --dest=org.freedesktop.secrets \
      /org/freedesktop/secrets org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1
}

if has_secret_service; then
  exec "$app" "$@"
fi

password="${ROLLBOOK_KEYRING_PASSWORD:-}"
if [ -z "$password" ]; then
  if [ ! -t 0 ]; then
    echo "No keyring (Secret Service) is running and there is no terminal to ask for its" >&2
    echo "password: start the app from a desktop session, or set ROLLBOOK_KEYRING_PASSWORD." >&2
    exit 1
  fi
  read -r -s -p "Keyring password for Rollbook (the same each time): " password
  echo
fi
[ -n "$password" ] || { echo "An empty password would keep secrets in plain text; refused." >&2; exit 1; }
export ROLLBOOK_KEYRING_PASSWORD="$password"
exec dbus-run-session -- bash -c \
  'printf %s "$ROLLBOOK_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; unset ROLLBOOK_KEYRING_PASSWORD; exec "$@"' \
  rollbook "$app" "$@"
