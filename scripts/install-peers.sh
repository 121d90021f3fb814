#!/usr/bin/env bash
# Creates .venv at the repo root with the pinned Python peers (p4p, pvapy) used by the interop tests.
# A marker inside .venv records the requirement set it was built from, so a complete venv is reused as is.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
reqs="$root/requirements-peers.txt"
marker="$venv/.peers-installed"
python=${PYTHON:-python3}

# The marker holds the requirements plus the interpreter version: a changed python invalidates the venv too.
want=$(cat "$reqs"; "$python" --version 2>&1)

if [ -x "$venv/bin/python" ] && [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
  echo "peers: $venv is up to date"
  exit 0
fi

echo "peers: creating $venv with $("$python" --version 2>&1)"
rm -rf "$venv"
"$python" -m venv "$venv"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$reqs" >"$log" 2>&1; then
  echo "peers: pip install failed:" >&2
  cat "$log" >&2
  exit 1
fi

"$venv/bin/python" -c 'import p4p, pvaccess, numpy, h5py, tifffile' || {
  echo "peers: installed packages do not import" >&2
  exit 1
}
printf '%s' "$want" >"$marker"
echo "peers: installed $(grep -c '==' "$reqs") pinned packages into $venv"
