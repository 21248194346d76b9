#!/usr/bin/env bash
# Starvation check: with SyncWorkers=32, CLIENTS concurrent clients (default 1,000) hit a sync view that sleeps
# SLEEP_MS (default 1,000 ms) while 4 clients hit an async /ping on the same server. Prints /ping's latency alone
# and under that load (the goal: its p99 within 2x of idle). Bounded: DURATION seconds of load.
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${1:-10}
CLIENTS=${CLIENTS:-1000}
SLEEP_MS=${SLEEP_MS:-1000}
PORT=8092

if ! command -v wrk >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
dotnet build NuagesBench -c Release -o out/nuages -v quiet -nologo >/dev/null

NUAGES__SyncWorkers=32 out/nuages/NuagesBench runserver "127.0.0.1:$PORT" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/ping" >/dev/null && break; sleep 0.1; done

echo "== /ping alone"
wrk -t1 -c4 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/ping" | grep -E "Latency|50%|99%|Requests/sec"
echo "== /ping while $CLIENTS clients load /sleep?ms=$SLEEP_MS (sync view, 32 sync workers)"
wrk -t1 -c"$CLIENTS" -d"$((DURATION + 2))s" --timeout 60s "http://127.0.0.1:$PORT/sleep?ms=$SLEEP_MS" > /tmp/nuages-sleep.txt &
loader=$!
sleep 1
wrk -t1 -c4 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/ping" | grep -E "Latency|50%|99%|Requests/sec"
wait $loader
echo "== /sleep throughput (bounded by 32 permits x $((1000 / SLEEP_MS)) req/s each)"
grep -E "Requests/sec|Latency" /tmp/nuages-sleep.txt
