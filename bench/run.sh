#!/usr/bin/env bash
# The comparison with the official TypeScript SDK (bench/README.md, "Against the
# TypeScript SDK"), in one command:
#
#   bench/run.sh            # the full run (about 6 minutes on 2 cores)
#   bench/run.sh --quick    # a tenth of the counts, for trying changes
#
# It builds the benchmarks in Release, installs the SDK version pinned in
# bench/sdk/package.json (into build/node) if it is missing, starts
# bench_mock_server pinned to core 0, runs every workload with this library's
# client (bench_client_load) and then with the SDK (bench/sdk/load.mjs), both
# pinned to core 1, and prints one table. Raw records go to
# bench/results/<UTC time>/ (results.jsonl, servers.log, clients.log, micro.txt,
# table.md).
#
# Environment: BENCH_BUILD_DIR (default build/bench), ANTHROPIC_NODE_MODULES (a
# node_modules folder that already holds the pinned SDK; default build/node).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BENCH_BUILD_DIR:-$repo/build/bench}
quick=0
[[ ${1:-} == --quick ]] && quick=1
[[ -n ${1:-} && ${1:-} != --quick ]] && { echo "usage: bench/run.sh [--quick]" >&2; exit 2; }

# Workload sizes (issue 7); --quick divides the counts by ten.
w1_streams=20 w1_deltas=20000 w1_concurrency=4
w1c_streams=20 w1c_deltas=2000 w1c_event_delay_ms=2
w2_streams=5000 w2_max_tokens=4   # 4 text deltas: 10 events per stream
w3_requests=5000
w4_streams=10000 w4_event_delay_ms=500 w4_tls_event_delay_ms=2000
if ((quick)); then
  w1_streams=4 w1c_deltas=200 w2_streams=500 w3_requests=500 w4_streams=1000
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$repo/bench/results/$stamp
mkdir -p "$out"
results=$out/results.jsonl

# --- build (Release: every bench_* gets -O2 from bench/CMakeLists.txt) -------
echo "== building the benchmarks (Release) in $build" >&2
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DANTHROPIC_BUILD_BENCHMARKS=ON \
  $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
cmake --build "$build" -j2 --target bench_mock_server bench_client_load bench_sse_framer bench_decode bench_client_setup >/dev/null

# --- the pinned SDK ---------------------------------------------------------
if [[ -z ${ANTHROPIC_NODE_MODULES:-} ]]; then
  node_dir=$repo/build/node
  export ANTHROPIC_NODE_MODULES=$node_dir/node_modules
  if ! [[ -f $ANTHROPIC_NODE_MODULES/@anthropic-ai/sdk/package.json ]] || ! cmp -s "$repo/bench/sdk/package.json" "$node_dir/package.json"; then
    echo "== installing the pinned SDK into $node_dir" >&2
    mkdir -p "$node_dir" && cp "$repo/bench/sdk/package.json" "$node_dir/"
    (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
sdk_version=$(node -p "require('$ANTHROPIC_NODE_MODULES/@anthropic-ai/sdk/package.json').version")

# --- processes and pinning --------------------------------------------------
# The server gets core 0, the client under test core 1: on this 2-core machine
# neither starves the other, and each client's CPU time is its own.
if (($(nproc) >= 2)); then
  pin_server=(taskset -c 0) pin_client=(taskset -c 1)
else
  pin_server=() pin_client=()
fi
ulimit -n "$(ulimit -Hn)"   # 10,000 concurrent streams need as many descriptors

server_pid=
scratch=$(mktemp -d)   # the server's URL and CA certificate, not worth keeping
stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap 'stop_server; rm -rf "$scratch"' EXIT

# start_server ARGS...: sets $url and $ca_args for the clients.
start_server() {
  stop_server
  local url_file=$scratch/server.url
  rm -f "$url_file"
  "${pin_server[@]}" "$build/bench/bench_mock_server" "$@" --ca-out "$scratch/ca.pem" >"$url_file" 2>>"$out/servers.log" &
  server_pid=$!
  for _ in $(seq 100); do [[ -s $url_file ]] && break; sleep 0.05; done
  url=$(head -1 "$url_file")
  [[ -n $url ]] || { echo "bench_mock_server did not start" >&2; exit 1; }
  echo "server $* -> $url" >>"$out/servers.log"
  ca_args=()
  [[ $url == https://* ]] && ca_args=(--ca "$scratch/ca.pem")
  return 0
}

# run_client WORKLOAD asio|sdk ARGS...: one run, one JSON record in results.jsonl.
run_client() {
  local workload=$1 which=$2 line status=0
  shift 2
  if [[ $which == asio ]]; then
    line=$("${pin_client[@]}" "$build/bench/bench_client_load" --url "$url" "${ca_args[@]}" "$@" 2>>"$out/clients.log") || status=$?
  else
    line=$(NODE_EXTRA_CA_CERTS=$scratch/ca.pem "${pin_client[@]}" node "$repo/bench/sdk/load.mjs" --url "$url" "$@" \
             2>>"$out/clients.log") || status=$?
  fi
  [[ $line == \{* ]] || line="{\"client\":\"$which\",\"crashed\":true,\"exit\":$status}"
  echo "{\"workload\":\"$workload\",\"side\":\"$which\",\"result\":$line}" >>"$results"
  echo "  $workload $which: $line" >&2
  return 0
}

# Both clients, one after the other, on the same server.
pair() {
  local workload=$1
  shift
  run_client "$workload" asio "$@"
  run_client "$workload" sdk "$@"
}

# --- workloads 1-3: HTTPS (what users run) ------------------------------------
w1_args=(--mode stream --requests "$w1_streams" --concurrency "$w1_concurrency" --max-tokens "$w1_deltas")
# 1a: the server writes every event on its own (one TLS record each), as the API does.
start_server --tokens "$w1_deltas"
echo "== 1a: $w1_streams streams of $w1_deltas text deltas, $w1_concurrency at a time (TLS, one write per event)" >&2
pair w1 "${w1_args[@]}"
# 1b: the same streams pre-rendered and written at once: each client reads as
# fast as it can process, so this is its own ceiling. A fresh server per client,
# so both get exactly the pre-rendered replies.
echo "== 1b: the same, each stream written at once (TLS)" >&2
for side in asio sdk; do
  start_server --tokens "$w1_deltas" --bulk-replies "$w1_streams"
  run_client w1_bulk "$side" "${w1_args[@]}"
done
# 1c: events paced as a model streams them, one every 2 ms on each of 20
# streams open together: neither client falls behind, so every event is a
# wake-up of its own, as in production, and this is the cost of one.
start_server --tokens "$w1c_deltas" --event-delay-ms "$w1c_event_delay_ms"
echo "== 1c: $w1c_streams streams of $w1c_deltas text deltas at once, one every $w1c_event_delay_ms ms on each (TLS)" >&2
pair w1_paced --mode stream --requests "$w1c_streams" --concurrency "$w1c_streams" --max-tokens "$w1c_deltas"
start_server --tokens "$w1_deltas"
echo "== 2: $w2_streams short streams (10 events), 100 and 1000 at a time (TLS)" >&2
pair w2_100 --mode stream --requests "$w2_streams" --concurrency 100 --max-tokens "$w2_max_tokens"
pair w2_1000 --mode stream --requests "$w2_streams" --concurrency 1000 --max-tokens "$w2_max_tokens"
echo "== 3: $w3_requests non-streamed creates, 100 at a time (TLS)" >&2
pair w3 --mode create --requests "$w3_requests" --concurrency 100 --max-tokens "$w2_max_tokens"

# --- workload 4: every stream held open by the server's pacing -----------------
# 10 events 500 ms apart keep each stream open about 4.5 s, longer than it takes
# to open all of them, so they really are concurrent (peak_open shows it).
# 4a over TLS (what users run), 4b over plain HTTP (the earlier runs' row).
scale() {
  local workload=$1
  run_client "$workload" asio --mode stream --requests "$w4_streams" --concurrency "$w4_streams" --max-tokens "$w2_max_tokens"
  # The SDK at the largest concurrency it survives: 10,000 first, then less.
  for n in "$w4_streams" $((w4_streams / 2)) $((w4_streams / 5)) $((w4_streams / 10)); do
    run_client "$workload" sdk --mode stream --requests "$n" --concurrency "$n" --max-tokens "$w2_max_tokens"
    tail -1 "$results" | grep -q '"failed":0,' && break
  done
}
# Over TLS, opening 10,000 streams takes longer than 4.5 s (a TLS 1.3
# resumption is an ECDHE exchange each), so the events come 2 s apart: every
# stream stays open about 18 s, and all are open at once.
start_server --tokens "$w1_deltas" --event-delay-ms "$w4_tls_event_delay_ms"
echo "== 4a: $w4_streams concurrent streams on one thread (TLS)" >&2
scale w4_tls
start_server --plain --tokens "$w1_deltas" --event-delay-ms "$w4_event_delay_ms"
echo "== 4b: $w4_streams concurrent streams on one thread (plain HTTP)" >&2
scale w4
stop_server

# --- workload 5: the micro-benchmarks -----------------------------------------
echo "== 5: micro-benchmarks" >&2
{
  echo "\$ bench_sse_framer"
  "${pin_client[@]}" "$build/bench/bench_sse_framer"
  echo
  echo "\$ bench_decode 2000 1"
  "${pin_client[@]}" "$build/bench/bench_decode" 2000 1
  echo
  echo "\$ bench_client_setup 50"
  "${pin_client[@]}" "$build/bench/bench_client_setup" 50
  echo "\$ node --expose-gc bench/sdk/client_setup.mjs 50"
  "${pin_client[@]}" node --expose-gc "$repo/bench/sdk/client_setup.mjs" 50
} >"$out/micro.txt" 2>&1

node "$repo/bench/sdk/report.mjs" "$results" "$out/micro.txt" "$sdk_version" | tee "$out/table.md"
echo "raw records: $out" >&2
