#pragma once
/// The run pipeline: a reader fills batches of records in input order, worker
/// threads evaluate them (each with its own VMs and output buffer), and the
/// batches' output is written in input order — so the bytes are the same
/// whatever the number of threads. A reader that splits (CSV) only finds the
/// rows on the reading thread; the workers convert them into records.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kairos.hpp"

namespace kairos {

enum class OutputFormat { Jsonl, Csv };

struct PipelineOptions {
  int threads = 1;            ///< evaluating threads; 1 evaluates on the calling thread
  OutputFormat format = OutputFormat::Jsonl;
  bool facts = true;          ///< JSON Lines: include the facts
  size_t batch_records = 512; ///< records per batch
};

/// What a run counted, summed over every thread.
struct PipelineStats {
  uint64_t evaluated = 0;
  uint64_t rejected = 0;
  std::vector<std::vector<uint64_t>> actions;   ///< [program][rule in evaluation order]
  std::vector<std::vector<uint64_t>> warnings;  ///< [program][rule]
  std::vector<uint64_t> dropped_proposals;      ///< [program]
};

/// Streams every record of `reader` through the build's programs. `write`
/// receives output bytes in input order; `reject` receives each rejected
/// record in input order, on the calling thread.
PipelineStats run_pipeline(const Build& build, const Registry& registry, int32_t as_of, RecordReader& reader,
                           const PipelineOptions& options, const std::function<void(std::string_view)>& write,
                           const std::function<void(const Rejection&)>& reject);

}  // namespace kairos
