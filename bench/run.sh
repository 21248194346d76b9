#!/usr/bin/env bash
# Loads Nuages and its peers in turn with wrk on 127.0.0.1 and prints requests/s for each endpoint and the ratios.
#   TechEmpower /plaintext and /json: Nuages against plain ASP.NET Core minimal APIs.
#   TechEmpower /db, /queries, /fortunes, /updates on PostgreSQL (installed and started from Debian's packages if
#   missing): Nuages' ORM against raw Npgsql (same minimal-API peer) and against EF Core.
# The relations endpoints (/books, /order) run against EF Core after them; NO_TECHEMPOWER_DB=1 runs only those.
# Bounded: DURATION seconds per run after a WARMUP-second warm-up per app and endpoint (default 40: under /db load
# Nuages' JIT compiles ~9,000 methods in the first 5 s and is still compiling at 25 s — ~12,500 methods, settling
# about 35 s in, counted from its perf map — up to a core's worth of CPU, which a shorter warm-up measures instead
# of the steady state; the peers, with less code, settle sooner). Skip the database part with NO_DB=1, the rest with NO_PLAIN=1.
# ONLY_TEMPLATES=1 runs only the template comparison (with NO_PLAIN=1); NO_TEMPLATES=1 skips it; NO_RELATIONS=1 skips the relations endpoints;
# DB_ENDPOINTS="/db /fortunes" runs only those of the database tests. Nuages and raw Npgsql are measured A B B A.
# Usage: bench/run.sh [duration-seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${1:-10}
CONNECTIONS=${2:-64}
NUAGES_PORT=8090
PEER_PORT=8091
EF_PORT=8092

if ! command -v wrk >/dev/null 2>&1; then
    echo "Installing wrk from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

command -v bc >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq bc >/dev/null; }

if [ "${NO_DB:-0}" != 1 ]; then
    source ../.ci/postgres.sh
    provision_postgres nuages_bench >/dev/null
    # three apps share PostgreSQL's 100 connections: 30 each
    export NUAGES_BENCH_POSTGRES="$NUAGES_TEST_POSTGRES;Maximum Pool Size=30"
    as_postgres "psql -q -d nuages_bench" < techempower.sql >/dev/null
fi

dotnet build NuagesBench -c Release -o out/nuages -v quiet -nologo >/dev/null
dotnet build AspNetPeer -c Release -o out/peer -v quiet -nologo >/dev/null
[ "${NO_DB:-0}" = 1 ] || dotnet build EfCorePeer -c Release -o out/efcore -v quiet -nologo >/dev/null

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

out/nuages/NuagesBench runserver "127.0.0.1:$NUAGES_PORT" >/dev/null 2>&1 & pids+=($!)
out/peer/AspNetPeer "127.0.0.1:$PEER_PORT" >/dev/null 2>&1 & pids+=($!)
[ "${NO_DB:-0}" = 1 ] || { out/efcore/EfCorePeer "127.0.0.1:$EF_PORT" >/dev/null 2>&1 & pids+=($!); }

wait_for() {
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/plaintext" >/dev/null && return 0; sleep 0.1; done
    echo "server on port $1 did not start" >&2; exit 1
}
wait_for $NUAGES_PORT
wait_for $PEER_PORT
[ "${NO_DB:-0}" = 1 ] || wait_for $EF_PORT

# wrk prints "Requests/sec:  123456.78"; non-2xx answers would inflate it, so they fail the run.
rps() {
    local report
    report=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$1$2")
    if grep -q "Non-2xx" <<<"$report"; then echo "non-2xx answers from port $1 on $2" >&2; grep "Non-2xx" <<<"$report" >&2; exit 1; fi
    awk '/Requests\/sec/ { print $2 }' <<<"$report"
}
# long enough for tiered compilation to settle and the connection pools to fill
WARMUP=${WARMUP:-40}
warm() { wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$1$2" >/dev/null; }
ratio() { echo "$1 / $2" | bc -l; }

if [ "${NO_PLAIN:-0}" != 1 ]; then
printf '%-20s %14s %14s %8s\n' endpoint nuages_rps peer_rps ratio
for endpoint in /plaintext /json; do
    warm $NUAGES_PORT "$endpoint"; warm $PEER_PORT "$endpoint"
    nuages=$(rps $NUAGES_PORT "$endpoint")
    peer=$(rps $PEER_PORT "$endpoint")
    printf '%-20s %14.0f %14.0f %8.3f\n' "$endpoint" "$nuages" "$peer" "$(ratio "$nuages" "$peer")"
done
for endpoint in /plaintext-sync /json-sync; do
    warm $NUAGES_PORT "$endpoint"
    nuages=$(rps $NUAGES_PORT "$endpoint")
    peer=$(rps $PEER_PORT "${endpoint%-sync}")
    printf '%-20s %14.0f %14.0f %8.3f\n' "$endpoint" "$nuages" "$peer" "$(ratio "$nuages" "$peer")"
done
echo
fi

[ "${NO_DB:-0}" = 1 ] && exit 0
if [ "${NO_TECHEMPOWER_DB:-0}" != 1 ] && [ "${ONLY_TEMPLATES:-0}" != 1 ]; then
printf '%-20s %12s %12s %12s %10s %10s\n' endpoint nuages_rps npgsql_rps efcore_rps vs_npgsql vs_efcore
IFS=' ' read -r -a db_endpoints <<< "${DB_ENDPOINTS:-/db /queries?queries=20 /fortunes /updates?queries=20}"
for endpoint in "${db_endpoints[@]}"; do
    warm $NUAGES_PORT "$endpoint"; warm $PEER_PORT "$endpoint"; warm $EF_PORT "$endpoint"
    # Nuages and raw Npgsql in the order A B B A, each the mean of its two: the machine's drift over the minute (it
    # moves a single run by ±20% here) weighs on both alike.
    n1=$(rps $NUAGES_PORT "$endpoint"); r1=$(rps $PEER_PORT "$endpoint")
    r2=$(rps $PEER_PORT "$endpoint"); n2=$(rps $NUAGES_PORT "$endpoint")
    nuages=$(echo "($n1 + $n2) / 2" | bc -l); raw=$(echo "($r1 + $r2) / 2" | bc -l)
    ef=$(rps $EF_PORT "$endpoint")
    printf '%-20s %12.0f %12.0f %12.0f %10.3f %10.3f\n' "$endpoint" "$nuages" "$raw" "$ef" "$(ratio "$nuages" "$raw")" "$(ratio "$nuages" "$ef")"
    printf '%-20s nuages %.0f, npgsql %.0f, npgsql %.0f, nuages %.0f\n' "" "$n1" "$r1" "$r2" "$n2"
done
fi

# Templates (issue 15): /fortunes rendered by the template language against the same page built by hand, in the
# same process; two rounds in turn, so that drift hits both alike.
if [ "${NO_TEMPLATES:-0}" != 1 ]; then
echo
printf '%-20s %12s %12s %8s\n' endpoint template_rps handbuilt_rps ratio
warm $NUAGES_PORT /fortunes; warm $NUAGES_PORT /fortunes-html
t1=$(rps $NUAGES_PORT /fortunes); h1=$(rps $NUAGES_PORT /fortunes-html)
h2=$(rps $NUAGES_PORT /fortunes-html); t2=$(rps $NUAGES_PORT /fortunes)
template=$(echo "($t1 + $t2) / 2" | bc -l); handbuilt=$(echo "($h1 + $h2) / 2" | bc -l)
printf '%-20s %12.0f %12.0f %8.3f\n' /fortunes "$template" "$handbuilt" "$(ratio "$template" "$handbuilt")"
fi
[ "${ONLY_TEMPLATES:-0}" = 1 ] || [ "${NO_RELATIONS:-0}" = 1 ] && exit 0

# Relations (issue 7): 20 books with author (SelectRelated) and tags (PrefetchRelated) against EF Core's Include,
# and a write transaction (an order row and the book's sold count) against EF Core's transaction. No raw peer.
echo
printf '%-20s %12s %12s %10s\n' endpoint nuages_rps efcore_rps vs_efcore
for endpoint in /books /order; do
    warm $NUAGES_PORT "$endpoint"; warm $EF_PORT "$endpoint"
    nuages=$(rps $NUAGES_PORT "$endpoint")
    ef=$(rps $EF_PORT "$endpoint")
    printf '%-20s %12.0f %12.0f %10.3f\n' "$endpoint" "$nuages" "$ef" "$(ratio "$nuages" "$ef")"
done
