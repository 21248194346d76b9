#!/usr/bin/env bash
# A view that reads and writes its session (a counter), under the same wrk load, interleaved rounds:
#   store "db":    Nuages' db sessions on PostgreSQL against Django 3.2's (Debian's python3-django, gunicorn).
#   store "cache": Nuages' cache sessions on Redis against Django 3.2's (django-redis) and against ASP.NET Core's
#                  AddSession on its Redis distributed cache (Microsoft.Extensions.Caching.StackExchangeRedis).
# Each server first answers SESSIONS requests without a cookie; the sessions they make are the load's cookies, one
# picked at random per request (session.lua), so every request loads and saves an existing session.
# Installs what is missing from Debian's packages (wrk, gunicorn, python3-psycopg2, python3-django, python3-django-redis,
# PostgreSQL 15, Redis). Bounded: ROUNDS rounds of DURATION seconds per server after a WARMUP-second warm-up.
# Usage: bench/sessions.sh [duration-seconds] [connections] [rounds]
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${1:-10}
CONNECTIONS=${2:-64}
ROUNDS=${3:-3}
WARMUP=${WARMUP:-15}
SESSIONS=${SESSIONS:-256}
NUAGES_PORT=8094
ASPNET_PORT=8095
DJANGO_PORT=8096

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v gunicorn >/dev/null 2>&1 || need+=(gunicorn)
command -v bc >/dev/null 2>&1 || need+=(bc)
/usr/bin/python3 -c "import django, psycopg2, django_redis" 2>/dev/null || need+=(python3-django python3-psycopg2 python3-django-redis)
if [ ${#need[@]} -gt 0 ]; then
    echo "Installing ${need[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
source ../.ci/postgres.sh
source ../.ci/redis.sh
provision_redis >/dev/null
provision_postgres django_sessions >/dev/null
provision_postgres nuages_sessions >/dev/null
export NUAGES_BENCH_POSTGRES="$NUAGES_TEST_POSTGRES;Maximum Pool Size=40"
export NUAGES_BENCH_REDIS="redis://127.0.0.1:6379/12"
export DJANGO_BENCH_DB=django_sessions DJANGO_BENCH_REDIS="redis://127.0.0.1:6379/11"

dotnet build SessionBench -c Release -o out/sessions -v quiet -nologo >/dev/null
dotnet build AspNetSessionPeer -c Release -o out/aspnet-sessions -v quiet -nologo >/dev/null
out/sessions/SessionBench migrate >/dev/null
(cd django_sessions && /usr/bin/python3 manage.py migrate -v 0)

pids=()
stop_all() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; pids=(); }
trap stop_all EXIT

wait_for() {
    for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$1/session" && return 0; sleep 0.1; done
    echo "server on port $1 did not start" >&2; exit 1
}

# SESSIONS fresh sessions: the cookie ("name=value") each first answer sets
make_sessions() {
    local file=$1 url=$2
    : >"$file"
    for _ in $(seq 1 "$SESSIONS"); do
        curl -s -o /dev/null -D - "$url" | tr -d '\r' | awk -F'[:;] *' 'tolower($1) == "set-cookie" { print $2 }' >>"$file"
    done
    [ "$(wc -l <"$file")" -ge "$SESSIONS" ] || { echo "$url made $(wc -l <"$file") sessions, not $SESSIONS" >&2; exit 1; }
}

# wrk prints "Requests/sec:  123.45"; non-2xx answers would inflate it, so they fail the run
rps() {
    local report
    report=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s session.lua "$1" -- "$2")
    if grep -q "Non-2xx\|Socket errors" <<<"$report"; then echo "errors from $1:" >&2; grep "Non-2xx\|Socket errors" <<<"$report" >&2; exit 1; fi
    awk '/Requests\/sec/ { print $2 }' <<<"$report"
}
warm() { wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s session.lua "$1" -- "$2" >/dev/null; }

printf '%-6s %-36s %5s %10s\n' store server round rps
for store in db cache; do
    SESSION_ENGINE=$store out/sessions/SessionBench runserver "127.0.0.1:$NUAGES_PORT" >/dev/null 2>&1 & pids+=($!)
    (cd django_sessions && SESSION_KIND=$store exec gunicorn --bind "127.0.0.1:$DJANGO_PORT" --workers 5 --worker-class gthread --threads 4 \
        --log-level error benchsite.wsgi) & pids+=($!)
    servers=("nuages-async|http://127.0.0.1:$NUAGES_PORT/session" "nuages-sync|http://127.0.0.1:$NUAGES_PORT/session-sync"
        "django-3.2-gunicorn|http://127.0.0.1:$DJANGO_PORT/session")
    if [ "$store" = cache ]; then
        out/aspnet-sessions/AspNetSessionPeer "127.0.0.1:$ASPNET_PORT" 127.0.0.1:6379 >/dev/null 2>&1 & pids+=($!)
        servers+=("aspnetcore-addsession|http://127.0.0.1:$ASPNET_PORT/session")
    fi
    wait_for $NUAGES_PORT; wait_for $DJANGO_PORT
    [ "$store" != cache ] || wait_for $ASPNET_PORT
    for server in "${servers[@]}"; do
        name=${server%%|*}; url=${server#*|}
        make_sessions "out/cookies-$store-$name.txt" "$url"
        warm "$url" "out/cookies-$store-$name.txt"
    done
    for round in $(seq 1 "$ROUNDS"); do
        for server in "${servers[@]}"; do
            name=${server%%|*}; url=${server#*|}
            printf '%-6s %-36s %5s %10.0f\n' "$store" "$name" "$round" "$(rps "$url" "out/cookies-$store-$name.txt")"
        done
    done
    stop_all
done
