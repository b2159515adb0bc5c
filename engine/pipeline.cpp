#include "engine/pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "engine/writer.hpp"

namespace kairos {

namespace {

/// A batch of input and the output its evaluation produced. A reader that
/// splits (RecordReader::splits) fills `raw` and the worker converts the
/// rows; another fills `records` (rejecting on the reading thread).
struct alignas(64) Batch {
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
      : runner_(build, registry, as_of, o.max_proposals), format_(o.format), csv_(unused_), jsonl_(unused_, o.facts) {
    csv_.dated(as_of);
    jsonl_.dated(as_of);
  }

  /// Evaluates the records of `b`, or, given the reader that split them,
  /// converts and evaluates its rows.
  void evaluate(Batch& b, const RecordReader* split) {
    b.out.clear();
    if (format_ == OutputFormat::Csv) {
      csv_.into(b.out);
      evaluate_with(b, split, csv_);
    } else {
      jsonl_.into(b.out);
      evaluate_with(b, split, jsonl_);
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
      // The VM counted the proposals the run-wide limit dropped after it.
      for (size_t r = 0; r < s.actions[p].size(); ++r) {
        const uint64_t d = runner_.dropped(p, r);
        s.actions[p][r] -= d;
        s.dropped_run_wide += d;
      }
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
  std::string unused_;  ///< where the writers write before their first batch (never)
  CsvWriter csv_;
  JsonlWriter jsonl_;
  Record record_;  ///< the record being converted from a batch's rows
};

/// Fills `b` with up to `b.records.size()` records; rejections go to `reject`.
/// Returns false when the input has ended and the batch is empty.
bool fill(Batch& b, RecordReader& reader, PipelineStats& stats, const std::function<void(const Rejection&)>& reject) {
  b.count = 0;
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

  // N threads, the calling one among them, each taking turns at three
  // jobs: reading the next batch (one thread at a time, in input order, into
  // a free slot of a ring), evaluating it (in parallel), and writing the
  // finished batches in input order (one thread at a time: whoever finishes
  // the oldest unwritten batch writes it and every finished batch after
  // it). A batch is read and evaluated on the same thread, so its bytes stay
  // in that core's cache, and there are never more threads than --threads.
  // With a reader that splits, reading only finds the rows and evaluating
  // converts them too; rejections then travel with their batch and are
  // reported when it is written.
  const bool split = reader.splits();
  const int thread_count = std::min(o.threads, kMaxThreads);
  const size_t slots = static_cast<size_t>(thread_count) * 4;
  std::vector<Batch> ring(slots);
  if (!split) {
    for (Batch& b : ring) b.records.resize(batch_records);
  }

  std::mutex read_mu;      // the reader and next_read; held while reading a batch
  uint64_t next_read = 0;  // the sequence number of the next batch read
  bool input_ended = false;
  std::mutex mu;           // everything below, and Batch::done
  std::condition_variable slot_free;
  uint64_t next_write = 0;  // the oldest batch not yet written
  bool writing = false;     // a thread is writing batches
  bool failed = false;
  std::exception_ptr error;  // the first thing that threw

  const auto fail = [&](std::exception_ptr e) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!failed) error = e;
      failed = true;
    }
    slot_free.notify_all();
  };

  // Writes every finished batch from the oldest on, unless another thread
  // is at it (it then sees this one's batch before it stops).
  const auto write_finished = [&] {
    std::unique_lock<std::mutex> lock(mu);
    if (writing) return;
    writing = true;
    while (!failed && ring[next_write % slots].done) {
      Batch& b = ring[next_write % slots];
      lock.unlock();
      try {
        if (b.error) std::rethrow_exception(b.error);
        if (split) {
          stats.evaluated += b.evaluated;
          stats.rejected += b.rejected;
          for (size_t i = 0; i < b.rejected; ++i) reject(b.rejections[i]);
        }
        write(b.out);
      } catch (...) {
        // Failed in the same hold of the lock that ends the writing, so no
        // other thread starts writing the next batch in between.
        lock.lock();
        writing = false;
        if (!failed) error = std::current_exception();
        failed = true;
        lock.unlock();
        slot_free.notify_all();
        return;
      }
      lock.lock();
      b.done = false;
      ++next_write;
      slot_free.notify_all();
    }
    writing = false;
  };

  const auto work = [&](Evaluator& ev) {
    for (;;) {
      Batch* b = nullptr;
      try {
        std::lock_guard<std::mutex> read_lock(read_mu);
        if (input_ended) return;
        {
          std::unique_lock<std::mutex> lock(mu);
          slot_free.wait(lock, [&] { return failed || next_read - next_write < slots; });
          if (failed) return;
        }
        b = &ring[next_read % slots];
        b->error = nullptr;
        const bool got = split ? reader.read_raw(b->raw, batch_records) > 0 : fill(*b, reader, stats, reject);
        if (!got) {
          input_ended = true;
          return;
        }
        ++next_read;
      } catch (...) {
        fail(std::current_exception());
        return;
      }
      try {
        ev.evaluate(*b, split ? &reader : nullptr);
      } catch (...) {
        b->error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        b->done = true;
      }
      write_finished();
    }
  };

  // Each thread makes its own evaluator, so that the memory it writes on
  // every record comes from that thread's heap arena and shares no cache
  // line with another thread's.
  const auto run_thread = [&] {
    std::optional<Evaluator> ev;
    try {
      ev.emplace(build, registry, as_of, o);
    } catch (...) {
      fail(std::current_exception());
      return;
    }
    work(*ev);
    std::lock_guard<std::mutex> lock(mu);
    ev->add_to(stats);
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < thread_count; ++t) {
    // When the system refuses a thread, the ones started share the work.
    try {
      threads.emplace_back(run_thread);
    } catch (const std::system_error&) {
      break;
    }
  }
  run_thread();
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  return stats;
}

}  // namespace kairos
