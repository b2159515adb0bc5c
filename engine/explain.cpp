// kairos explain: why each rule fired or not for one record.
//
// Decisions where SPEC §8 is silent:
// - The record is the first whose key, rendered as text like the `key` of
//   output, equals --key. When that record is rejected, the rejection is the
//   answer (the CLI prints it and exits 1, as for an unknown key).
// - Fired/skipped come from the VM's own run (a rule trace), so they are
//   exactly what `run` does. The condition parts are then evaluated one by one
//   on the same record (lets are per record, so they are not recomputed).
// - A skipped rule (its group already fired, or an earlier rule stopped) still
//   shows its condition with the values it would have: that tells whether it
//   would have fired. `fired` is false and `skipped` says why.
// - Every sub-expression is a node, literals included, in JSON. A part that
//   has no value of its own (a range `lo..hi` after `in`) has value null. The
//   interpolated expressions of a string are its args. The text report leaves
//   out constant parts (literals, symbols, lists of them) and shows conditions
//   on one line.
// - JSON adds "as_of" and "actions" (the record's actions as `run` prints
//   them) to the keys SPEC lists.

#include "engine/explain.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/test_runner.hpp"
#include "data/text.hpp"
#include "engine/writer.hpp"

namespace kairos {

namespace {

using Json = nlohmann::ordered_json;

/// The outcome of every rule of a run, by evaluation index.
class Outcomes : public RuleTrace {
 public:
  explicit Outcomes(size_t rules) : fired(rules, false), skipped(rules, Skipped::No) {}
  void rule(size_t index, bool f, Skipped s) override {
    fired[index] = f;
    skipped[index] = s;
  }
  std::vector<bool> fired;
  std::vector<Skipped> skipped;
};

Json to_json(const Value& v) {
  std::string text;
  append_json_value(text, v);
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json(text) : j;
}

std::string to_text(const Value& v) {
  std::string out;
  switch (v.kind) {
    case ValueKind::Null: return "null";
    case ValueKind::Bool: return v.b ? "true" : "false";
    case ValueKind::String: append_json_string(out, v.str()); return out;
    case ValueKind::List: append_json_value(out, v); return out;
    default: append_text(out, v); return out;
  }
}

bool literal(ast::ExprKind k) {
  return k == ast::ExprKind::Int || k == ast::ExprKind::Number || k == ast::ExprKind::Date ||
         k == ast::ExprKind::Bool || k == ast::ExprKind::Null;
}

class Explainer {
 public:
  Explainer(const Program& program, const grammar::SourceManager& sources, Vm& vm)
      : program_(program), sources_(sources), vm_(vm) {}

  ExplainNode node(const ast::Expr& e) {
    ExplainNode n;
    n.expr = std::string(sources_.file(e.span.file).slice(e.span));
    const auto probe = program_.probes.find(&e);
    if (probe != program_.probes.end()) {
      const Value v = vm_.eval(probe->second);
      n.evaluated = true;
      n.value = to_json(v);
      n.text = to_text(v);
    }
    for (const ast::ExprPtr& a : e.args) n.args.push_back(node(*a));
    for (const ast::StringPart& p : e.parts) {
      if (p.expr) n.args.push_back(node(*p.expr));
    }
    n.constant = constant(e, n);
    return n;
  }

 private:
  /// Parts a reader needs no value for: literals, symbols, lists of them.
  bool constant(const ast::Expr& e, const ExplainNode& n) const {
    switch (e.kind) {
      case ast::ExprKind::String: return n.args.empty();
      case ast::ExprKind::List:
      case ast::ExprKind::Range:
        return std::all_of(n.args.begin(), n.args.end(), [](const ExplainNode& a) { return a.constant; });
      case ast::ExprKind::Name: {
        // A symbol evaluates to its own name; a field never counts as one.
        const bool field = program_.schema && program_.schema->find(e.text) >= 0;
        return !field && n.value.is_string() && n.value.get_ref<const std::string&>() == e.text;
      }
      default: return literal(e.kind);
    }
  }

  const Program& program_;
  const grammar::SourceManager& sources_;
  Vm& vm_;
};

/// Source text on one line: runs of whitespace and comments become one space.
std::string one_line(std::string_view s) {
  std::string out;
  bool in_string = false, space = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < s.size()) {
        out += s[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '#') {
      while (i + 1 < s.size() && s[i + 1] != '\n') ++i;
      space = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    if (c == '"') in_string = true;
    out += c;
  }
  return out;
}

size_t width(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void node_lines(const ExplainNode& n, size_t depth, bool root, std::vector<std::pair<std::string, std::string>>& out) {
  if (!root && n.constant) return;
  out.emplace_back(std::string(2 * depth, ' ') + one_line(n.expr), n.evaluated ? n.text : std::string());
  for (const ExplainNode& a : n.args) node_lines(a, depth + 1, false, out);
}

Json node_json(const ExplainNode& n) {
  Json j = Json::object();
  j["expr"] = n.expr;
  j["value"] = n.value;
  if (!n.args.empty()) {
    Json args = Json::array();
    for (const ExplainNode& a : n.args) args.push_back(node_json(a));
    j["args"] = std::move(args);
  }
  return j;
}

std::string status_text(const RuleExplanation& r) {
  switch (r.skipped) {
    case Skipped::Group:
      return fmt::format("skipped: another rule of group '{}' fired first (its condition would be {})", r.group,
                         r.condition.text);
    case Skipped::Stop:
      return fmt::format("skipped: an earlier rule stopped the evaluation (its condition would be {})",
                         r.condition.text);
    case Skipped::No: break;
  }
  if (r.fired) return "fired";
  if (r.condition.value.is_null()) return "not fired (the condition is null: a value it needs is missing)";
  return "not fired";
}

}  // namespace

Explanation explain_record(const Program& program, const grammar::SourceManager& sources, Vm& vm,
                           const Record& record) {
  Explanation e;
  e.playbook = program.name;
  append_key(e.key, program, record);
  e.line = record.line;
  char date[16];
  e.as_of.assign(date, format_iso_date(vm.context().today, date));

  Outcomes outcomes(program.rules.size());
  ActionCollector collector(/*facts=*/true);
  vm.run(record, collector, &outcomes);
  e.actions = collector.take();

  vm.begin(&record);
  Explainer explainer(program, sources, vm);
  for (size_t i = 0; i < program.rules.size(); ++i) {
    const CompiledRule& rule = program.rules[i];
    RuleExplanation r;
    r.rule = rule.name;
    r.description = rule.description;
    if (rule.group >= 0) r.group = program.groups[static_cast<size_t>(rule.group)];
    r.fired = outcomes.fired[i];
    r.skipped = outcomes.skipped[i];
    if (rule.source != nullptr && rule.source->when) r.condition = explainer.node(*rule.source->when);
    e.rules.push_back(std::move(r));
  }
  return e;
}

FindStatus find_record(RecordReader& reader, const Program& program, const std::string& key, Record& out,
                       Rejection& rejection) {
  std::string text;
  for (;;) {
    switch (reader.next(out, rejection)) {
      case RecordReader::Status::End: return FindStatus::NotFound;
      case RecordReader::Status::Rejected:
        if (rejection.key == key) return FindStatus::Rejected;
        break;
      case RecordReader::Status::Record:
        text.clear();
        append_key(text, program, out);
        if (text == key) return FindStatus::Found;
        break;
    }
  }
}

std::string render_explanation_json(const Explanation& e) {
  Json j = Json::object();
  j["key"] = e.key;
  j["line"] = e.line;
  j["playbook"] = e.playbook;
  j["as_of"] = e.as_of;
  Json rules = Json::array();
  for (const RuleExplanation& r : e.rules) {
    Json rule = Json::object();
    rule["rule"] = r.rule;
    rule["fired"] = r.fired;
    rule["skipped"] = r.skipped == Skipped::Group ? Json("group") : r.skipped == Skipped::Stop ? Json("stop") : Json();
    rule["condition"] = node_json(r.condition);
    rules.push_back(std::move(rule));
  }
  j["rules"] = std::move(rules);
  j["actions"] = Json::array();
  for (const Json& a : e.actions) j["actions"].push_back(a);
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string render_explanation_text(const Explanation& e) {
  std::string out = fmt::format("record {} in playbook \"{}\", as of {}\n", e.key, e.playbook, e.as_of);
  for (const RuleExplanation& r : e.rules) {
    out += fmt::format("\nrule {}: {}\n", r.rule, status_text(r));
    if (!r.description.empty()) out += fmt::format("  \"{}\"\n", r.description);
    std::vector<std::pair<std::string, std::string>> lines;
    node_lines(r.condition, 1, true, lines);
    size_t column = 0;
    for (const auto& [expr, value] : lines) column = std::max(column, width(expr));
    column = std::min<size_t>(column, 60) + 3;
    for (const auto& [expr, value] : lines) {
      const size_t w = width(expr);
      if (value.empty()) {
        out += expr + "\n";
      } else {
        out += expr + std::string(w < column ? column - w : 3, ' ') + value + "\n";
      }
    }
  }
  if (e.actions.empty()) {
    out += "\nactions: none\n";
  } else {
    out += "\nactions:\n";
    for (Json a : e.actions) {
      if (a.is_object()) a.erase("facts");
      out += "  " + json_text(a) + "\n";
    }
  }
  return out;
}

}  // namespace kairos
