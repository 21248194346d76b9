#!/usr/bin/env bash
# Nuages' Redis cache against StackExchange.Redis used directly: Get/Set round trips per second, sync and async,
# ROUNDS interleaved rounds (default 3) of SECONDS each (default 3). Installs and starts Redis from Debian's packages
# if missing. Usage: bench/cache.sh [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")"
log() { printf '\n== %s\n' "$*"; }
source ../.ci/redis.sh
provision_redis >/dev/null
dotnet build CacheBench -c Release -o out/cache -v quiet -nologo >/dev/null
out/cache/CacheBench "redis://127.0.0.1:6379/9" "${1:-3}" "${2:-3}"
