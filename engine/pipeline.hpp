#pragma once
/// The run pipeline: batches of records are read in input order, evaluated
/// on several threads (each with its own VMs and output buffer), and their
/// output is written in input order — so the bytes are the same whatever the
/// number of threads. Each thread reads a batch (one at a time), evaluates
/// it, and writes whatever batches are next in order and finished. With a
/// reader that splits (CSV), reading only finds the rows; converting them
/// into records is part of evaluating.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kairos.hpp"

namespace kairos {

enum class OutputFormat { Jsonl, Csv };

/// The most threads a run may use (docs/limits.md); the CLI refuses more.
inline constexpr int kMaxThreads = 256;

struct PipelineOptions {
  int threads = 1;            ///< threads, the calling one included (at most kMaxThreads)
  OutputFormat format = OutputFormat::Jsonl;
  bool facts = true;          ///< JSON Lines: include the facts
  size_t batch_records = 512; ///< records per batch
  uint64_t max_proposals = 0; ///< > 0: proposals per record across the playbooks (see Runner)
};

/// What a run counted, summed over every thread.
struct PipelineStats {
  uint64_t evaluated = 0;
  uint64_t rejected = 0;
  std::vector<std::vector<uint64_t>> actions;   ///< [program][rule in evaluation order]
  std::vector<std::vector<uint64_t>> warnings;  ///< [program][rule]
  std::vector<uint64_t> dropped_proposals;      ///< [program], by the playbook's max_proposals
  uint64_t dropped_run_wide = 0;                ///< by PipelineOptions::max_proposals
};

/// Streams every record of `reader` through the build's programs. `write`
/// receives output bytes in input order; `reject` receives each rejected
/// record in input order. With several threads, either may be called on any
/// of them, but never on two at once. What throws (reading, evaluating,
/// `write`, `reject`) stops every thread and is rethrown to the caller; the
/// batches before it have been written.
PipelineStats run_pipeline(const Build& build, const Registry& registry, int32_t as_of, RecordReader& reader,
                           const PipelineOptions& options, const std::function<void(std::string_view)>& write,
                           const std::function<void(const Rejection&)>& reject);

}  // namespace kairos
