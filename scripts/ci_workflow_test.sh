#!/usr/bin/env bash
# Runs the commands of docs/ci.md the way a CI runner would: install Candor to a prefix, then,
# in a clean environment whose PATH holds no Swift toolchain, check the report, build it, and
# publish it to a folder; a second build with unchanged inputs must be skipped by --if-changed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make install PREFIX="$work/prefix" >/dev/null
cp -R Content "$work/report"
clean=(env -i HOME="$work" PATH="$work/prefix/bin:/usr/bin:/bin" CI=true)
if "${clean[@]}" sh -c 'command -v swift' >/dev/null; then echo "ci-workflow: swift is on the clean PATH" >&2; exit 1; fi
cd "$work"
"${clean[@]}" candor check --content report --format github
"${clean[@]}" candor build --content report --output site --strict --format github
"${clean[@]}" candor build --content report --output site --if-changed 2> second.log
grep -q "inputs unchanged" second.log || { echo "ci-workflow: --if-changed did not skip an unchanged build" >&2; exit 1; }
mkdir -p public && cp -R site/. public/
test -s public/index.html && test -s public/data/report.json
test -s prefix/share/bash-completion/completions/candor
echo "ci-workflow: 1 passed, 0 failed"
