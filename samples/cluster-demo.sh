#!/usr/bin/env bash
# Cluster scope in one minute: a nats-server, three node processes, 300 callers each on the same
# cluster-scoped token, and one fetch serving all three processes.
#   samples/cluster-demo.sh [callers-per-process]
# Needs: the .NET 10 SDK and nats-server (apt-get install -y nats-server).
set -euo pipefail
cd "$(dirname "$0")/.."
callers=${1:-300}

command -v nats-server >/dev/null || { echo "nats-server is missing: apt-get install -y nats-server" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
node_pids=()
cleanup() {
  for pid in "${node_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building the node program (tests/Cluster.Tests/NodeProcess)"
dotnet build tests/Cluster.Tests/NodeProcess -c Release -o "$work/bin" -nologo -v quiet >/dev/null

echo "== starting nats-server (JetStream, File store in $work/store)"
nats-server -a 127.0.0.1 -p -1 -m -1 -js -sd "$work/store" --ports_file_dir "$work" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do
  ports=$(ls "$work"/*.ports 2>/dev/null | head -1 || true)
  [ -n "$ports" ] && break
  sleep 0.05
done
url=$(sed -E 's/.*"nats":\["([^"]+)".*/\1/' "$ports")
echo "   $url"

echo "== starting 3 node processes, $callers callers each"
for i in 1 2 3; do
  mkfifo "$work/in$i"
  dotnet "$work/bin/ExpirableStore.Cluster.NodeProcess.dll" --nats "$url" --bucket demo --callers "$callers" \
    <"$work/in$i" >"$work/out$i" 2>"$work/err$i" &
  node_pids+=($!)
  exec {fd}>"$work/in$i"
  eval "fd$i=$fd"
done
for i in 1 2 3; do
  until grep -q READY "$work/out$i" 2>/dev/null; do sleep 0.05; done
done
echo "   all connected; GO"
for i in 1 2 3; do eval "echo GO >&\$fd$i"; done
for i in 1 2 3; do
  until grep -q '^DONE' "$work/out$i" 2>/dev/null; do sleep 0.05; done
done

echo "== result"
for i in 1 2 3; do
  echo "   process $i (pid ${node_pids[$((i-1))]}): fetches=$(grep -c '^FETCH' "$work/out$i" || true)  $(grep '^DONE' "$work/out$i")"
done
total=$(cat "$work"/out? | grep -c '^FETCH' || true)
echo "   upstream fetches in the whole cluster: $total (DONE <ok> <failed> <values>)"
