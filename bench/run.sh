#!/usr/bin/env bash
# Loads Nuages and a plain ASP.NET Core minimal-API peer in turn with wrk on 127.0.0.1 and prints
# requests/s for each endpoint and the ratio Nuages/peer. Bounded: DURATION seconds per run.
# Usage: bench/run.sh [duration-seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${1:-10}
CONNECTIONS=${2:-64}
NUAGES_PORT=8090
PEER_PORT=8091

if ! command -v wrk >/dev/null 2>&1; then
    echo "Installing wrk from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

dotnet build NuagesBench -c Release -o out/nuages -v quiet -nologo >/dev/null
dotnet build AspNetPeer -c Release -o out/peer -v quiet -nologo >/dev/null

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

out/nuages/NuagesBench runserver "127.0.0.1:$NUAGES_PORT" >/dev/null 2>&1 & pids+=($!)
out/peer/AspNetPeer "127.0.0.1:$PEER_PORT" >/dev/null 2>&1 & pids+=($!)

wait_for() {
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/plaintext" >/dev/null && return 0; sleep 0.1; done
    echo "server on port $1 did not start" >&2; exit 1
}
wait_for $NUAGES_PORT
wait_for $PEER_PORT

# wrk prints "Requests/sec:  123456.78"
rps() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$1$2" | awk '/Requests\/sec/ { print $2 }'; }
warm() { wrk -t2 -c"$CONNECTIONS" -d3s "http://127.0.0.1:$1$2" >/dev/null; }

printf '%-16s %14s %14s %8s\n' endpoint nuages_rps peer_rps ratio
for endpoint in /plaintext /json; do
    warm $NUAGES_PORT "$endpoint"; warm $PEER_PORT "$endpoint"
    nuages=$(rps $NUAGES_PORT "$endpoint")
    peer=$(rps $PEER_PORT "$endpoint")
    printf '%-16s %14.0f %14.0f %8.3f\n' "$endpoint" "$nuages" "$peer" "$(echo "$nuages / $peer" | bc -l)"
done
for endpoint in /plaintext-sync /json-sync; do
    warm $NUAGES_PORT "$endpoint"
    nuages=$(rps $NUAGES_PORT "$endpoint")
    peer=$(rps $PEER_PORT "${endpoint%-sync}")
    printf '%-16s %14.0f %14.0f %8.3f\n' "$endpoint" "$nuages" "$peer" "$(echo "$nuages / $peer" | bc -l)"
done
