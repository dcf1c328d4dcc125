#!/usr/bin/env bash
# The whole spike: venvs, a throwaway PostgreSQL, every measurement, the nginx check; PG is
# stopped (and its folder wiped) on exit. Output: one report per script in $OUT.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-/tmp/kl_spike_out}
mkdir -p "$OUT"
VENVS=$("$HERE/setup_venvs.sh" | tail -1)
trap '"$HERE/pg.sh" stop --wipe' EXIT
"$HERE/pg.sh" start
export PYTHONPATH="$ROOT:$HERE"
for v in v20 v15; do
    rm -f "$OUT/example_$v.duckdb"
    "$VENVS/$v/bin/python" -c "from pathlib import Path; from kl_dash import bootstrap; \
bootstrap.init_database(Path('$OUT/example_$v.duckdb'))"
done
"$VENVS/v20/bin/python" "$HERE/psycopg_dialect.py" "$OUT/example_v20.duckdb" | tee "$OUT/psycopg_dialect.txt"
"$VENVS/v15/bin/python" "$HERE/duckdb_extension.py" "$OUT/example_v15.duckdb" | tee "$OUT/duckdb_extension.txt"
"$VENVS/v20/bin/python" "$HERE/concurrency.py" | tee "$OUT/concurrency.txt"
timeout 300 "$VENVS/v20/bin/python" "$HERE/nginx_check.py" | tee "$OUT/nginx_check.txt"
