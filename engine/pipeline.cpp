#include "engine/pipeline.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "interpreter/writer.hpp"

namespace kairos {

namespace {

/// A batch of input and the output its evaluation produced. A reader that
/// splits (RecordReader::splits) fills `raw` and the worker converts the
/// rows; another fills `records` (rejecting on the reading thread).
struct Batch {
  std::vector<Record> records;
  size_t count = 0;             ///< records filled
  RawRows raw;
  std::vector<Rejection> rejections;  ///< raw: the first `rejected` are the batch's, in input order
  size_t rejected = 0;
  uint64_t evaluated = 0;       ///< raw: records evaluated
  std::string out;
  std::exception_ptr error;     ///< what evaluating threw
  bool done = false;
};

/// One evaluating context: VMs for every program and a writer into a batch.
class Evaluator {
 public:
  Evaluator(const Build& build, const Registry& registry, int32_t as_of, const PipelineOptions& o)
      : runner_(build, registry, as_of), format_(o.format), facts_(o.facts) {}

  /// Evaluates the records of `b`, or, given the reader that split them,
  /// converts and evaluates its rows.
  void evaluate(Batch& b, const RecordReader* split) {
    b.out.clear();
    if (format_ == OutputFormat::Csv) {
      CsvWriter w(b.out);
      evaluate_with(b, split, w);
    } else {
      JsonlWriter w(b.out, facts_);
      evaluate_with(b, split, w);
    }
  }

  void add_to(PipelineStats& s) {
    for (size_t p = 0; p < runner_.size(); ++p) {
      const Vm& vm = runner_.vm(p);
      auto add = [](std::vector<uint64_t>& into, const std::vector<uint64_t>& from) {
        if (into.size() < from.size()) into.resize(from.size(), 0);
        for (size_t i = 0; i < from.size(); ++i) into[i] += from[i];
      };
      add(s.actions[p], vm.actions());
      add(s.warnings[p], vm.warnings());
      s.dropped_proposals[p] += vm.dropped_proposals();
    }
  }

 private:
  template <class Writer>
  void evaluate_with(Batch& b, const RecordReader* split, Writer& w) {
    if (split == nullptr) {
      for (size_t i = 0; i < b.count; ++i) runner_.run(b.records[i], w);
      return;
    }
    b.rejected = 0;
    b.evaluated = 0;
    for (size_t i = 0; i < b.raw.rows.size(); ++i) {
      if (b.rejected == b.rejections.size()) b.rejections.emplace_back();
      if (split->convert(b.raw, i, record_, b.rejections[b.rejected]) == RecordReader::Status::Rejected) {
        ++b.rejected;
        continue;
      }
      ++b.evaluated;
      runner_.run(record_, w);
    }
  }

  Runner runner_;
  OutputFormat format_;
  bool facts_;
  Record record_;  ///< the record being converted from a batch's rows
};

/// Fills `b` with up to `b.records.size()` records; rejections go to `reject`.
/// Returns false when the input has ended and the batch is empty.
bool fill(Batch& b, RecordReader& reader, PipelineStats& stats, const std::function<void(const Rejection&)>& reject) {
  b.count = 0;
  b.done = false;
  Rejection rejection;
  while (b.count < b.records.size()) {
    const RecordReader::Status s = reader.next(b.records[b.count], rejection);
    if (s == RecordReader::Status::End) break;
    if (s == RecordReader::Status::Rejected) {
      ++stats.rejected;
      reject(rejection);
      continue;
    }
    ++b.count;
  }
  stats.evaluated += b.count;
  return b.count > 0;
}

}  // namespace

PipelineStats run_pipeline(const Build& build, const Registry& registry, int32_t as_of, RecordReader& reader,
                           const PipelineOptions& o, const std::function<void(std::string_view)>& write,
                           const std::function<void(const Rejection&)>& reject) {
  PipelineStats stats;
  stats.actions.resize(build.programs.size());
  stats.warnings.resize(build.programs.size());
  stats.dropped_proposals.resize(build.programs.size(), 0);
  const size_t batch_records = o.batch_records > 0 ? o.batch_records : 1;

  if (o.threads <= 1) {
    Evaluator evaluator(build, registry, as_of, o);
    Batch b;
    b.records.resize(batch_records);
    while (fill(b, reader, stats, reject)) {
      evaluator.evaluate(b, nullptr);
      write(b.out);
    }
    evaluator.add_to(stats);
    return stats;
  }

  // A ring of batches: the calling thread reads into free slots and writes
  // finished ones in order; workers take filled slots from a queue. With a
  // reader that splits, the calling thread only finds the rows and the
  // workers convert them, so that reading is not the bottleneck; rejections
  // then travel with their batch and are reported when it is written.
  const bool split = reader.splits();
  const size_t slots = static_cast<size_t>(o.threads) * 4;
  std::vector<Batch> ring(slots);
  if (!split) {
    for (Batch& b : ring) b.records.resize(batch_records);
  }
  std::mutex mu;
  std::condition_variable work_ready, batch_done;
  std::deque<size_t> queue;
  bool closing = false;

  std::vector<std::unique_ptr<Evaluator>> evaluators;
  std::vector<std::thread> workers;
  // Every evaluator exists before a worker starts: a worker reading the
  // vector while it grows would race with the growth.
  for (int t = 0; t < o.threads; ++t) evaluators.push_back(std::make_unique<Evaluator>(build, registry, as_of, o));
  for (int t = 0; t < o.threads; ++t) {
    workers.emplace_back([&, t] {
      Evaluator& ev = *evaluators[static_cast<size_t>(t)];
      for (;;) {
        size_t slot;
        {
          std::unique_lock<std::mutex> lock(mu);
          work_ready.wait(lock, [&] { return closing || !queue.empty(); });
          if (queue.empty()) return;
          slot = queue.front();
          queue.pop_front();
        }
        try {
          ev.evaluate(ring[slot], split ? &reader : nullptr);
        } catch (...) {
          ring[slot].error = std::current_exception();
        }
        {
          std::lock_guard<std::mutex> lock(mu);
          ring[slot].done = true;
        }
        batch_done.notify_all();
      }
    });
  }

  uint64_t next_read = 0, next_write = 0;
  auto write_finished = [&](bool wait_for_oldest) {
    while (next_write < next_read) {
      Batch& b = ring[next_write % slots];
      {
        std::unique_lock<std::mutex> lock(mu);
        if (!b.done) {
          if (!wait_for_oldest) return;
          batch_done.wait(lock, [&] { return b.done; });
        }
      }
      if (b.error) std::rethrow_exception(b.error);
      if (split) {
        stats.evaluated += b.evaluated;
        stats.rejected += b.rejected;
        for (size_t i = 0; i < b.rejected; ++i) reject(b.rejections[i]);
      }
      write(b.out);
      ++next_write;
      wait_for_oldest = false;  // one slot is free again
    }
  };
  try {
    for (;;) {
      if (next_read - next_write == slots) write_finished(true);
      Batch& b = ring[next_read % slots];
      if (split) {
        b.done = false;
        b.error = nullptr;
        if (reader.read_raw(b.raw, batch_records) == 0) break;
      } else if (!fill(b, reader, stats, reject)) {
        break;
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        queue.push_back(next_read % slots);
      }
      work_ready.notify_one();
      ++next_read;
      write_finished(false);
    }
    while (next_write < next_read) write_finished(true);
  } catch (...) {
    {
      std::lock_guard<std::mutex> lock(mu);
      closing = true;
      queue.clear();
    }
    work_ready.notify_all();
    for (std::thread& w : workers) w.join();
    throw;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    closing = true;
  }
  work_ready.notify_all();
  for (std::thread& w : workers) w.join();
  for (auto& ev : evaluators) ev->add_to(stats);
  return stats;
}

}  // namespace kairos
