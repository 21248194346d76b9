#!/usr/bin/env bash
# Long-polling: 10,000 connections for DURATION seconds against an async view that waits 1 s, on the
# async gateway, then the same load on the sync gateway with 32 threads (to show its bound), then an
# h2load smoke run over HTTP/2 (h2c). Prints requests/s, errors, p99 latency and the server's peak RSS.
# Bounded: each load runs DURATION seconds; everything targets 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${1:-10}
CONNECTIONS=${2:-10000}
PORT=8093

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 10,000 sockets each for wrk and the server
sysctl -qw net.core.somaxconn=65535 2>/dev/null || true
sysctl -qw net.ipv4.tcp_max_syn_backlog=65535 2>/dev/null || true
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
dotnet build NuagesBench -c Release -o out/nuages -v quiet -nologo >/dev/null
dotnet build AspNetPeer -c Release -o out/peer -v quiet -nologo >/dev/null

run() {
    local label=$1; shift
    out/nuages/NuagesBench runserver "127.0.0.1:$PORT" "$@" >/dev/null 2>&1 &
    local server=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/ping" >/dev/null && break; sleep 0.1; done
    echo "== $label: $CONNECTIONS connections, ${DURATION}s, GET /asleep?ms=1000"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "http://127.0.0.1:$PORT/asleep?ms=1000" \
        | grep -E "Requests/sec|Socket errors|Non-2xx|99%|50%|requests in"
    echo "peak RSS: $(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' /proc/$server/status)"
    if [ "$label" = "async gateway" ]; then
        echo "== h2load smoke (HTTP/2 prior knowledge): 10,000 requests, 10 clients x 10 streams"
        h2load -n 10000 -c 10 -m 10 "http://127.0.0.1:$PORT/plaintext" | grep -E "requests:|status codes|finished in|Application protocol"
    fi
    kill $server; wait $server 2>/dev/null || true
}

run "async gateway"
run "sync gateway, 32 threads" --gateway sync --threads 32

# The platform's own figure under the same load, for comparison: plain ASP.NET Core minimal API.
out/peer/AspNetPeer "127.0.0.1:$PORT" >/dev/null 2>&1 &
peer=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/plaintext" >/dev/null && break; sleep 0.1; done
echo "== plain ASP.NET Core: $CONNECTIONS connections, ${DURATION}s, GET /asleep?ms=1000"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "http://127.0.0.1:$PORT/asleep?ms=1000" \
    | grep -E "Requests/sec|Socket errors|Non-2xx|99%|50%|requests in"
echo "peak RSS: $(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' /proc/$peer/status)"
kill $peer; wait $peer 2>/dev/null || true
