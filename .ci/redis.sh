# Sourced by .ci/run and bench/run.sh: Redis from Debian's packages, started on 127.0.0.1:6379 (no persistence),
# with NUAGES_TEST_REDIS set to its URL.

# provision_redis: installs redis-server if missing, starts it unless it answers, sets NUAGES_TEST_REDIS.
provision_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        log "Installing Redis from Debian's packages"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq redis-server >/dev/null || return 1
    fi
    if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
        log "Starting Redis"
        redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null || return 1
        for _ in $(seq 1 30); do
            redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break
            sleep 0.2
        done
    fi
    redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG || return 1
    export NUAGES_TEST_REDIS="redis://127.0.0.1:6379/0"
}
