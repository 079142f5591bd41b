#!/usr/bin/env bash
# Installs what the benchmarks' baselines need (see docs/BENCHMARKS.md): Python's XlsxWriter
# for `cargo bench -p rollbook-core --bench export`, and pandas with openpyxl for
# `cargo bench -p rollbook-core --bench import`. Safe to run again.
set -euo pipefail

# Python module name, pip requirement.
wanted=(
  "xlsxwriter|XlsxWriter>=3.2,<4"
  "pandas|pandas>=2,<4"
  "openpyxl|openpyxl>=3.1,<4"
)

missing=()
for entry in "${wanted[@]}"; do
  module=${entry%%|*}
  requirement=${entry#*|}
  if python3 -c "import ${module}" >/dev/null 2>&1; then
    echo "${module} is installed ($(python3 -c "import ${module}; print(${module}.__version__)"))."
  else
    missing+=("${requirement}")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "==> installing ${missing[*]}"
# A distribution's own Python refuses pip installs outside a virtualenv (PEP 668); the
# baselines only need the modules importable by python3, so install them for this user then.
python3 -m pip install --quiet "${missing[@]}" \
  || python3 -m pip install --quiet --user --break-system-packages "${missing[@]}"
for entry in "${wanted[@]}"; do
  module=${entry%%|*}
  python3 -c "import ${module}; print('${module}', ${module}.__version__)"
done
