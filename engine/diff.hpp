#pragma once
/// `kairos diff`: the impact of a playbook change on a data set — actions per
/// rule before and after, and the records that gain or lose actions (SPEC §8).
/// Nothing here prints; the CLI writes what this file renders.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/kairos.hpp"

namespace kairos {

/// Actions of one rule in the old and the new version.
struct RuleCounts {
  std::string rule;
  uint64_t old_count = 0;  ///< 0 when the rule is only in the new version
  uint64_t new_count = 0;  ///< 0 when the rule is only in the old version
};

/// The actions one record gains and loses.
struct RecordChange {
  std::string key;
  std::vector<nlohmann::ordered_json> gained;  ///< emitted by the new version only
  std::vector<nlohmann::ordered_json> lost;    ///< emitted by the old version only
};

/// The whole comparison.
struct DiffReport {
  std::vector<RuleCounts> rules;      ///< old rules in evaluation order, then rules only the new version has
  uint64_t records = 0;               ///< records read
  uint64_t rejected = 0;              ///< records that did not fit the schema (not compared)
  uint64_t gaining = 0;               ///< records with at least one gained action
  uint64_t losing = 0;                ///< records with at least one lost action
  uint64_t changed = 0;               ///< records gaining or losing
  std::vector<RecordChange> changes;  ///< the first `limit` changed records, in input order
  bool truncated = false;             ///< more records changed than `changes` holds
};

/// The multiset difference of two lists of actions, compared without their
/// `playbook` and `facts`: `gained` holds what only `after` has, `lost` what
/// only `before` has, each in emission order (and without those keys).
void compare_actions(std::vector<nlohmann::ordered_json> before, std::vector<nlohmann::ordered_json> after,
                     std::vector<nlohmann::ordered_json>& gained, std::vector<nlohmann::ordered_json>& lost);

/// Runs two versions of a playbook over the same records and compares them.
class Differ {
 public:
  /// `limit`: how many changed records to keep (0: all).
  Differ(const Program& old_program, const Program& new_program, const Registry& registry, int32_t as_of, size_t limit);
  Differ(const Differ&) = delete;
  Differ& operator=(const Differ&) = delete;
  ~Differ();

  /// Compares one record. When the versions use different schemas, the same
  /// input record read with each (else pass the same record twice).
  void add(const Record& old_record, const Record& new_record);
  /// Counts a record that could not be read (for either version).
  void add_rejected() {
    ++report_.records;
    ++report_.rejected;
  }
  /// The report so far, with the per-rule counts.
  DiffReport report() const;

 private:
  struct Side;
  const Program& old_;
  const Program& new_;
  std::unique_ptr<Side> old_side_, new_side_;
  size_t limit_;
  DiffReport report_;
};

/// Feeds every record of `old_reader` to `differ`. With `new_reader` (the
/// same data read with the new version's schema) the two are read in
/// lockstep, and a record rejected by either is counted as rejected.
void diff_records(Differ& differ, RecordReader& old_reader, RecordReader* new_reader);

/// `{"rules": [{"rule", "old", "new"}], "records", "rejected", "records_gaining",
/// "records_losing", "records_changed", "changes": [{"key", "gained", "lost"}], "changes_truncated"}`.
std::string render_diff_json(const DiffReport& report);

/// What a reviewer reads on a pull request: the per-rule table (old → new and
/// the change), the record counts, and the changed records with +/- lines.
std::string render_diff_text(const DiffReport& report, size_t limit);

}  // namespace kairos
