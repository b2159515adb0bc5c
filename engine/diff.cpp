// kairos diff: two versions of a playbook over one data set.
//
// Decisions where SPEC §8 is silent:
// - Actions are compared per record as multisets of their JSON text (keys
//   sorted) without `playbook` and `facts`; the lists shown keep the key order
//   of `run` and omit those two keys. A record that both gains and loses
//   counts in records_gaining and in records_losing.
// - Per-rule counts are actions, as the VMs count them; the rule list is the
//   old version's rules in evaluation order, then the rules only the new one has.
// - "changes" holds the first 100 changed records by default (--limit N,
//   0 for all); "changes_truncated" says when there were more, and
//   "records_changed" how many there were. "records" and "rejected" count the
//   input: a rejected record is not compared (`kairos run` lists why).
// - When the two versions use different schemas, the CLI reads the data once
//   per version in lockstep; a record rejected by either is not compared.

#include "engine/diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "engine/test_runner.hpp"
#include "engine/writer.hpp"

namespace kairos {

namespace {

using Json = nlohmann::ordered_json;

/// The comparison text of an action: sorted keys, no playbook or facts.
std::string canonical(const Json& action) {
  return nlohmann::json(action).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void strip(Json& action) {
  if (!action.is_object()) return;
  action.erase("playbook");
  action.erase("facts");
}

std::string signed_delta(uint64_t before, uint64_t after) {
  if (after == before) return "0";
  return after > before ? fmt::format("+{}", after - before) : fmt::format("-{}", before - after);
}

}  // namespace

void compare_actions(std::vector<Json> before, std::vector<Json> after, std::vector<Json>& gained,
                     std::vector<Json>& lost) {
  std::vector<std::string> before_keys, after_keys;
  std::map<std::string, int> in_before, in_after;
  for (Json& a : before) {
    strip(a);
    before_keys.push_back(canonical(a));
    ++in_before[before_keys.back()];
  }
  for (Json& a : after) {
    strip(a);
    after_keys.push_back(canonical(a));
    ++in_after[after_keys.back()];
  }
  // Each copy an action has on the other side cancels one of its copies here.
  for (size_t i = 0; i < after.size(); ++i) {
    int& left = in_before[after_keys[i]];
    if (left > 0) {
      --left;
    } else {
      gained.push_back(std::move(after[i]));
    }
  }
  for (size_t i = 0; i < before.size(); ++i) {
    int& left = in_after[before_keys[i]];
    if (left > 0) {
      --left;
    } else {
      lost.push_back(std::move(before[i]));
    }
  }
}

struct Differ::Side {
  Side(const Program& program, const Registry& registry, int32_t as_of) : vm(program, registry) { vm.set_today(as_of); }
  Vm vm;
  ActionCollector collector{/*facts=*/false};
};

Differ::Differ(const Program& old_program, const Program& new_program, const Registry& registry, int32_t as_of,
               size_t limit)
    : old_(old_program),
      new_(new_program),
      old_side_(std::make_unique<Side>(old_program, registry, as_of)),
      new_side_(std::make_unique<Side>(new_program, registry, as_of)),
      limit_(limit) {}

Differ::~Differ() = default;

void Differ::add(const Record& old_record, const Record& new_record) {
  ++report_.records;
  old_side_->vm.run(old_record, old_side_->collector);
  new_side_->vm.run(new_record, new_side_->collector);
  RecordChange change;
  compare_actions(old_side_->collector.take(), new_side_->collector.take(), change.gained, change.lost);
  if (change.gained.empty() && change.lost.empty()) return;
  ++report_.changed;
  if (!change.gained.empty()) ++report_.gaining;
  if (!change.lost.empty()) ++report_.losing;
  if (limit_ != 0 && report_.changes.size() >= limit_) {
    report_.truncated = true;
    return;
  }
  append_key(change.key, old_, old_record);
  report_.changes.push_back(std::move(change));
}

DiffReport Differ::report() const {
  DiffReport r = report_;
  auto count = [](const Vm& vm, size_t i) { return i < vm.actions().size() ? vm.actions()[i] : 0; };
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < old_.rules.size(); ++i) {
    index[old_.rules[i].name] = r.rules.size();
    r.rules.push_back({old_.rules[i].name, count(old_side_->vm, i), 0});
  }
  for (size_t i = 0; i < new_.rules.size(); ++i) {
    auto [it, added] = index.emplace(new_.rules[i].name, r.rules.size());
    if (added) r.rules.push_back({new_.rules[i].name, 0, 0});
    r.rules[it->second].new_count = count(new_side_->vm, i);
  }
  return r;
}

void diff_records(Differ& differ, RecordReader& old_reader, RecordReader* new_reader) {
  Record old_record, new_record;
  Rejection rejection;
  for (;;) {
    const RecordReader::Status s = old_reader.next(old_record, rejection);
    const RecordReader::Status t = new_reader ? new_reader->next(new_record, rejection) : s;
    if (s == RecordReader::Status::End || t == RecordReader::Status::End) break;
    if (s == RecordReader::Status::Rejected || t == RecordReader::Status::Rejected) {
      differ.add_rejected();
      continue;
    }
    differ.add(old_record, new_reader ? new_record : old_record);
  }
}

std::string render_diff_json(const DiffReport& report) {
  Json j = Json::object();
  Json rules = Json::array();
  for (const RuleCounts& c : report.rules) {
    Json rule = Json::object();
    rule["rule"] = c.rule;
    rule["old"] = c.old_count;
    rule["new"] = c.new_count;
    rules.push_back(std::move(rule));
  }
  j["rules"] = std::move(rules);
  j["records"] = report.records;
  j["rejected"] = report.rejected;
  j["records_gaining"] = report.gaining;
  j["records_losing"] = report.losing;
  j["records_changed"] = report.changed;
  Json changes = Json::array();
  for (const RecordChange& c : report.changes) {
    Json change = Json::object();
    change["key"] = c.key;
    change["gained"] = c.gained;
    change["lost"] = c.lost;
    changes.push_back(std::move(change));
  }
  j["changes"] = std::move(changes);
  j["changes_truncated"] = report.truncated;
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string render_diff_text(const DiffReport& report, size_t limit) {
  size_t name_width = 4;
  for (const RuleCounts& c : report.rules) name_width = std::max(name_width, c.rule.size());
  std::string out = fmt::format("{:<{}}  {:>8}  {:>8}  {:>8}\n", "rule", name_width, "old", "new", "change");
  for (const RuleCounts& c : report.rules) {
    out += fmt::format("{:<{}}  {:>8}  {:>8}  {:>8}\n", c.rule, name_width, c.old_count, c.new_count,
                       signed_delta(c.old_count, c.new_count));
  }
  const uint64_t compared = report.records - report.rejected;
  out +=
      fmt::format("\n{} record{} compared: {} gain{} actions, {} lose{} actions\n", compared, compared == 1 ? "" : "s",
                  report.gaining, report.gaining == 1 ? "s" : "", report.losing, report.losing == 1 ? "s" : "");
  if (report.rejected > 0) {
    out += fmt::format("{} record{} rejected by the schema and not compared (kairos run lists why)\n", report.rejected,
                       report.rejected == 1 ? " was" : "s were");
  }
  if (report.changes.empty()) {
    out += "\nno record changes its actions\n";
    return out;
  }
  out += "\n";
  for (const RecordChange& c : report.changes) {
    out += fmt::format("{}\n", c.key);
    for (const Json& a : c.lost) out += fmt::format("  - {}\n", json_text(a));
    for (const Json& a : c.gained) out += fmt::format("  + {}\n", json_text(a));
  }
  if (report.truncated) {
    out +=
        fmt::format("\n... {} changed records in all; the first {} are shown (--limit N shows more, --limit 0 all)\n",
                    report.changed, limit);
  }
  return out;
}

}  // namespace kairos
