#!/usr/bin/env bash
# Login cost: Auth.Authenticate (user read + one PBKDF2-SHA256 at 1,000,000 iterations) against .NET's PBKDF2 alone,
# interleaved rounds on one thread; then a logged-in async request (session and user on PostgreSQL) against an anonymous
# one. Installs and starts PostgreSQL from Debian's packages if missing. Usage: bench/auth.sh [logins per round] [rounds]
set -euo pipefail
cd "$(dirname "$0")"
source ../.ci/postgres.sh
provision_postgres nuages_bench >/dev/null
dotnet build AuthBench -c Release -o out/auth -v quiet -nologo >/dev/null
out/auth/AuthBench "${1:-8}" "${2:-3}" "$NUAGES_TEST_POSTGRES"
