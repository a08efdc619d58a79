#!/usr/bin/env bash
# Creates everything `make run` / `make test` need, from the project's own files only:
#   - finds Python 3.13 (PATH, then pyenv), or stops with a clear message;
#   - installs uv (pinned) into .tools/uv when it is not on PATH;
#   - creates .venv from uv.lock (uv sync --frozen);
#   - with --tools, installs the SAM CLI and checkov each in its own isolated tool environment
#     (.tools/uv-tools), because their dependency trees clash with the app's, and Debian's chromium
#     for the browser tests when /usr/bin/chromium is missing (apt-get as root; else it says how).
# Idempotent and quiet when everything is already there.
set -euo pipefail

UV_VERSION="0.13.8"
SAM_CLI_VERSION="1.170.0"
CHECKOV_VERSION="3.3.30"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools="$root/.tools"
export UV_PYTHON_DOWNLOADS=never UV_TOOL_DIR="$tools/uv-tools" UV_TOOL_BIN_DIR="$tools/bin"
export UV_NO_PROGRESS=1 SAM_CLI_TELEMETRY=0

is_python313() {  # pyenv shims exist on PATH even when they cannot run, so run the candidate
  [ -x "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1
}

find_python313() {
  local candidate
  candidate="$(command -v python3.13 2>/dev/null || true)"
  if [ -n "$candidate" ] && is_python313 "$candidate"; then echo "$candidate"; return 0; fi
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  command -v pyenv >/dev/null 2>&1 && pyenv_root="$(pyenv root)"
  for candidate in $(ls -d "$pyenv_root"/versions/3.13*/bin/python3.13 2>/dev/null | sort -V -r) \
      /usr/local/bin/python3.13 /usr/bin/python3.13; do
    if is_python313 "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

if ! python="$(find_python313)"; then
  cat >&2 <<'MSG'
error: Python 3.13 is required (the Lambda runtime is python3.13) and none was found.
  Looked on PATH for python3.13 and under $(pyenv root)/versions/3.13*.
  Fix: `pyenv install 3.13` (or your OS package), then run the command again.
MSG
  exit 1
fi

if command -v uv >/dev/null 2>&1; then
  uv="$(command -v uv)"
else
  uv="$tools/uv/bin/uv"
  if [ ! -x "$uv" ] || [ "$("$uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    echo "bootstrap: installing uv $UV_VERSION into .tools/uv" >&2
    "$python" -m venv "$tools/uv"
    "$tools/uv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
fi

"$uv" sync --locked --python "$python" --quiet

install_tool() {  # name version
  local name="$1" version="$2" stamp="$tools/.$1-$2"
  [ -f "$stamp" ] && return 0
  echo "bootstrap: installing $name $version in its own environment (.tools/uv-tools)" >&2
  "$uv" tool install --quiet --force --python "$python" "$name==$version"
  touch "$stamp"
}

install_chromium() {  # the dashboard's browser tests drive Debian's chromium; nothing is downloaded
  [ -x /usr/bin/chromium ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian's chromium (the dashboard's browser tests)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "bootstrap: /usr/bin/chromium is missing and this is not root: the dashboard's browser tests" \
      "(tests/e2e/dashboard) will fail; install it with 'sudo apt-get install -y chromium'" >&2
  fi
}

if [ "${1:-}" = "--tools" ]; then
  install_tool aws-sam-cli "$SAM_CLI_VERSION"
  install_tool checkov "$CHECKOV_VERSION"
  install_chromium
fi

# Print what the Makefile needs: the interpreter's directory (sam build wants python3.13 on PATH) and uv.
echo "PYTHON313_DIR=$(dirname "$python")"
echo "UV=$uv"
