#!/usr/bin/env bash
# The project's two entry points (see README.md):
#   ./build.sh demo   build and run the demo
#   ./build.sh test   build and run the whole test suite: optimised build (-Werror)
#                     with the examples and the CLI, ASan+UBSan build of the tests
#                     (both through the separately compiled library),
#                     ThreadSanitizer run of the client suite (header-only),
#                     bounded fuzzing
# Environment: ANTHROPIC_BUILD_ROOT (default ./build), ANTHROPIC_FUZZ_SECONDS (default 30 per target),
# JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
build_root=${ANTHROPIC_BUILD_ROOT:-$root/build}
jobs=${JOBS:-$(nproc)}

bash cmake/install-deps.sh

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

configure() {  # configure DIR [cmake args...]
  local dir=$1; shift
  cmake -S "$root" -B "$dir" "${generator[@]}" "${launcher[@]}" "$@" >/dev/null
}
# The test stages hold the project's own code to -Werror; the demo does not.
configure_strict() {  # configure_strict DIR [cmake args...]
  configure "$@" -DANTHROPIC_WARNINGS_AS_ERRORS=ON
}

stage() { printf '\n=== %s\n' "$*"; }

# Runs ctest in a build directory, keeping its summary for the closing tally.
summaries=()
run_ctest() {  # run_ctest DIR [ctest args...]
  local dir=$1; shift
  local log
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure "$@") | tee "$log"
  local rc=${PIPESTATUS[0]}
  summaries+=("$(grep -E 'tests passed, [0-9]+ tests? failed out of' "$log" | tail -1)")
  rm -f "$log"
  return "$rc"
}

# The official TypeScript SDK (pinned in bench/sdk/package.json) for the tests that
# check mock_server against it and for the benchmarks. Best effort: without node or
# the npm registry those tests skip and say why.
install_peer_sdk() {
  local dir=$build_root/node
  export ANTHROPIC_NODE_MODULES=$dir/node_modules
  [[ -f $dir/node_modules/@anthropic-ai/sdk/package.json ]] && cmp -s bench/sdk/package.json "$dir/package.json" && return 0
  command -v npm >/dev/null || { echo "npm not found: SDK cross-checks will be skipped" >&2; return 0; }
  mkdir -p "$dir" && cp bench/sdk/package.json "$dir/"
  (cd "$dir" && timeout 300 npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
    echo "npm install failed: SDK cross-checks will be skipped" >&2
}

case "${1:-}" in
  demo)
    configure "$build_root/demo" -DCMAKE_BUILD_TYPE=Release -DANTHROPIC_WARNINGS_AS_ERRORS=OFF
    cmake --build "$build_root/demo" -j "$jobs" --target anthropic-cli >/dev/null
    # The mock server runs inside anthropic-cli: no key, no network.
    "$build_root/demo/example/cli/anthropic-cli" --mock "Write a one-sentence bedtime story about a unicorn."
    ;;
  test)
    start=$SECONDS
    install_peer_sdk
    # The tests, examples and anthropic-cli link anthropic::asio_compiled: the
    # client and mock_server compile once per stage. The examples and the CLI,
    # whose tests check behaviour, are built without optimisation; the sanitizer
    # stages rebuild only the tests.
    stage "optimised build (g++ -O2, -Wall -Wextra -Wpedantic -Werror): tests, examples, CLI, package"
    configure_strict "$build_root/release" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
      -DANTHROPIC_EXAMPLE_FLAGS=-O0
    cmake --build "$build_root/release" -j "$jobs"
    run_ctest "$build_root/release" -j "$jobs"

    stage "AddressSanitizer + UndefinedBehaviorSanitizer"
    # g++ 12 at -O1 with the sanitizers inlines the aligned_alloc behind Asio's
    # coroutine frames into the coroutines of the tests, then takes the frame's
    # own operator delete for a mismatched deallocation: Asio's matching pair,
    # a false positive (-Wmismatched-new-delete), not a finding.
    configure_strict "$build_root/asan" -DCMAKE_BUILD_TYPE=Debug -DANTHROPIC_SANITIZE=address,undefined,float-cast-overflow \
      -DANTHROPIC_BUILD_EXAMPLES=OFF -DANTHROPIC_BUILD_BENCHMARKS=OFF \
      "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1 -Wno-mismatched-new-delete"
    cmake --build "$build_root/asan" -j "$jobs"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest "$build_root/asan" -j "$jobs"

    stage "ThreadSanitizer: the client suite, including a 4-thread io_context, header-only"
    # The one stage that builds the tests against the header-only library: both
    # modes pass the client suite, the one that exercises the request core.
    # g++ warns that TSan does not model Asio's atomic_thread_fence. Where a fence
    # is the only ordering (the release/acquire reference count of a type-erased
    # executor) TSan reports a race that is not one: test/tsan.supp names it.
    configure_strict "$build_root/tsan" -DCMAKE_BUILD_TYPE=Debug -DANTHROPIC_SANITIZE=thread \
      -DANTHROPIC_TESTS_HEADER_ONLY=ON -DANTHROPIC_BUILD_EXAMPLES=OFF -DANTHROPIC_BUILD_BENCHMARKS=OFF "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1 -Wno-tsan"
    cmake --build "$build_root/tsan" -j "$jobs" --target test_client
    TSAN_OPTIONS="halt_on_error=1 suppressions=$root/test/tsan.supp" run_ctest "$build_root/tsan" -R '^client$'

    stage "libFuzzer (clang-14), ${ANTHROPIC_FUZZ_SECONDS:-30} s per target"
    configure_strict "$build_root/fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
      -DANTHROPIC_BUILD_FUZZERS=ON -DANTHROPIC_BUILD_EXAMPLES=OFF -DANTHROPIC_BUILD_BENCHMARKS=OFF \
      -DANTHROPIC_FUZZ_SECONDS="${ANTHROPIC_FUZZ_SECONDS:-30}"
    cmake --build "$build_root/fuzz" -j "$jobs"
    run_ctest "$build_root/fuzz"

    stage "all stages passed in $((SECONDS - start)) s"
    passed=0
    for line in "${summaries[@]}"; do
      [[ $line =~ out\ of\ ([0-9]+) ]] && passed=$((passed + BASH_REMATCH[1]))
    done
    echo "ctest: $passed passed, 0 failed"
    ;;
  *)
    echo "usage: ./build.sh demo | test" >&2
    exit 2
    ;;
esac
