#!/usr/bin/env bash
# Runs the benchmarks of docs/performance.md: the side-by-side comparison of
# ../shared/bench/compare.py (kairos vs the hand-written C++ floor and DuckDB)
# and the evaluation micro-benchmark. Usage: bench/run.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
runs=${2:-5}
work=${KAIROS_BENCH_WORK:-/tmp/kairos-bench}
mkdir -p "$work"
[ -f "$work/customers_100000.csv" ] || python3 ../shared/bench/gen.py 100000 "$work/customers_100000.csv"

echo "== evaluation alone (Google Benchmark, 100k records in memory)"
build-bench/bench/eval_bench --data "$work/customers_100000.csv" --benchmark_min_time=2

# The same rules over 8 rows repeated: the branch predictor learns their
# outcomes, so the difference from the run above is what its misses cost.
rows8="$work/rows8.csv"
if [ ! -f "$rows8" ]; then
  head -n 9 "$work/customers_100000.csv" |
    awk 'NR == 1 { print; next } { row[NR] = $0 } END { for (i = 0; i < 12500; i++) for (j = 2; j <= 9; j++) print row[j] }' > "$rows8"
fi
echo "== evaluation alone over 8 rows repeated (branch outcomes that repeat)"
build-bench/bench/eval_bench --data "$rows8" --benchmark_filter=BM_EvaluateBatches --benchmark_min_time=2

echo "== whole process, $rows records (compare.py)"
python3 ../shared/bench/compare.py build-bench/kairos --rows "$rows" --runs "$runs" --work "$work"

echo "== peak memory on 10M rows (input size must not matter)"
big="$work/customers_10000000.csv"
if [ "${KAIROS_BENCH_10M:-0}" = 1 ]; then
  [ -f "$big" ] || python3 ../shared/bench/gen.py 10000000 "$big"
  /usr/bin/time -f "%e s, %M KB peak" build-bench/kairos run ../shared/bench/playbook.play --data "$big" \
    --as-of 2026-01-15 --output csv --no-facts --quiet --out "$work/kairos-10m.csv"
else
  echo "(set KAIROS_BENCH_10M=1 to generate the 1.4 GB file and measure)"
fi
