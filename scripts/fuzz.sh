#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (docs/FUZZING.md) and runs each for SECONDS (default 30) on
# a scratch copy of its seed corpus, Fuzz/Corpus/TARGET, so the committed seeds stay small.
# Prints executions per second and corpus size per target. Exits non-zero if any target crashed,
# broke an invariant or timed out; the input that did it stays in .build/fuzz/crashes/TARGET/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Targets: request-parser response-parser target-canonicalizer host-parser proxy-protocol
# http2-downgrade response-forwarding (default: all).
# The fuzz executables exist only with FREEZEGATE_FUZZ=1 (Package.swift), which compiles the code under
# test with -sanitize=fuzzer,address and the dependencies as `swift build` does: they are built in
# the usual scratch path and share the dependencies with `swift build` and `swift test` (which then
# compile the project's own modules again, without the instrumentation).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=(request-parser response-parser target-canonicalizer host-parser proxy-protocol http2-downgrade response-forwarding)
fi
scratch=.build/fuzz
build=(swift build -c debug)
for target in "${targets[@]}"; do
    if [ ! -d "Fuzz/Corpus/$target" ]; then
        echo "fuzz.sh: unknown target $target (no Fuzz/Corpus/$target)" >&2
        exit 2
    fi
done

echo "== fuzz build (${targets[*]})"
export FREEZEGATE_FUZZ=1
mkdir -p "$scratch"
for target in "${targets[@]}"; do
    # One product per invocation: `swift build` keeps only the last --product. The linker's
    # warnings about AddressSanitizer's local symbols (hundreds of lines) are left out.
    status=0
    nice -n 10 "${build[@]}" --product "fuzz-$target" >"$scratch/build.log" 2>&1 || status=$?
    grep -v "Cannot export local symbol" "$scratch/build.log" || true
    if [ "$status" -ne 0 ]; then
        echo "fuzz.sh: the build of fuzz-$target failed" >&2
        exit 1
    fi
done
bin=$("${build[@]}" --show-bin-path)

# The Swift runtime's backtracer would take minutes over a sanitized binary; libFuzzer reports enough.
export SWIFT_BACKTRACE=enable=no

failed=0
summary=()
for target in "${targets[@]}"; do
    run="$scratch/runs/$target"
    crashes="$scratch/crashes/$target"
    rm -rf "$run"
    mkdir -p "$run/corpus" "$crashes"
    cp Fuzz/Corpus/"$target"/* "$run/corpus/"
    seeds=$(find "$run/corpus" -type f | wc -l)
    echo "== fuzz $target for ${seconds}s ($seeds seeds)"
    status=0
    # Leak detection is off: the Swift runtime's caches look like leaks to it, and a leak is not
    # what these targets look for. A slow input (over 10 s) counts as a failure.
    "$bin/fuzz-$target" "$run/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$crashes/" >"$run/log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log")
    files=$(find "$run/corpus" -type f | wc -l)
    bytes=$(find "$run/corpus" -type f -exec cat {} + | wc -c)
    line=$(printf '%-22s %10s exec/s %12s execs  corpus %5s → %5s files (%s bytes)' \
        "$target" "${rate:-?}" "${executions:-?}" "$seeds" "$files" "$bytes")
    if [ "$status" -ne 0 ]; then
        failed=1
        line="$line  FAILED (exit $status)"
        grep -E -A2 'Fatal error|ERROR: (libFuzzer|AddressSanitizer)' "$run/log" | cut -c1-400 | head -12 || true
        grep -E 'Test unit written to|artifact_prefix' "$run/log" || true
        echo "full log: $run/log"
    fi
    summary+=("$line")
done

echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    echo "fuzz.sh: a target failed; the input is in $scratch/crashes/ (minimise it with the target's -minimize_crash=1)" >&2
fi
exit "$failed"
