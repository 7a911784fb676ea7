#!/usr/bin/env bash
# Measures the build integration as a package user meets it (docs/msbuild.md, "Measurements"):
# packs ExpirableStore into a temporary feed, creates a console project with N .expirables files of
# 5 expirables each (default 100), and prints MSBuild's performance summary for our targets on a
# full build and on a no-op incremental build.   tests/EndToEnd.Tests/measure.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
files=${1:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NUGET_PACKAGES="$work/packages" MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet pack src/Runtime/ExpirableStore.csproj -c Release -o "$work/feed" -nodeReuse:false >/dev/null
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo "<Project />" > "$work/$f"; done
cat > "$work/nuget.config" <<XML
<configuration><packageSources><clear /><add key="feed" value="$work/feed" />
<add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources></configuration>
XML
dotnet new console -n App -o "$work/app" --no-restore >/dev/null
cd "$work/app"
dotnet add package ExpirableStore --version 0.1.0 --no-restore >/dev/null
for i in $(seq -w 1 "$files"); do
  {
    echo "module Module$i"
    echo "expirable a < fetch Fetchers.Fetch >"
    echo "expirable b < scope local; fetch Fetchers.Fetch >"
    echo "expirable c < refresh eager 10s; fetch Fetchers.Fetch >"
    echo "expirable d < scope local; timeout 5s; fetch Fetchers.Fetch >"
    echo "expirable e : int < scope local; fetch Fetchers.FetchInt >"
  } > "Module$i.expirables"
done
cat > Program.cs <<'CS'
using ExpirableStore;
System.Console.WriteLine(App.Module001.Definitions.Count);
public static class Fetchers
{
    public static Fetched<string> Fetch() => Fetched.Ok("x", System.DateTimeOffset.UtcNow.AddMinutes(1));
    public static Fetched<int> FetchInt() => Fetched.Forever(1);
}
CS
dotnet restore >/dev/null
summary() { grep -E "Expirables|GenerateExpirables|  CoreCompile|Time Elapsed|^wall" | grep -v " 0 ms" || true; }
echo "== full build, $files files"
/usr/bin/env time -f "wall %e s" dotnet build --no-restore -clp:PerformanceSummary 2>&1 | summary
echo "== no-op incremental build"
/usr/bin/env time -f "wall %e s" dotnet build --no-restore -clp:PerformanceSummary 2>&1 | summary
