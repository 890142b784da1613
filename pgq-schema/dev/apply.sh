#!/usr/bin/env bash
# Developer helper: applies the whole schema to a database with psql in one transaction.
#   pgq-schema/dev/apply.sh DBNAME   (connects to 127.0.0.1:5432 as postgres unless PG* vars say otherwise)
set -euo pipefail
db="${1:?usage: apply.sh DBNAME}"
"$(dirname "$0")/concat-sql.sh" | psql -X -q -v ON_ERROR_STOP=1 --single-transaction \
  -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -d "$db" -f -
