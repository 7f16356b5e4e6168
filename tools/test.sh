#!/usr/bin/env bash
# Every test of lr0, on a fresh Debian machine with a JDK 17: installs the Debian packages the tests need
# (tools/test-requirements.tsv) as root or through sudo, or names the apt-get line and stops; then the Python tools'
# tests and lint, and ./mvnw -B verify (unit, topology, and integration tests on a real embedded broker). About 20 minutes
# on 2 vCPUs; .ci/run runs this same script.
#   tools/test.sh                 everything
#   tools/test.sh --check         only say what is missing (exit 1 if anything is)
#   tools/test.sh -- ARGS         pass ARGS to ./mvnw -B verify (e.g. -- -Dit.test=PipelineIT)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v javac >/dev/null || {
  echo "tools/test.sh: no JDK here; install one: sudo apt-get install -y openjdk-17-jdk-headless" >&2; exit 1; }

missing=()
while IFS=$'\t' read -r package check _; do
  case "$package" in ''|'#'*) continue ;; esac
  bash -c "$check" >/dev/null 2>&1 || missing+=("$package")
done < tools/test-requirements.tsv

if [ ${#missing[@]} -gt 0 ]; then
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "${1:-}" = "--check" ]; then
    echo "tools/test.sh: missing ${missing[*]}: sudo $line" >&2; exit 1
  elif [ "$(id -u)" = 0 ]; then
    echo "tools/test.sh: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive $line -qq >/dev/null
  elif sudo -n true 2>/dev/null; then
    echo "tools/test.sh: installing ${missing[*]} (sudo)"
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive $line -qq >/dev/null
  else
    echo "tools/test.sh: the tests need Debian packages that are not installed, and this user cannot install them." >&2
    echo "Install them, then run tools/test.sh again: sudo $line" >&2
    exit 1
  fi
fi
if [ "${1:-}" = "--check" ]; then echo "tools/test.sh: everything the tests need is here"; exit 0; fi
[ "${1:-}" = "--" ] && shift

echo "tests: the Python tools' tests (pytest; converters, self-checks, each tool run as its users run it) and lint (flake8)"
/usr/bin/python3 -m pytest -c tools/pyproject.toml tools
/usr/bin/python3 -m flake8 --config tools/.flake8 tools

echo "tests: ./mvnw -B verify (unit, topology and integration tests)"
./mvnw -B -ntp verify "$@"
