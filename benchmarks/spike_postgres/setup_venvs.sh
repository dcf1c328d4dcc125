#!/usr/bin/env bash
# Two throwaway venvs for the spike, outside the repository (default /tmp/kl_spike_venvs):
#   v20: duckdb 2.0.0 (what kl_dash uses) + psycopg[binary] + sqlglot + streamlit + websockets
#   v15: duckdb 1.5.5 + the pip-packaged postgres and ducklake extensions built for exactly
#        that version (no package ships them for DuckDB 2.0)
set -euo pipefail
DIR=${SPIKE_VENVS:-/tmp/kl_spike_venvs}
PY=${PYTHON:-python3.11}
APP_DEPS=("streamlit>=1.50,<2" "plotly>=6" "pandas>=2.2" babel click openpyxl tomli-w argon2-cffi)
mkdir -p "$DIR"
[ -x "$DIR/v20/bin/python" ] || "$PY" -m venv "$DIR/v20"
"$DIR/v20/bin/pip" install -q duckdb==2.0.0 "psycopg[binary]" sqlglot websockets "${APP_DEPS[@]}"
[ -x "$DIR/v15/bin/python" ] || "$PY" -m venv "$DIR/v15"
"$DIR/v15/bin/pip" install -q duckdb==1.5.5 duckdb-extension-postgres-scanner==1.5.5 \
    duckdb-extension-ducklake==1.5.5 "psycopg[binary]" pytest hypothesis "${APP_DEPS[@]}"
echo "$DIR"
