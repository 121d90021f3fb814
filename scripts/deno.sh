#!/usr/bin/env bash
# Runs the pinned Deno: the one on PATH when it is that version, otherwise the npm package of it.
set -euo pipefail
version=2.9.6
if command -v deno >/dev/null && [ "$(deno --version | head -n 1 | cut -d ' ' -f 2)" = "$version" ]; then
  exec deno "$@"
fi
exec npx --yes "deno@$version" "$@"
