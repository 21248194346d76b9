#!/usr/bin/env bash
# Two processes of the sample site on one Redis channel layer (docs/channels.md, "Several processes"): a socket is
# opened on an entry's page of the second server, a comment is posted to the first, and the socket receives it.
# Loopback only; both servers are stopped by their PIDs at the end. Redis: NUAGES_TEST_REDIS, else a local
# redis-server (installed and started if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
REDIS=${NUAGES_TEST_REDIS:-}
if [ -z "$REDIS" ]; then
    if ! command -v redis-server >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
    fi
    redis-cli ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
    REDIS=redis://127.0.0.1:6379/0
fi
out=$(mktemp -d)
dotnet build samples/Site -c Release -o "$out/site" -v quiet -nologo >/dev/null
dotnet build bench/WsLoad -c Release -o "$out/wsload" -v quiet -nologo >/dev/null
export NUAGES__ChannelLayers__default__Backend=redis NUAGES__ChannelLayers__default__Hosts__0="$REDIS"
export NUAGES__ChannelLayers__default__Prefix="two-servers-$$"
mkdir -p "$out/run" && cd "$out/run"   # one SQLite file for both servers
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for port in 8001 8002; do   # one after the other: the first applies the migrations
    dotnet "$out/site/Site.dll" runserver "127.0.0.1:$port" >"server-$port.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$port/blog/" && break; sleep 0.2; done
    echo "server $port up (PID ${pids[-1]})"
done

"$out/wsload/WsLoad" listen ws://127.0.0.1:8002/ws/blog/hello-nuages/ 1 20 &
listener=$!
sleep 1
page=$(curl -s -c cookies.txt http://127.0.0.1:8001/blog/hello-nuages/)
token=$(printf '%s' "$page" | grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
status=$(curl -s -o /dev/null -w '%{http_code}' -b cookies.txt -X POST http://127.0.0.1:8001/blog/hello-nuages/ \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "name=Two servers" --data-urlencode "body=Posted to 8001, seen on 8002")
echo "comment posted to 127.0.0.1:8001: HTTP $status"
wait "$listener"
