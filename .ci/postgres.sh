#!/usr/bin/env bash
# Install Debian's PostgreSQL, start it on 127.0.0.1:5432, create a user and a database for the tests,
# and print the URL to put in CLAIMCHECK_TEST_POSTGRES_URL. Run as root; safe to run again.
#   export CLAIMCHECK_TEST_POSTGRES_URL="$(bash .ci/postgres.sh)"
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
DB_USER=${PGTEST_USER:-claimcheck}
DB_PASSWORD=${PGTEST_PASSWORD:-claimcheck}
DB_NAME=${PGTEST_DB:-claimcheck_test}
PORT=5432

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$VERSION main"; then
  pg_createcluster "$VERSION" main --port "$PORT" >&2
fi
# Listen on the loopback address only; start the cluster unless it is up already.
pg_conftool "$VERSION" main remove listen_addresses >&2 || true
printf "listen_addresses = '127.0.0.1'\nport = %s\n" "$PORT" >"/etc/postgresql/$VERSION/main/conf.d/claimcheck.conf"
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}' | grep -qx online; then
  pg_ctlcluster "$VERSION" main start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$PORT" >&2

psql_admin() { runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }
if ! psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'" | grep -q 1; then
  psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'" >&2
fi
if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
  psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2
fi
echo "postgresql+psycopg://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
