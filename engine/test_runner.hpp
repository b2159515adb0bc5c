#pragma once
/// `kairos test`: runs the cases of `*.test.yaml` files (SPEC §8, "Test
/// files") through the real compiler and VM and judges the emitted actions.
/// Nothing here prints; the CLI writes the reports this file renders.

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/kairos.hpp"
#include "engine/writer.hpp"

namespace kairos {

/// Collects actions exactly as `kairos run` prints them (SPEC §6), as parsed
/// JSON objects, so tests, explain and diff see what users see.
class ActionCollector : public ActionSink {
 public:
  explicit ActionCollector(bool facts = true) : writer_(buffer_, facts) {}
  void action(const Program& program, const Record& record, const Emitted& emitted) override {
    writer_.action(program, record, emitted);
  }
  /// The actions collected since the last call, in emission order.
  std::vector<nlohmann::ordered_json> take();

 private:
  std::string buffer_;
  JsonlWriter writer_;
};

/// Compact JSON text of a value (invalid UTF-8 replaced).
std::string json_text(const nlohmann::ordered_json& value);

/// True when the expected YAML value equals the emitted JSON value: a plain
/// scalar equals a JSON string with the same text, a number numerically
/// (`10%` is 0.1), a bool by its truth (true/false, yes/no), YAML null only
/// JSON null; a quoted scalar is always a string; sequences match
/// element-wise; a mapping matches an object holding at least its keys.
bool expected_value_matches(const YAML::Node& expected, const nlohmann::ordered_json& actual);

/// True when `action` holds every key of the `expected` mapping with a matching value.
bool expected_action_matches(const YAML::Node& expected, const nlohmann::ordered_json& action);

/// A maximum matching of expect entries to distinct actions (order does not
/// matter): for each entry, the index of the action it is paired with, or -1.
std::vector<int> match_expectations(const std::vector<YAML::Node>& expect,
                                    const std::vector<nlohmann::ordered_json>& actions);

/// One case of a test file, as written.
struct TestCase {
  std::string name;
  YAML::Node record;                   ///< a mapping
  std::vector<YAML::Node> expect;      ///< mappings
  bool has_expect = false;             ///< `expect` was given (even empty)
  std::vector<std::string> not_fired;  ///< rule names
  bool exact = false;                  ///< default: has_expect
  int line = 0, column = 0;            ///< 1-based position of the case
};

/// What is wrong with the outcome of one case, one line each; empty when it
/// passes. `fired` are the rules whose condition was true; `rules` every rule
/// of the playbook (a `not_fired` name that is no rule is a failure: a typo
/// would otherwise pass forever).
std::vector<std::string> judge_case(const TestCase& c, const std::vector<nlohmann::ordered_json>& actions,
                                    const std::vector<std::string>& fired, const std::vector<std::string>& rules);

/// The outcome of one case.
struct TestCaseResult {
  std::string name;
  bool passed = false;
  std::vector<std::string> problems;  ///< why it failed, one line each
  std::vector<std::string> expected;  ///< the expect entries as JSON (shown when it fails)
  std::vector<std::string> emitted;   ///< the emitted actions as JSON without facts
  bool has_expect = false;            ///< the case has an `expect` list
  bool show_actions = false;          ///< the case ran, so both lists mean something
  double seconds = 0;
};

/// The outcome of one test file.
struct TestFileResult {
  std::string path;
  /// Set when the test file itself is unusable (unreadable, YAML error,
  /// missing `playbook`...): `file:line:col: error: message`. Counts as one failure.
  std::string error;
  /// The playbook's compile errors, rendered; every case then fails.
  std::string diagnostics;
  std::vector<TestCaseResult> cases;
  double seconds = 0;

  size_t passed() const;
  size_t failed() const;
  /// 1 when the file fails as a whole: it cannot be used (`error`), or its
  /// playbook does not compile and no case carries that failure (`cases: []`).
  size_t file_failures() const;
};

/// Loads, compiles and runs one test file.
TestFileResult run_test_file(const Engine& engine, const std::string& path);

/// The test files named by `paths`: files as given, directories searched
/// recursively for `*.test.yaml` (hidden directories skipped), each
/// directory's files sorted. Paths that do not exist are added to `missing`.
std::vector<std::string> find_test_files(const std::vector<std::string>& paths, std::vector<std::string>& missing);

/// The report of one file: `FAIL <file>: <case>` blocks (with expected and
/// emitted actions), and `ok   <case>` lines when `verbose`.
std::string render_test_file(const TestFileResult& result, bool verbose);

/// The last line: `N passed, N failed`.
std::string render_test_totals(const std::vector<TestFileResult>& results);

/// A JUnit XML report: one <testsuite> per file, one <testcase> per case.
std::string render_junit(const std::vector<TestFileResult>& results);

/// Escapes text for an XML attribute value (or, with `attribute` false,
/// element content, where line breaks and tabs stay as they are); drops
/// control characters XML 1.0 forbids and replaces invalid UTF-8 with U+FFFD.
std::string xml_escape(std::string_view text, bool attribute = true);

}  // namespace kairos
