#!/usr/bin/env bash
# Installs what the benchmarks' baselines need (see docs/BENCHMARKS.md): Python's XlsxWriter
# for `cargo bench -p rollbook-core --bench export`. Safe to run again.
set -euo pipefail

if python3 -c 'import xlsxwriter' >/dev/null 2>&1; then
  echo "XlsxWriter is installed ($(python3 -c 'import xlsxwriter; print(xlsxwriter.__version__)'))."
  exit 0
fi
echo "==> installing Python's XlsxWriter"
# A distribution's own Python refuses pip installs outside a virtualenv (PEP 668); the
# baseline only needs the module importable by python3, so install it for this user then.
python3 -m pip install --quiet 'XlsxWriter>=3.2,<4' \
  || python3 -m pip install --quiet --user --break-system-packages 'XlsxWriter>=3.2,<4'
python3 -c 'import xlsxwriter; print("XlsxWriter", xlsxwriter.__version__)'
