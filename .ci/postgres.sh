# Sourced by .ci/run and bench/run.sh: PostgreSQL 15 from Debian's packages, started, with the postgres user's
# password set and a database created. Listens on 127.0.0.1 only (Debian's default).

log() { printf '\n== %s\n' "$*"; }

# postgres cannot read the clone's directory; run its commands from /.
as_postgres() { (cd / && su postgres -c "$1"); }

# provision_postgres [database]: sets NUAGES_TEST_POSTGRES to that database (default nuages_test).
provision_postgres() {
    local database=${1:-nuages_test}
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql/15 ]; then
        log "Installing PostgreSQL 15 from Debian's packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq postgresql-15 postgresql-client-15 >/dev/null || return 1
    fi
    log "Starting PostgreSQL"
    pg_ctlcluster 15 main start 2>/dev/null || pg_ctlcluster 15 main status >/dev/null || return 1
    for _ in $(seq 1 30); do
        as_postgres "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
        sleep 1
    done
    as_postgres "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null || return 1
    as_postgres "psql -qAtc \"SELECT 1 FROM pg_database WHERE datname = '$database'\"" | grep -q 1 \
        || as_postgres "createdb $database" || return 1
    export NUAGES_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=$database"
}
