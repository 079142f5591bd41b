#!/usr/bin/env bash
# Installs what building, running and testing Rollbook needs on Debian/Ubuntu: the WebKitGTK
# stack Tauri builds against, the keyring and D-Bus for the PIN store, Xvfb and
# WebKitWebDriver for the end-to-end tests, LibreOffice Calc (headless) to check that the
# Excel exports open in a second spreadsheet program, and Node.js for the UI. Safe to run again.
set -euo pipefail

PACKAGES=(
  build-essential pkg-config file curl libwebkit2gtk-4.1-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev
  xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-1-dev libdbus-1-dev keyutils
  imagemagick x11-utils
  libreoffice-calc-nogui
  poppler-utils
  openssl
)

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Rollbook's UI build needs Node.js 20 or newer (found $(node --version))." >&2
  exit 1
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "==> installing the Rust toolchain"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
