#!/usr/bin/env bash
# Builds PodRestartFunction both ways (Native AOT bootstrap as sam build makes it, and the ordinary JIT build),
# then measures cold start and peak RSS of both in one run, and decode throughput with BenchmarkDotNet.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
make -s -C functions/PodRestarter build-PodRestartFunction ARTIFACTS_DIR="$out/aot"
dotnet build -c Release functions/PodRestarter -o "$out/jit" >/dev/null
bench="dotnet run -c Release --project bench/Automation.Benchmarks --"
$bench coldstart --aot "$out/aot/bootstrap" --jit "$out/jit/Automation.PodRestarter.dll" --runs "${RUNS:-20}"
$bench rss --aot "$out/aot/bootstrap" --jit "$out/jit/Automation.PodRestarter.dll"
$bench rules
[ "${SKIP_DECODE:-}" = 1 ] || $bench decode --filter '*'
