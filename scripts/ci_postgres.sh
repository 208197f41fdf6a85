#!/usr/bin/env bash
# A PostgreSQL server for the library's tests: installs Debian's postgresql if it is missing,
# starts its cluster, makes the role and database `passerelle` (idempotent: safe to run again),
# then prints one line on stdout for the caller to eval:
#     eval "$(bash scripts/ci_postgres.sh)"
#     export PASSERELLE_TEST_DATABASE_URL=postgresql://passerelle:passerelle@127.0.0.1:5432/passerelle
# Without a server (not root, apt slow or failing, a cluster that does not start) it prints
# nothing on stdout, a warning on stderr, and exits 0: the PostgreSQL tests are then skipped
# and the rest of CI goes on. Everything else it says goes to stderr.
set -uo pipefail

ROLE=passerelle
PASSWORD=passerelle
DATABASE=passerelle
INSTALL_TIMEOUT_S=600 # apt-get update and install together, at most

say() { echo "ci_postgres: $*" >&2; }
give_up() {
    say "WARNING: $* — no PostgreSQL; the PostgreSQL tests will be skipped"
    exit 0
}
as_postgres() { runuser -u postgres -- "$@"; }

[ "$(id -u)" = 0 ] || give_up "not root (installing and starting PostgreSQL need root)"

if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    say "installing postgresql from Debian (at most ${INSTALL_TIMEOUT_S} s)"
    started=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    timeout "$INSTALL_TIMEOUT_S" bash -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql' >&2 ||
        give_up "apt-get could not install postgresql"
    say "installed in $((SECONDS - started)) s"
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
[ -n "$version" ] || give_up "no PostgreSQL version under /usr/lib/postgresql"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
    say "creating cluster $version/main"
    pg_createcluster "$version" main >&2 || give_up "pg_createcluster $version main failed"
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    pg_ctlcluster "$version" main start >&2 || give_up "pg_ctlcluster $version main start failed"
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
pg_isready -q -h 127.0.0.1 -p "$port" -t 60 || give_up "the cluster $version/main does not answer on 127.0.0.1:$port"

# CREATEDB: the feeds test makes a database of its own for each run and drops it after.
as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 >&2 <<SQL || give_up "could not create the role and database"
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '$ROLE', '$PASSWORD')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') \gexec
ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$DATABASE', '$ROLE')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE') \gexec
SQL

url="postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
PGPASSWORD=$PASSWORD psql -q -h 127.0.0.1 -p "$port" -U "$ROLE" -d "$DATABASE" -c "SELECT 1" >/dev/null 2>&1 ||
    give_up "cannot log in as $ROLE over 127.0.0.1:$port"
say "PostgreSQL $version ready at 127.0.0.1:$port"
echo "export PASSERELLE_TEST_DATABASE_URL=$url"
