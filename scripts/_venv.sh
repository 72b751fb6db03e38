# Sourced by scripts/serve and scripts/test: make .venv hold Kinko (and extras) current.
# Usage: ensure_venv [EXTRAS]   e.g. ensure_venv dev
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KINKO_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

ensure_venv() {
    local extras="${1:-}"
    local spec="$ROOT"
    [ -n "$extras" ] && spec="$ROOT[$extras]"
    local stamp="$VENV/.kinko-installed-$extras"
    local want
    want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || { echo "Kinko needs Python 3.11 or newer ($PYTHON is older)" >&2; exit 1; }
        "$PYTHON" -m venv "$VENV"
    fi
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
        "$VENV/bin/python" -m pip install --quiet -e "$spec"
        echo "$want" > "$stamp"
    fi
}
