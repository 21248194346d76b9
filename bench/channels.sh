#!/usr/bin/env bash
# Channels (issue 21), side by side in one run, with the websocket-shootout protocol and the load client of
# bench/WsLoad (ClientWebSocket, or SignalR's client for the hub): 10,000 sockets held on the async gateway (RSS
# per socket); echo with 1,000 clients against a plain ASP.NET Core WebSocket handler and a SignalR hub; a broadcast
# to 10,000 sockets through the in-memory layer and through Redis against SignalR's Clients.All, alone and on its
# Redis backplane; two Nuages processes on the Redis layer (messages/s through a group, and the hop's latency).
# Loopback only; every load is bounded in count and time and stops by itself. Redis: NUAGES_BENCH_REDIS, else a
# local redis-server (installed and started here if missing).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_ECHO=${1:-10}
HOLD=${2:-10000}
BROADCAST=${3:-10000}
ROUNDS=${4:-10}
SECTIONS=${SECTIONS:-1234}   # which of the four parts below to run
ECHO_ROUNDS=${ECHO_ROUNDS:-3}

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
sysctl -qw net.core.somaxconn=65535 2>/dev/null || true
sysctl -qw net.ipv4.tcp_max_syn_backlog=65535 2>/dev/null || true
sysctl -qw net.ipv4.ip_local_port_range="10000 65000" 2>/dev/null || true
command -v bc >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq bc >/dev/null; }
if [ -z "${NUAGES_BENCH_REDIS:-}" ]; then
    if ! command -v redis-server >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
    fi
    redis-cli ping >/dev/null 2>&1 || (redis-server --daemonize yes --bind 127.0.0.1 --save "" --appendonly no >/dev/null)
    for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
    NUAGES_BENCH_REDIS=redis://127.0.0.1:6379/0
fi
# Both servers published as a site is deployed, ReadyToRun: the shared framework's own assemblies are precompiled,
# so a JIT-only Nuages.dll would be measured while still warming up (tier 0 code ten seconds in, on a saturated core).
dotnet publish NuagesBench -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o out/nuages -v quiet -nologo >/dev/null
dotnet publish AspNetPeer -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o out/peer -v quiet -nologo >/dev/null
dotnet build WsLoad -c Release -o out/wsload -v quiet -nologo >/dev/null
LOAD=out/wsload/WsLoad
SERVER=

start() { # start PORT KIND [redis]: a server in the background (on the cores of $PIN, default all), its PID in SERVER
    local port=$1 kind=$2 redis=${3:-}
    if [ "$kind" = nuages ]; then
        NUAGES_BENCH_REDIS=$redis taskset -c "${PIN:-0-$(($(nproc) - 1))}" out/nuages/NuagesBench runserver "127.0.0.1:$port" >/dev/null 2>&1 &
    else
        NUAGES_BENCH_REDIS=$redis taskset -c "${PIN:-0-$(($(nproc) - 1))}" out/peer/AspNetPeer "127.0.0.1:$port" >/dev/null 2>&1 &
    fi
    SERVER=$!
    for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

if [[ $SECTIONS == *1* ]]; then
echo "== 1. $HOLD sockets held open 10 s on the async gateway"
start 8095 nuages; $LOAD hold ws://127.0.0.1:8095/ws "$HOLD" 10 "$SERVER"; stop "$SERVER"
fi

if [[ $SECTIONS == *2* ]]; then
echo "== 2. echo, 1,000 clients, ${SECONDS_ECHO} s each after 5 s of warm-up, $ECHO_ROUNDS rounds taking turns"
# The server on core 0 and the load client on core 1 (when there are two or more): the figure is the server's work,
# not two processes fighting over both cores, which made this machine's runs differ by 20% from one to the next.
[ "$(nproc)" -ge 2 ] && ECHO_LOAD="taskset -c 1 $LOAD" ECHO_PIN=0 || ECHO_LOAD=$LOAD ECHO_PIN=
echo_run() { # echo_run LABEL PORT KIND PATH [signalr]
    PIN=$ECHO_PIN start "$2" "$3"
    $LOAD echo "ws://127.0.0.1:$2$4" 1000 5 ${5:-} >/dev/null
    local before after line rate
    before=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
    line=$($ECHO_LOAD echo "ws://127.0.0.1:$2$4" 1000 "$SECONDS_ECHO" ${5:-})
    after=$(awk '{print $14 + $15}' "/proc/$SERVER/stat")
    rate=$(echo "$line" | sed -E 's/.* s: ([0-9,]+) round trips.*/\1/' | tr -d ,)
    # the server's CPU time (user + system) over the run, per round trip: steadier than throughput on a shared machine
    LAST_RATE=$rate
    echo "$1: $line; server CPU $(( (after - before) * 1000000 / $(getconf CLK_TCK) / (rate * SECONDS_ECHO) )) µs per round trip"
    stop "$SERVER"
}
for round in $(seq 1 "$ECHO_ROUNDS"); do
    # the consumer and the plain handler take turns going first, so that drift over a round weighs on both alike
    if [ $((round % 2)) = 1 ]; then
        echo_run "round $round Nuages AsyncJsonWebsocketConsumer" 8095 nuages /ws; consumer=$LAST_RATE
        echo_run "round $round ASP.NET Core WebSocket handler" 8096 peer /ws; handler=$LAST_RATE
    else
        echo_run "round $round ASP.NET Core WebSocket handler" 8096 peer /ws; handler=$LAST_RATE
        echo_run "round $round Nuages AsyncJsonWebsocketConsumer" 8095 nuages /ws; consumer=$LAST_RATE
    fi
    echo "round $round consumer / handler: $(echo "scale=3; $consumer / $handler" | bc -l)"
    echo_run "round $round Nuages AsyncWebsocketConsumer, text echo without JSON" 8095 nuages /ws-text
    echo_run "round $round ASP.NET Core SignalR hub" 8096 peer /hub signalr
done
fi

if [[ $SECTIONS == *3* ]]; then
echo "== 3. broadcast to $BROADCAST sockets, $ROUNDS rounds"
start 8095 nuages; echo "-- Nuages, in-memory layer"; $LOAD broadcast ws://127.0.0.1:8095/ws "$BROADCAST" "$ROUNDS" | tail -1; stop "$SERVER"
start 8095 nuages "$NUAGES_BENCH_REDIS"; echo "-- Nuages, Redis layer"; $LOAD broadcast ws://127.0.0.1:8095/ws "$BROADCAST" "$ROUNDS" | tail -1; stop "$SERVER"
start 8096 peer; echo "-- SignalR Clients.All"; $LOAD broadcast ws://127.0.0.1:8096/hub "$BROADCAST" "$ROUNDS" signalr | tail -1; stop "$SERVER"
start 8096 peer "$NUAGES_BENCH_REDIS"; echo "-- SignalR Clients.All, Redis backplane"; $LOAD broadcast ws://127.0.0.1:8096/hub "$BROADCAST" "$ROUNDS" signalr | tail -1; stop "$SERVER"

fi

if [[ $SECTIONS == *4* ]]; then
echo "== 4. two Nuages processes on the Redis layer: a flood through one, received through the other"
start 8097 nuages "$NUAGES_BENCH_REDIS"; first=$SERVER
start 8098 nuages "$NUAGES_BENCH_REDIS"; second=$SERVER
$LOAD rate ws://127.0.0.1:8098/ws ws://127.0.0.1:8097/ws "$SECONDS_ECHO"
stop "$first"; stop "$second"
fi
