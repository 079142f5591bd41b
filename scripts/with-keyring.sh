#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring (the Secret
# Service Rollbook keeps secrets in on Linux), so tests use the real keyring, headless. The
# keyring lives in a scratch folder removed afterwards.
set -euo pipefail
kr=$(mktemp -d)
mkdir -m 700 "$kr/run"
trap 'rm -rf "$kr"' EXIT
export XDG_DATA_HOME="$kr" XDG_RUNTIME_DIR="$kr/run"
status=0
dbus-run-session -- bash -c 'echo -n rollbook-ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' keyring "$@" || status=$?
exit "$status"
