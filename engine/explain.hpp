#pragma once
/// `kairos explain`: for one record, every rule in evaluation order, whether
/// it fired, and the value of each part of its condition (SPEC §8).
/// Nothing here prints; the CLI writes what this file renders.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/kairos.hpp"

namespace kairos {

/// One part of a condition with its value for the record.
struct ExplainNode {
  std::string expr;               ///< the source text
  nlohmann::ordered_json value;   ///< as in output: dates ISO, null for null
  std::string text;               ///< the value as the text report shows it
  bool evaluated = false;         ///< false for a part without a value of its own (a range `lo..hi`)
  bool constant = false;          ///< a literal, a symbol, or a list of them (the text report leaves these out)
  std::vector<ExplainNode> args;  ///< sub-expressions (interpolated parts of a string too)
};

/// One rule and why it fired or not.
struct RuleExplanation {
  std::string rule;
  std::string description;
  std::string group;  ///< empty when none
  bool fired = false;
  Skipped skipped = Skipped::No;
  ExplainNode condition;  ///< evaluated even when skipped: what it would have been
};

/// The explanation of one record.
struct Explanation {
  std::string key;
  uint64_t line = 0;  ///< the record's input line (1-based; CSV counts the header)
  std::string playbook;
  std::string as_of;                            ///< ISO date of today()
  std::vector<RuleExplanation> rules;           ///< evaluation order
  std::vector<nlohmann::ordered_json> actions;  ///< what `run` emits for the record
};

/// Explains `record`: runs `program` on it with a rule trace, then evaluates
/// every part of every rule's condition. `program` must be compiled with
/// BuildOptions::probes; `vm` is a VM of that program; `sources` the build's.
Explanation explain_record(const Program& program, const grammar::SourceManager& sources, Vm& vm, const Record& record);

enum class FindStatus { Found, NotFound, Rejected };

/// Reads records until the next whose key (as text, as in output) equals
/// `key`. Rejected: that record did not fit the schema (see `rejection`).
/// Called again, it goes on from there: a key may appear more than once.
FindStatus find_record(RecordReader& reader, const Program& program, const std::string& key, Record& out,
                       Rejection& rejection);

/// `{"key", "line", "playbook", "as_of", "rules": [{"rule", "fired", "skipped", "condition"}], "actions"}`, indented.
std::string render_explanation_json(const Explanation& e);

/// The report for a person: each rule, its status and its condition parts aligned with their values.
std::string render_explanation_text(const Explanation& e);

}  // namespace kairos
