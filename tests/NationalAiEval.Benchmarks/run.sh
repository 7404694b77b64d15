#!/usr/bin/env bash
# Runs every benchmark in Release and prints the results table (the README's Performance section comes from it).
# Usage: bash tests/NationalAiEval.Benchmarks/run.sh [benchmark ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build tests/NationalAiEval.Benchmarks -c Release -v quiet -nologo >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(dotnet --version) SDK, $(date -u +%Y-%m-%d)"
dotnet tests/NationalAiEval.Benchmarks/bin/Release/net10.0/NationalAiEval.Benchmarks.dll "$@"
