#!/usr/bin/env python3
"""Writes the release.json the cloud's update feed reads (rollbook-server serve --releases
DIR serves DIR/<version>/release.json; see crates/server/src/updates.rs).

Usage: scripts/release-json.py --version 0.2.0 --base-url URL --notes FILE ARTIFACTS_DIR > release.json

ARTIFACTS_DIR holds the updater artifacts `tauri build` made, each with its `.sig` beside
it, in any folder depth. Each platform the updater asks for (`{os}-{arch}`) gets one
artifact: Windows the NSIS installer (it updates without an administrator), macOS the
universal .app archive (for both Intel and Apple silicon), Linux the .deb. The download URL
is BASE_URL/<file name> (where the release's assets are published). A signature that does
not name this version, or a missing one, stops it: a release the app would refuse is never
published.
"""

import argparse
import base64
import datetime
import json
import pathlib
import sys

# Which artifact serves which updater platform.
PLATFORMS = [
    ("-setup.exe", ["windows-x86_64"]),
    (".app.tar.gz", ["darwin-x86_64", "darwin-aarch64"]),
    (".deb", ["linux-x86_64"]),
]


def signed_version(signature: str) -> str | None:
    """The version in the signature's trusted comment (what requireSignedVersion checks)."""
    text = base64.b64decode(signature).decode("utf-8")
    for line in text.splitlines():
        if line.startswith("trusted comment:"):
            for field in line.split(":", 1)[1].strip().split("\t"):
                if field.startswith("version:"):
                    return field[len("version:"):]
    return None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--version", required=True)
    p.add_argument("--base-url", required=True)
    p.add_argument("--notes", type=pathlib.Path, help="a text file of what is new")
    p.add_argument("--pub-date", help="RFC 3339; default now")
    p.add_argument("artifacts", type=pathlib.Path)
    a = p.parse_args()

    if not a.base_url.startswith("https://"):
        print("the base URL must be https (the app refuses anything else)", file=sys.stderr)
        return 2
    platforms = {}
    for suffix, names in PLATFORMS:
        found = sorted(f for f in a.artifacts.rglob(f"*{suffix}") if f.is_file())
        if not found:
            continue
        if len(found) > 1:
            print(f"more than one *{suffix}: {[str(f) for f in found]}", file=sys.stderr)
            return 2
        artifact = found[0]
        sig_file = artifact.with_name(artifact.name + ".sig")
        if not sig_file.is_file():
            print(f"{artifact.name} has no .sig beside it", file=sys.stderr)
            return 2
        signature = sig_file.read_text().strip()
        signed = signed_version(signature)
        if signed != a.version:
            print(f"{artifact.name} is signed for {signed!r}, not {a.version}", file=sys.stderr)
            return 2
        for name in names:
            platforms[name] = {
                "url": f"{a.base_url.rstrip('/')}/{artifact.name}",
                "signature": signature,
            }
    if not platforms:
        print(f"no updater artifacts under {a.artifacts}", file=sys.stderr)
        return 2
    notes = a.notes.read_text().strip() if a.notes else ""
    pub_date = a.pub_date or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    json.dump(
        {"version": a.version, "notes": notes, "pub_date": pub_date, "platforms": platforms},
        sys.stdout,
        indent=2,
    )
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
