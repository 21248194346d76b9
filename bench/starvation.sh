#!/usr/bin/env bash
# Starvation check: with SyncWorkers=32, 200 concurrent clients hit a sync view that sleeps 100 ms
# while 4 clients hit an async /ping on the same server. Prints /ping's latency under that load.
# Bounded: DURATION seconds of load.
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${1:-10}
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
echo "== /ping while 200 clients load /sleep?ms=100 (sync view, 32 sync workers)"
wrk -t1 -c200 -d"$((DURATION + 2))s" "http://127.0.0.1:$PORT/sleep?ms=100" > /tmp/nuages-sleep.txt &
loader=$!
sleep 1
wrk -t1 -c4 -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/ping" | grep -E "Latency|50%|99%|Requests/sec"
wait $loader
echo "== /sleep throughput (bounded by 32 workers x 10 req/s = 320 req/s)"
grep -E "Requests/sec|Latency" /tmp/nuages-sleep.txt
