#!/usr/bin/env bash
# One entry point for humans and CI.
#   ./build.sh test [--results DIR]   build everything, run every test project (TRX results in DIR)
#   ./build.sh pack                   produce the NuGet packages in artifacts/packages
#   ./build.sh bench [BDN args]       run the BenchmarkDotNet benchmarks (by hand; not part of CI)
set -euo pipefail
cd "$(dirname "$0")"
cmd=${1:-test}; shift || true

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' is required: $2" >&2; exit 2; }; }

case "$cmd" in
  test)
    results=artifacts/test-results
    if [ "${1:-}" = "--results" ]; then results=$2; shift 2; fi
    mkdir -p "$results"
    need dotnet "install the .NET 10 SDK"
    need java "install a Java 17+ runtime (apt-get install -y openjdk-17-jre-headless): the ANTLR tool runs on it"
    need npm "install Node.js and npm: the build fetches the ANTLR tool jar from the npm package antlr4ng-cli"
    if ! command -v nats-server >/dev/null 2>&1; then
      if [ "$(id -u)" = 0 ]; then
        echo "installing nats-server (apt-get install -y nats-server)" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
      else
        echo "warning: nats-server is missing: the cluster tests will fail; install it with 'sudo apt-get install -y nats-server'" >&2
      fi
    fi
    dotnet build ExpirableStore.sln -c Release -nodeReuse:false
    status=0
    for project in tests/*/*.Tests.csproj; do
      name=$(basename "$project" .csproj)
      echo "=== $name" >&2
      dotnet test "$project" -c Release --no-build \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
    done
    exit $status
    ;;
  pack)
    dotnet pack ExpirableStore.sln -c Release -o artifacts/packages "$@"
    ;;
  bench)
    dotnet run -c Release --project tests/Benchmarks -- "$@"
    ;;
  *)
    echo "usage: ./build.sh test|pack|bench" >&2; exit 2 ;;
esac
