// Evaluation alone, without reading or writing: the benchmark workload's
// playbook (../shared/bench/playbook.play) over the records of a CSV file.
// Reports nanoseconds of CPU time per record, in two ways:
//
// - BM_Evaluate: every record of the file (100,000 by default) is read into
//   memory once, each with its own arena (about 150 MB in all), and the
//   timed loop evaluates them one after the other, round and round. Nearly
//   every record comes from main memory, so this is evaluation plus the
//   cache misses of reaching a record that nothing has touched lately.
// - BM_EvaluateBatches: evaluation the way `kairos run` does it
//   (engine/pipeline.cpp): the reader fills a batch of
//   PipelineOptions::batch_records (512) Record objects, which are then
//   evaluated while they are still in cache. Filling is not timed (the
//   timer is paused); each iteration evaluates one whole batch. At the end
//   of the file the reader starts again from the top.
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
#include "engine/pipeline.hpp"

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

void BM_EvaluateBatches(benchmark::State& state) {
  Workload& w = workload();
  int32_t as_of = 0;
  kairos::parse_iso_date("2026-01-15", as_of);
  kairos::Runner runner(w.build, w.engine.registry(), as_of);
  CountingSink sink;
  std::vector<kairos::Record> batch(kairos::PipelineOptions().batch_records);
  std::unique_ptr<kairos::DataInput> input;
  std::unique_ptr<kairos::RecordReader> reader;
  kairos::Rejection rejection;
  uint64_t records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    size_t count = 0;
    while (count < batch.size()) {
      if (!reader) {
        std::string error;
        input = kairos::DataInput::open(data_path, kairos::DataFormat::Csv, error);
        reader = input->reader(*w.build.schema);
      }
      const auto status = reader->next(batch[count], rejection);
      if (status == kairos::RecordReader::Status::Record) ++count;
      if (status == kairos::RecordReader::Status::End) reader.reset();
    }
    state.ResumeTiming();
    for (size_t i = 0; i < count; ++i) runner.run(batch[i], sink);
    records += count;
  }
  state.SetItemsProcessed(static_cast<int64_t>(records));
  state.counters["ns/record"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["actions/record"] = static_cast<double>(sink.count) / static_cast<double>(records);
}
BENCHMARK(BM_EvaluateBatches);

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
