// Evaluation alone, without reading or writing: the benchmark workload's
// playbook (../shared/bench/playbook.play) over records parsed into memory
// once. Reports nanoseconds per record.
//
//   make bench            (or: build-bench/bench/eval_bench --data FILE)

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/kairos.hpp"

namespace {

std::string data_path = "/tmp/kairos-bench/customers_100000.csv";

/// Counts actions without formatting them.
class CountingSink : public kairos::ActionSink {
 public:
  void action(const kairos::Program&, const kairos::Record&, const kairos::Emitted&) override { ++count; }
  uint64_t count = 0;
};

struct Workload {
  kairos::Engine engine;
  kairos::Build build;
  std::vector<kairos::Record> records;
};

Workload& workload() {
  static std::unique_ptr<Workload> w = [] {
    auto w = std::make_unique<Workload>();
    const std::string shared = KAIROS_SHARED_DIR;
    w->build = w->engine.compile({shared + "/bench/playbook.play"}, {});
    if (!w->build.ok()) {
      std::cerr << w->build.render_diagnostics();
      std::exit(1);
    }
    std::string error;
    auto input = kairos::DataInput::open(data_path, kairos::DataFormat::Csv, error);
    if (!input) {
      std::cerr << error << "\n(generate it with: python3 ../shared/bench/gen.py 100000 " << data_path << ")\n";
      std::exit(1);
    }
    auto reader = input->reader(*w->build.schema);
    kairos::Rejection rejection;
    for (;;) {
      w->records.emplace_back();
      const auto status = reader->next(w->records.back(), rejection);
      if (status != kairos::RecordReader::Status::Record) {
        w->records.pop_back();
        if (status == kairos::RecordReader::Status::End) break;
      }
    }
    return w;
  }();
  return *w;
}

void BM_Evaluate(benchmark::State& state) {
  Workload& w = workload();
  int32_t as_of = 0;
  kairos::parse_iso_date("2026-01-15", as_of);
  kairos::Runner runner(w.build, w.engine.registry(), as_of);
  CountingSink sink;
  size_t i = 0;
  for (auto _ : state) {
    runner.run(w.records[i], sink);
    if (++i == w.records.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ns/record"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["actions/record"] = static_cast<double>(sink.count) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Evaluate);

}  // namespace

/// --once: evaluates every record once, without the benchmark library, and
/// prints the time per record. For instruction counts that do not depend on
/// how many iterations the library chooses:
///   valgrind --tool=callgrind --toggle-collect='kairos::Runner::run*' eval_bench --once
/// then divide the Ir by the record count printed.
int run_once() {
  Workload& w = workload();
  int32_t as_of = 0;
  kairos::parse_iso_date("2026-01-15", as_of);
  kairos::Runner runner(w.build, w.engine.registry(), as_of);
  CountingSink sink;
  const auto start = std::chrono::steady_clock::now();
  for (const kairos::Record& r : w.records) runner.run(r, sink);
  const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  std::cout << w.records.size() << " records, " << ns / static_cast<double>(w.records.size()) << " ns/record, "
            << static_cast<double>(sink.count) / static_cast<double>(w.records.size()) << " actions/record\n";
  return 0;
}

int main(int argc, char** argv) {
  bool once = false;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 < argc && std::string(argv[i]) == "--data") data_path = argv[i + 1];
    if (std::string(argv[i]) == "--once") once = true;
  }
  if (once) return run_once();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
