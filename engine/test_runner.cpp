// kairos test: cases of *.test.yaml files run through the real compiler and VM.
//
// Decisions where SPEC §8 is silent:
// - A test file is compiled once; each case's record is converted like a row
//   of a YAML data file (convert_yaml_record). A rejected record fails the
//   case with the rejection. A record key that names no schema field fails
//   the case too ("did you mean"): with a typo the field would silently be
//   null and a `not_fired` case could pass for the wrong reason.
// - Schema: `schema:` (relative to the test file), else the playbook's own,
//   else inferred from the records of all the cases of the file.
// - Values: a plain YAML scalar equals a JSON string with the same text, a
//   JSON number when it reads as the same number (`10%` is 0.1; 1e-9
//   relative tolerance), a JSON bool when it is true/false/yes/no; a quoted
//   scalar is only ever a string; null only null; sequences compare element
//   by element; a mapping needs its keys in the JSON object (so `facts:
//   {health: 85}` checks one fact).
// - Matching is a maximum bipartite matching (augmenting paths), so the order
//   of `expect` entries never matters and each entry uses its own action.
// - `not_fired` is checked against the rules whose condition was true (from
//   the VM's rule trace), so it also covers rules whose actions were dropped
//   by max_proposals; a name that is no rule of the playbook fails the case.
// - Unknown keys in a test file or a case are errors (a misspelled `expect`
//   would otherwise make a case pass vacuously). A test file that cannot be
//   used (unreadable, YAML error, no `playbook`, no `cases`) counts as one
//   failure; a case without `name` or `record` fails on its own. A playbook
//   that does not compile fails every case, and the file itself when it has
//   no case (`cases: []`), so a broken playbook never passes.
// - Directories are searched recursively for `*.test.yaml` and `*.test.yml`,
//   skipping hidden directories; files named explicitly run whatever their name.

#include "engine/test_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>

#include "grammar/diagnostic.hpp"
#include "data/convert.hpp"

namespace kairos {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

bool plain(const YAML::Node& n) { return n.Tag() != "!"; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Reads a YAML scalar as a number: an int or decimal, or a percentage.
bool scalar_number(std::string_view s, double& out, bool& is_int, int64_t& int_value) {
  const bool percent = !s.empty() && s.back() == '%';
  if (percent) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  is_int = false;
  if (!percent) {
    auto [p, ec] = std::from_chars(s.data(), end, int_value);
    if (ec == std::errc() && p == end) {
      is_int = true;
      out = static_cast<double>(int_value);
      return true;
    }
  }
  auto [p, ec] = std::from_chars(s.data(), end, out);
  if (ec != std::errc() || p != end || !std::isfinite(out)) return false;
  if (percent) out /= 100;
  return true;
}

bool scalar_bool(const std::string& s, bool& out) {
  const std::string l = lower(s);
  if (l != "true" && l != "yes" && l != "false" && l != "no") return false;
  out = l == "true" || l == "yes";
  return true;
}

/// A YAML node as JSON for display: plain scalars typed as YAML reads them.
Json yaml_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: {
      Json a = Json::array();
      for (const YAML::Node& item : n) a.push_back(yaml_to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      Json o = Json::object();
      for (auto it = n.begin(); it != n.end(); ++it) {
        o[it->first.IsScalar() ? it->first.Scalar() : std::string("?")] = yaml_to_json(it->second);
      }
      return o;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (!plain(n)) return s;
      bool b = false;
      if (scalar_bool(s, b)) return b;
      double d = 0;
      bool is_int = false;
      int64_t i = 0;
      if (!s.empty() && s.back() != '%' && scalar_number(s, d, is_int, i)) return is_int ? Json(i) : Json(d);
      return s;
    }
    default: return nullptr;
  }
}

std::string where(const std::string& path, const YAML::Mark& m) {
  if (m.is_null()) return path;
  return fmt::format("{}:{}:{}", path, m.line + 1, m.column + 1);
}

/// A problem with the test file itself.
struct Malformed {
  std::string message;
  YAML::Mark mark;
};

/// Every key of `map` must be one of `known`.
void check_keys(const YAML::Node& map, const std::vector<std::string>& known, const char* what) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string near = grammar::did_you_mean(key, known);
    throw Malformed{fmt::format("unknown key '{}' in {}{}", key, what,
                                near.empty() ? fmt::format(" (expected one of: {})", fmt::join(known, ", "))
                                             : fmt::format(" (did you mean '{}'?)", near)),
                    it->first.Mark()};
  }
}

std::string scalar_or_throw(const YAML::Node& n, const char* what) {
  if (!n.IsScalar()) throw Malformed{fmt::format("'{}' must be a text value", what), n.Mark()};
  return n.Scalar();
}

/// One parsed test file.
struct TestFile {
  std::string playbook;  ///< resolved against the test file
  std::optional<std::string> schema;
  int32_t as_of = 0;
  std::vector<TestCase> cases;
  std::vector<std::string> case_errors;  ///< parallel to cases: why the case is malformed, or empty
};

/// How deep an `expect` entry may nest, and how many nodes it may hold,
/// counting a node again each time an alias brings it in (docs/limits.md):
/// entries are walked recursively, and a few lines of aliases can stand for
/// billions of nodes, or for a node that contains itself.
constexpr size_t kMaxExpectDepth = 64;
constexpr size_t kMaxExpectNodes = 10000;

/// Counts the nodes of `n` (aliases expanded) against `budget`; false as soon
/// as it nests deeper than kMaxExpectDepth (`deep` set) or the budget runs out.
bool within_limits(const YAML::Node& n, size_t depth, size_t& budget, bool& deep) {
  if (budget == 0) return false;
  --budget;
  if (!n.IsMap() && !n.IsSequence()) return true;
  if (depth == kMaxExpectDepth) {
    deep = true;
    return false;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (n.IsMap()) {
      if (!within_limits(it->first, depth + 1, budget, deep) || !within_limits(it->second, depth + 1, budget, deep)) {
        return false;
      }
    } else if (!within_limits(*it, depth + 1, budget, deep)) {
      return false;
    }
  }
  return true;
}

/// How many entries `expect` may have (docs/limits.md): matching them to
/// the actions searches augmenting paths by recursion, one level per entry.
constexpr size_t kMaxExpectEntries = 1000;

/// Refuses an `expect` entry past the limits above.
void check_expect_size(const YAML::Node& e) {
  size_t budget = kMaxExpectNodes;
  bool deep = false;
  if (within_limits(e, 1, budget, deep)) return;
  throw Malformed{deep ? fmt::format("an 'expect' entry may nest at most {} levels", kMaxExpectDepth)
                       : fmt::format("an 'expect' entry may hold at most {} values (each use of an alias counts)",
                                     kMaxExpectNodes),
                  e.Mark()};
}

TestCase parse_case(const YAML::Node& n, size_t index, std::string& error, const std::string& path) {
  TestCase c;
  c.line = n.Mark().line + 1;
  c.column = n.Mark().column + 1;
  c.name = fmt::format("case {}", index + 1);
  try {
    if (!n.IsMap()) throw Malformed{"a case must be a mapping with 'name' and 'record'", n.Mark()};
    const YAML::Node name = n["name"];
    const bool named = name && name.IsScalar() && !name.Scalar().empty();
    if (named) c.name = name.Scalar();
    check_keys(n, {"name", "record", "expect", "not_fired", "exact"}, "a case");
    if (!named) throw Malformed{"the case has no 'name'", n.Mark()};
    const YAML::Node record = n["record"];
    if (!record) throw Malformed{"the case has no 'record' (a mapping of field values)", n.Mark()};
    if (!record.IsMap()) throw Malformed{"'record' must be a mapping of field values", record.Mark()};
    c.record = record;
    if (const YAML::Node expect = n["expect"]) {
      if (!expect.IsSequence()) throw Malformed{"'expect' must be a list of mappings", expect.Mark()};
      c.has_expect = true;
      if (expect.size() > kMaxExpectEntries) {
        throw Malformed{fmt::format("'expect' may list at most {} actions", kMaxExpectEntries), expect.Mark()};
      }
      for (const YAML::Node& e : expect) {
        if (!e.IsMap())
          throw Malformed{"each 'expect' entry must be a mapping such as {rule: NAME, action: tag}", e.Mark()};
        check_expect_size(e);
        c.expect.push_back(e);
      }
    }
    if (const YAML::Node nf = n["not_fired"]) {
      if (nf.IsScalar()) {
        c.not_fired.push_back(nf.Scalar());
      } else if (nf.IsSequence()) {
        for (const YAML::Node& r : nf) c.not_fired.push_back(scalar_or_throw(r, "not_fired"));
      } else {
        throw Malformed{"'not_fired' must be a list of rule names", nf.Mark()};
      }
    }
    c.exact = c.has_expect;
    if (const YAML::Node exact = n["exact"]) {
      if (!exact.IsScalar() || !scalar_bool(exact.Scalar(), c.exact)) {
        throw Malformed{"'exact' must be true or false", exact.Mark()};
      }
    }
  } catch (const Malformed& m) {
    error = fmt::format("{}: error: {}", where(path, m.mark), m.message);
  }
  return c;
}

TestFile parse_test_file(const std::string& path) {
  YAML::Node root;
  std::string error;
  const std::optional<std::string> text = grammar::read_source_file(path, error);
  if (!text) throw Malformed{fmt::format("cannot read the test file: {}", error), YAML::Mark::null_mark()};
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    throw Malformed{fmt::format("invalid YAML: {}", e.msg), e.mark};
  }
  if (!root.IsMap()) {
    throw Malformed{"a test file must be a mapping with 'playbook' and 'cases'", root.Mark()};
  }
  check_keys(root, {"playbook", "schema", "as_of", "cases"}, "a test file");
  TestFile t;
  const fs::path dir = fs::path(path).parent_path();
  const YAML::Node playbook = root["playbook"];
  if (!playbook)
    throw Malformed{"the test file has no 'playbook' (the file to test, relative to this one)", root.Mark()};
  t.playbook = (dir / scalar_or_throw(playbook, "playbook")).lexically_normal().string();
  if (const YAML::Node schema = root["schema"]) {
    t.schema = (dir / scalar_or_throw(schema, "schema")).lexically_normal().string();
  }
  t.as_of = today_utc();
  if (const YAML::Node as_of = root["as_of"]) {
    if (!as_of.IsScalar() || !parse_iso_date(as_of.Scalar(), t.as_of)) {
      throw Malformed{"'as_of' must be a date (YYYY-MM-DD)", as_of.Mark()};
    }
  }
  const YAML::Node cases = root["cases"];
  if (!cases) throw Malformed{"the test file has no 'cases'", root.Mark()};
  if (!cases.IsSequence()) throw Malformed{"'cases' must be a list", cases.Mark()};
  size_t index = 0;
  for (const YAML::Node& n : cases) {
    std::string error;
    t.cases.push_back(parse_case(n, index++, error, path));
    t.case_errors.push_back(std::move(error));
  }
  return t;
}

/// Record keys that name no field of the schema (the reader would ignore them).
std::vector<std::string> unknown_record_fields(const YAML::Node& map, const std::string& prefix, const Schema& schema) {
  std::vector<std::string> problems;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string path = prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar();
    bool exact = false, parent = false;
    for (const FieldSpec& f : schema.fields) {
      for (const std::string* name : {&f.source, &f.name}) {
        if (*name == path) exact = true;
        if (name->size() > path.size() && name->compare(0, path.size(), path) == 0 && (*name)[path.size()] == '.') {
          parent = true;
        }
      }
    }
    if (exact) continue;
    if (parent && it->second.IsMap()) {
      std::vector<std::string> nested = unknown_record_fields(it->second, path, schema);
      problems.insert(problems.end(), nested.begin(), nested.end());
      continue;
    }
    std::vector<std::string> sources;
    for (const FieldSpec& f : schema.fields) {
      sources.push_back(f.name);
      if (f.source != f.name) sources.push_back(f.source);
    }
    const std::string near = grammar::did_you_mean(path, sources);
    problems.push_back(fmt::format("the record's field '{}' is not in the schema{}", path,
                                   near.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", near)));
  }
  return problems;
}

/// Records which rules fired.
class FiredRules : public RuleTrace {
 public:
  explicit FiredRules(const Program& program) : program_(program) {}
  void rule(size_t index, bool fired, Skipped) override {
    if (fired) names.push_back(program_.rules[index].name);
  }
  std::vector<std::string> names;

 private:
  const Program& program_;
};

/// Why expect entry `e` matched nothing: the closest action and how it differs.
std::string closest_hint(const YAML::Node& e, const std::vector<Json>& actions, const std::vector<bool>& used) {
  if (actions.empty()) return "nothing was emitted";
  int best = -1, best_score = -1;
  for (size_t a = 0; a < actions.size(); ++a) {
    int score = used[a] ? 0 : 1;  // an action still free is the better hint on a tie
    for (auto it = e.begin(); it != e.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (actions[a].contains(key) && expected_value_matches(it->second, actions[a][key])) score += 2;
    }
    if (score > best_score) best_score = score, best = static_cast<int>(a);
  }
  const Json& action = actions[static_cast<size_t>(best)];
  std::vector<std::string> diffs;
  for (auto it = e.begin(); it != e.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (!action.contains(key)) {
      diffs.push_back(fmt::format("has no '{}'", key));
    } else if (!expected_value_matches(it->second, action[key])) {
      diffs.push_back(fmt::format("has {} {}", key, json_text(action[key])));
    }
  }
  if (diffs.empty()) {
    return fmt::format("emitted {} matches it but is taken by another entry", best + 1);
  }
  return fmt::format("closest is emitted {}, which {}", best + 1, fmt::join(diffs, " and "));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::vector<Json> ActionCollector::take() {
  std::vector<Json> out;
  size_t at = 0;
  while (at < buffer_.size()) {
    size_t nl = buffer_.find('\n', at);
    if (nl == std::string::npos) nl = buffer_.size();
    const std::string_view line(buffer_.data() + at, nl - at);
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    out.push_back(j.is_discarded() ? Json(std::string(line)) : std::move(j));
    at = nl + 1;
  }
  buffer_.clear();
  return out;
}

std::string json_text(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

bool expected_value_matches(const YAML::Node& expected, const Json& actual) {
  switch (expected.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return actual.is_null();
    case YAML::NodeType::Sequence: {
      if (!actual.is_array() || actual.size() != expected.size()) return false;
      size_t i = 0;
      for (const YAML::Node& item : expected) {
        if (!expected_value_matches(item, actual[i++])) return false;
      }
      return true;
    }
    case YAML::NodeType::Map: return actual.is_object() && expected_action_matches(expected, actual);
    case YAML::NodeType::Scalar: break;
  }
  const std::string& text = expected.Scalar();
  if (actual.is_string()) return actual.get_ref<const std::string&>() == text;
  if (!plain(expected)) return false;
  if (actual.is_boolean()) {
    bool b = false;
    return scalar_bool(text, b) && b == actual.get<bool>();
  }
  if (actual.is_number()) {
    double d = 0;
    bool is_int = false;
    int64_t i = 0;
    if (!scalar_number(text, d, is_int, i)) return false;
    if (is_int && actual.is_number_integer()) return i == actual.get<int64_t>();
    const double a = actual.get<double>();
    return std::fabs(a - d) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(d)});
  }
  return false;
}

bool expected_action_matches(const YAML::Node& expected, const Json& action) {
  if (!expected.IsMap() || !action.is_object()) return false;
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    if (!it->first.IsScalar()) return false;
    const auto found = action.find(it->first.Scalar());
    if (found == action.end() || !expected_value_matches(it->second, *found)) return false;
  }
  return true;
}

std::vector<int> match_expectations(const std::vector<YAML::Node>& expect, const std::vector<Json>& actions) {
  const size_t n = expect.size(), m = actions.size();
  std::vector<std::vector<char>> fits(n, std::vector<char>(m, 0));
  for (size_t e = 0; e < n; ++e) {
    for (size_t a = 0; a < m; ++a) fits[e][a] = expected_action_matches(expect[e], actions[a]) ? 1 : 0;
  }
  // Kuhn's augmenting paths: entries in order, each taking the first free
  // action that fits, else searching a path that frees one; so an
  // unambiguous case pairs entries with actions in emission order.
  std::vector<int> owner(m, -1);
  std::vector<char> seen;
  std::function<bool(size_t)> augment = [&](size_t e) {
    for (size_t a = 0; a < m; ++a) {
      if (!fits[e][a] || seen[a]) continue;
      seen[a] = 1;
      if (owner[a] < 0 || augment(static_cast<size_t>(owner[a]))) {
        owner[a] = static_cast<int>(e);
        return true;
      }
    }
    return false;
  };
  for (size_t e = 0; e < n; ++e) {
    // A free action that fits needs no search: many alike entries (and
    // actions) then cost no more than comparing them.
    size_t free = 0;
    while (free < m && (!fits[e][free] || owner[free] >= 0)) ++free;
    if (free < m) {
      owner[free] = static_cast<int>(e);
      continue;
    }
    seen.assign(m, 0);
    augment(e);
  }
  std::vector<int> pairs(n, -1);
  for (size_t a = 0; a < m; ++a) {
    if (owner[a] >= 0) pairs[static_cast<size_t>(owner[a])] = static_cast<int>(a);
  }
  return pairs;
}

std::vector<std::string> judge_case(const TestCase& c, const std::vector<Json>& actions,
                                    const std::vector<std::string>& fired, const std::vector<std::string>& rules) {
  std::vector<std::string> problems;
  const std::vector<int> pairs = match_expectations(c.expect, actions);
  std::vector<bool> used(actions.size(), false);
  for (int p : pairs) {
    if (p >= 0) used[static_cast<size_t>(p)] = true;
  }
  for (size_t e = 0; e < pairs.size(); ++e) {
    if (pairs[e] < 0) {
      problems.push_back(
          fmt::format("expected {} matches no emitted action: {}", e + 1, closest_hint(c.expect[e], actions, used)));
    }
  }
  if (c.exact) {
    for (size_t a = 0; a < actions.size(); ++a) {
      if (!used[a]) {
        problems.push_back(fmt::format("emitted {} is not expected ({})", a + 1,
                                       c.has_expect ? "exact: true, the default with 'expect', allows no other action"
                                                    : "exact: true allows no action"));
      }
    }
  }
  for (const std::string& rule : c.not_fired) {
    if (std::find(rules.begin(), rules.end(), rule) == rules.end()) {
      const std::string near = grammar::did_you_mean(rule, rules);
      problems.push_back(fmt::format("not_fired names '{}', which is no rule of the playbook{}", rule,
                                     near.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", near)));
    } else if (std::find(fired.begin(), fired.end(), rule) != fired.end()) {
      std::vector<std::string> which;
      for (size_t a = 0; a < actions.size(); ++a) {
        if (actions[a].is_object() && actions[a].value("rule", "") == rule) which.push_back(std::to_string(a + 1));
      }
      problems.push_back(
          fmt::format("rule '{}' fired, but the case lists it in not_fired{}", rule,
                      which.empty() ? std::string() : fmt::format(" (emitted {})", fmt::join(which, ", "))));
    }
  }
  return problems;
}

size_t TestFileResult::passed() const {
  return static_cast<size_t>(
      std::count_if(cases.begin(), cases.end(), [](const TestCaseResult& c) { return c.passed; }));
}

size_t TestFileResult::failed() const { return cases.size() - passed() + file_failures(); }

size_t TestFileResult::file_failures() const {
  return !error.empty() || (!diagnostics.empty() && cases.empty()) ? 1 : 0;
}

TestFileResult run_test_file(const Engine& engine, const std::string& path) {
  const auto file_start = std::chrono::steady_clock::now();
  TestFileResult result;
  result.path = path;
  TestFile file;
  try {
    file = parse_test_file(path);
  } catch (const Malformed& m) {
    result.error = fmt::format("{}: error: {}", where(path, m.mark), m.message);
    result.seconds = seconds_since(file_start);
    return result;
  }

  BuildOptions options;
  options.schema_path = file.schema;
  options.infer_schema = [&file] {
    std::vector<YAML::Node> records;
    for (const TestCase& c : file.cases) {
      if (c.record && c.record.IsMap()) records.push_back(c.record);
    }
    return std::make_shared<const Schema>(infer_schema_from_yaml(records));
  };
  const Build build = engine.compile({file.playbook}, options);
  if (!build.ok()) {
    result.diagnostics = build.render_diagnostics();
    if (result.diagnostics.empty())
      result.diagnostics = fmt::format("{}: error: the playbook does not compile\n", file.playbook);
  }
  std::vector<std::string> rules;
  if (build.ok()) {
    for (const CompiledRule& r : build.programs[0]->rules) rules.push_back(r.name);
  }
  const Schema empty_schema;
  const Schema& schema = build.schema ? *build.schema : empty_schema;
  const bool declared_schema = build.schema && !build.schema->path.empty();

  std::unique_ptr<Runner> runner;
  if (build.ok()) runner = std::make_unique<Runner>(build, engine.registry(), file.as_of);
  ActionCollector collector(/*facts=*/true);
  for (size_t i = 0; i < file.cases.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    const TestCase& c = file.cases[i];
    TestCaseResult r;
    r.name = c.name;
    r.has_expect = c.has_expect;
    for (const YAML::Node& e : c.expect) r.expected.push_back(json_text(yaml_to_json(e)));
    if (!file.case_errors[i].empty()) {
      r.problems.push_back(file.case_errors[i]);
    } else if (!build.ok()) {
      r.problems.push_back(fmt::format("the playbook {} does not compile (diagnostics above)", file.playbook));
    } else {
      Record record;
      Rejection rejection;
      if (declared_schema) r.problems = unknown_record_fields(c.record, "", schema);
      if (r.problems.empty() &&
          convert_yaml_record(c.record, schema, record, rejection) == RecordReader::Status::Rejected) {
        r.problems.push_back(rejection.field.empty() ? fmt::format("the record is rejected: {}", rejection.reason)
                                                     : fmt::format("the record is rejected: field '{}', value '{}': {}",
                                                                   rejection.field, rejection.value, rejection.reason));
      }
      if (r.problems.empty()) {
        FiredRules fired(*build.programs[0]);
        runner->vm(0).run(record, collector, &fired);
        const std::vector<Json> actions = collector.take();
        r.problems = judge_case(c, actions, fired.names, rules);
        r.show_actions = true;
        for (Json a : actions) {
          if (a.is_object()) a.erase("facts");
          r.emitted.push_back(json_text(a));
        }
      }
    }
    r.passed = r.problems.empty();
    r.seconds = seconds_since(start);
    result.cases.push_back(std::move(r));
  }
  result.seconds = seconds_since(file_start);
  return result;
}

std::vector<std::string> find_test_files(const std::vector<std::string>& paths, std::vector<std::string>& missing) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  auto add = [&](const std::string& f) {
    if (seen.insert(f).second) files.push_back(f);
  };
  auto is_test_file = [](const fs::path& p) {
    const std::string name = p.filename().string();
    auto ends = [&](std::string_view s) {
      return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    return ends(".test.yaml") || ends(".test.yml");
  };
  for (const std::string& given : paths) {
    std::error_code ec;
    const fs::path root(given);
    if (fs::is_regular_file(root, ec)) {
      add(root.lexically_normal().string());
      continue;
    }
    if (!fs::is_directory(root, ec)) {
      missing.push_back(given);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      const std::string name = p.filename().string();
      if (it->is_directory(ec)) {
        if (name.size() > 1 && name[0] == '.') it.disable_recursion_pending();
        continue;
      }
      if (is_test_file(p) && it->is_regular_file(ec)) found.push_back(p.lexically_normal().string());
    }
    std::sort(found.begin(), found.end());
    for (const std::string& f : found) add(f);
  }
  return files;
}

std::string render_test_file(const TestFileResult& result, bool verbose) {
  std::string out;
  if (!result.error.empty()) {
    out += fmt::format("FAIL {}: the test file cannot be used\n  {}\n", result.path, result.error);
  } else if (result.file_failures() > 0) {
    out += fmt::format("FAIL {}: the playbook does not compile (diagnostics above)\n", result.path);
  }
  for (const TestCaseResult& c : result.cases) {
    if (c.passed) {
      if (verbose) out += fmt::format("ok   {}\n", c.name);
      continue;
    }
    out += fmt::format("FAIL {}: {}\n", result.path, c.name);
    for (const std::string& p : c.problems) out += fmt::format("  {}\n", p);
    if (!c.show_actions) continue;
    if (c.has_expect) {
      out += c.expected.empty() ? "  expected: no action\n" : "  expected:\n";
      for (size_t i = 0; i < c.expected.size(); ++i) out += fmt::format("    {}. {}\n", i + 1, c.expected[i]);
    }
    out += c.emitted.empty() ? "  emitted: no action\n" : "  emitted:\n";
    for (size_t i = 0; i < c.emitted.size(); ++i) out += fmt::format("    {}. {}\n", i + 1, c.emitted[i]);
  }
  return out;
}

std::string render_test_totals(const std::vector<TestFileResult>& results) {
  size_t passed = 0, failed = 0;
  for (const TestFileResult& r : results) {
    passed += r.passed();
    failed += r.failed();
  }
  return fmt::format("{} passed, {} failed\n", passed, failed);
}

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += attribute ? "&quot;" : "\""; break;
        case '\'': out += attribute ? "&apos;" : "'"; break;
        // An attribute value would turn a raw line break into a space.
        case '\n': out += attribute ? "&#10;" : "\n"; break;
        case '\r': out += "&#13;"; break;
        case '\t': out += attribute ? "&#9;" : "\t"; break;
        default:
          if (c >= 0x20) out += static_cast<char>(c);  // other control characters are not allowed in XML 1.0
      }
      ++i;
      continue;
    }
    // Multi-byte UTF-8: copy well-formed sequences, replace anything else.
    const size_t len = c >= 0xF0 ? (c <= 0xF4 ? 4 : 0) : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool ok = len > 0 && i + len <= text.size();
    uint32_t cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; ok && k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok)
      ok = (len != 3 || (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF)) &&
           (len != 4 || (cp >= 0x10000 && cp <= 0x10FFFF));
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string render_junit(const std::vector<TestFileResult>& results) {
  size_t tests = 0, failures = 0;
  double seconds = 0;
  for (const TestFileResult& r : results) {
    tests += r.cases.size() + r.file_failures();
    failures += r.failed();
    seconds += r.seconds;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"kairos test\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.6f}\">\n",
                     tests, failures, seconds);
  for (const TestFileResult& r : results) {
    const std::string file = xml_escape(r.path);
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.6f}\">\n", file,
        r.cases.size() + r.file_failures(), r.failed(), r.seconds);
    if (r.file_failures() > 0) {
      const std::string message = r.error.empty() ? "the playbook does not compile" : r.error;
      const std::string details = r.error.empty() ? r.diagnostics : r.error;
      out += fmt::format("    <testcase classname=\"{}\" name=\"(test file)\" time=\"0\">\n", file);
      out += fmt::format("      <failure message=\"{}\">{}</failure>\n", xml_escape(message),
                         xml_escape(details, false));
      out += "    </testcase>\n";
    }
    for (const TestCaseResult& c : r.cases) {
      out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.6f}\"", file, xml_escape(c.name),
                         c.seconds);
      if (c.passed) {
        out += "/>\n";
        continue;
      }
      TestFileResult one;
      one.path = r.path;
      one.cases.push_back(c);
      std::string details = render_test_file(one, false);
      details.erase(0, details.find('\n') + 1);  // the FAIL line repeats the names
      if (!r.diagnostics.empty()) details += r.diagnostics;
      out += ">\n";
      out += fmt::format("      <failure message=\"{}\">{}</failure>\n",
                         xml_escape(c.problems.empty() ? "failed" : c.problems[0]), xml_escape(details, false));
      out += "    </testcase>\n";
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace kairos
