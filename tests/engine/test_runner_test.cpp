// Tests of the `kairos test` machinery: value equality, distinct matching,
// exact and not_fired, whole test files, the text report and JUnit XML.

#include "engine/test_runner.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

using kairos::TestCase;
using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

const std::string kData = std::string(KAIROS_SOURCE_DIR) + "/tests/engine/data/runner/";

bool matches(const std::string& yaml, const Json& json) {
  return kairos::expected_value_matches(YAML::Load(yaml), json);
}

std::vector<YAML::Node> entries(const std::string& yaml) {
  std::vector<YAML::Node> out;
  for (const YAML::Node& n : YAML::Load(yaml)) out.push_back(n);
  return out;
}

std::vector<Json> actions(const std::string& jsonl) {
  std::vector<Json> out;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(Json::parse(line));
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& l : lines) {
    if (contains(l, part)) return true;
  }
  return false;
}

const kairos::TestCaseResult& find_case(const kairos::TestFileResult& r, const std::string& name) {
  for (const kairos::TestCaseResult& c : r.cases) {
    if (c.name == name) return c;
  }
  BOOST_FAIL("no case named " + name);
  return r.cases.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(test_runner)

BOOST_AUTO_TEST_CASE(strings_compare_by_text) {
  BOOST_TEST(matches("analytics+rbac", Json("analytics+rbac")));
  BOOST_TEST(matches("\"quoted\"", Json("quoted")));
  BOOST_TEST(matches("2026-01-30", Json("2026-01-30")));  // dates are ISO strings in output
  BOOST_TEST(matches("10", Json("10")));                  // a string offer that looks like a number
  BOOST_TEST(!matches("analytics", Json("analytics+rbac")));
  BOOST_TEST(!matches("Analytics", Json("analytics")));
}

BOOST_AUTO_TEST_CASE(numbers_compare_numerically) {
  BOOST_TEST(matches("10", Json(10)));
  BOOST_TEST(matches("10.0", Json(10)));
  BOOST_TEST(matches("0.1", Json(0.1)));
  BOOST_TEST(matches("10%", Json(0.1)));
  BOOST_TEST(matches("5%", Json(0.05)));
  BOOST_TEST(matches("0.855", Json(0.855)));
  BOOST_TEST(matches("1e3", Json(1000)));
  BOOST_TEST(!matches("11", Json(10)));
  BOOST_TEST(!matches("\"10\"", Json(10)));  // quoted: a string, never a number
  BOOST_TEST(!matches("ten", Json(10)));
  BOOST_TEST(!matches("9223372036854775807", Json(int64_t{9223372036854775806})));
}

BOOST_AUTO_TEST_CASE(bools_nulls_lists_and_mappings) {
  BOOST_TEST(matches("true", Json(true)));
  BOOST_TEST(matches("yes", Json(true)));
  BOOST_TEST(matches("false", Json(false)));
  BOOST_TEST(!matches("true", Json(false)));
  BOOST_TEST(!matches("\"true\"", Json(true)));
  BOOST_TEST(matches("~", Json(nullptr)));
  BOOST_TEST(matches("null", Json(nullptr)));
  BOOST_TEST(!matches("null", Json("null value")));
  BOOST_TEST(!matches("x", Json(nullptr)));
  BOOST_TEST(matches("[a, b]", Json::parse(R"(["a","b"])")));
  BOOST_TEST(!matches("[b, a]", Json::parse(R"(["a","b"])")));
  BOOST_TEST(!matches("[a]", Json::parse(R"(["a","b"])")));
  BOOST_TEST(matches("{health: 85}", Json::parse(R"({"health":85,"phase":"adoption"})")));
  BOOST_TEST(!matches("{health: 85, nps: 9}", Json::parse(R"({"health":85})")));
}

BOOST_AUTO_TEST_CASE(an_action_needs_every_expected_key) {
  const Json a = Json::parse(R"({"key":"C1","rule":"bundle","action":"propose","offer":"x","discount":0.1})");
  BOOST_TEST(kairos::expected_action_matches(YAML::Load("{rule: bundle, discount: 10%}"), a));
  BOOST_TEST(kairos::expected_action_matches(YAML::Load("{}"), a));
  BOOST_TEST(!kairos::expected_action_matches(YAML::Load("{rule: bundle, owner: csm}"), a));
}

BOOST_AUTO_TEST_CASE(each_entry_matches_a_distinct_action) {
  const std::vector<Json> two_tags = actions(R"({"rule":"r","action":"tag","tag":"x"}
{"rule":"r","action":"tag","tag":"y"})");
  // The first entry fits both actions; a greedy pairing would take "x" and
  // leave the second entry without a partner.
  std::vector<int> pairs = kairos::match_expectations(entries("[{action: tag}, {tag: x}]"), two_tags);
  BOOST_TEST(pairs == (std::vector<int>{1, 0}));
  // Two identical entries need two actions.
  pairs = kairos::match_expectations(entries("[{tag: x}, {tag: x}]"), two_tags);
  BOOST_TEST((pairs[0] == -1) != (pairs[1] == -1));
  // Order does not matter.
  pairs = kairos::match_expectations(entries("[{tag: y}, {tag: x}]"), two_tags);
  BOOST_TEST(pairs == (std::vector<int>{1, 0}));
  BOOST_TEST(kairos::match_expectations({}, two_tags).empty());
}

BOOST_AUTO_TEST_CASE(exact_allows_no_other_action) {
  const std::vector<Json> emitted = actions(R"({"rule":"bundle","action":"propose","offer":"b"}
{"rule":"bundle","action":"tag","tag":"t"})");
  TestCase c;
  c.expect = entries("[{rule: bundle, action: propose}]");
  c.has_expect = true;
  c.exact = true;
  std::vector<std::string> problems = kairos::judge_case(c, emitted, {"bundle"}, {"bundle"});
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(contains(problems[0], "emitted 2 is not expected"));
  c.exact = false;
  BOOST_TEST(kairos::judge_case(c, emitted, {"bundle"}, {"bundle"}).empty());
  // exact with an empty expect list: nothing may be emitted.
  c.expect.clear();
  c.exact = true;
  BOOST_TEST(kairos::judge_case(c, emitted, {"bundle"}, {"bundle"}).size() == 2u);
  BOOST_TEST(kairos::judge_case(c, {}, {}, {"bundle"}).empty());
}

BOOST_AUTO_TEST_CASE(a_missing_action_names_the_closest_one) {
  const std::vector<Json> emitted = actions(R"({"rule":"bundle","action":"propose","offer":"analytics+rbac"})");
  TestCase c;
  c.expect = entries("[{rule: bundle, action: propose, offer: everything}]");
  c.has_expect = c.exact = true;
  const std::vector<std::string> problems = kairos::judge_case(c, emitted, {"bundle"}, {"bundle"});
  BOOST_TEST_REQUIRE(problems.size() == 2u);
  BOOST_TEST(contains(problems[0], "expected 1 matches no emitted action"));
  BOOST_TEST(contains(problems[0], "offer \"analytics+rbac\""));
  BOOST_TEST(contains(kairos::judge_case(c, {}, {}, {"bundle"})[0], "nothing was emitted"));
}

BOOST_AUTO_TEST_CASE(not_fired_rules) {
  const std::vector<Json> emitted = actions(R"({"rule":"bundle","action":"tag","tag":"t"})");
  TestCase c;
  c.not_fired = {"bundle"};
  std::vector<std::string> problems = kairos::judge_case(c, emitted, {"bundle"}, {"bundle", "nurture"});
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(contains(problems[0], "rule 'bundle' fired"));
  // A rule that fired without emitting (its proposals dropped) still fired.
  BOOST_TEST(kairos::judge_case(c, {}, {"bundle"}, {"bundle"}).size() == 1u);
  c.not_fired = {"nurture"};
  BOOST_TEST(kairos::judge_case(c, emitted, {"bundle"}, {"bundle", "nurture"}).empty());
  c.not_fired = {"nurtre"};
  problems = kairos::judge_case(c, emitted, {"bundle"}, {"bundle", "nurture"});
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(contains(problems[0], "no rule of the playbook (did you mean 'nurture'?)"));
}

BOOST_AUTO_TEST_CASE(a_passing_file) {
  kairos::Engine engine;
  const kairos::TestFileResult r = kairos::run_test_file(engine, kData + "pass.yaml");
  BOOST_TEST(r.error.empty());
  BOOST_TEST(r.diagnostics.empty());
  BOOST_TEST(r.cases.size() == 4u);
  for (const kairos::TestCaseResult& c : r.cases)
    BOOST_TEST(c.passed, c.name << ": " << (c.problems.empty() ? "" : c.problems[0]));
  BOOST_TEST(r.passed() == 4u);
  BOOST_TEST(r.failed() == 0u);
  BOOST_TEST(kairos::render_test_file(r, false).empty());
  BOOST_TEST(contains(kairos::render_test_file(r, true), "ok   facts can be checked\n"));
}

BOOST_AUTO_TEST_CASE(a_schema_inferred_from_the_cases) {
  kairos::Engine engine;
  const kairos::TestFileResult r = kairos::run_test_file(engine, kData + "inferred.yaml");
  BOOST_TEST(r.diagnostics.empty(), r.diagnostics);
  BOOST_TEST(r.passed() == 2u);
}

BOOST_AUTO_TEST_CASE(a_failing_file_shows_expected_and_emitted) {
  kairos::Engine engine;
  const kairos::TestFileResult r = kairos::run_test_file(engine, kData + "fail.yaml");
  BOOST_TEST(r.error.empty());
  BOOST_TEST(r.cases.size() == 7u);
  BOOST_TEST(r.passed() == 1u);
  BOOST_TEST(r.failed() == 6u);

  const kairos::TestCaseResult& wrong = find_case(r, "wrong offer");
  BOOST_TEST(!wrong.passed);
  BOOST_TEST(wrong.expected.size() == 2u);
  BOOST_TEST(wrong.expected[0] == R"({"rule":"bundle","action":"propose","offer":"everything"})");
  BOOST_TEST_REQUIRE(wrong.emitted.size() == 2u);
  BOOST_TEST(contains(wrong.emitted[0], R"("offer":"analytics+rbac")"));
  BOOST_TEST(!contains(wrong.emitted[0], "facts"));

  BOOST_TEST(contains(find_case(r, "rejected record").problems.at(0), "rejected: field 'health', value 'abc'"));
  BOOST_TEST(contains(find_case(r, "misspelled field").problems.at(0),
                      "'helth' is not in the schema (did you mean 'health'?)"));
  const kairos::TestCaseResult& not_fired = find_case(r, "fired although not_fired");
  BOOST_TEST(any_contains(not_fired.problems, "rule 'bundle' fired"));
  BOOST_TEST(any_contains(not_fired.problems, "'bundel_typo', which is no rule"));
  BOOST_TEST(find_case(r, "passes").passed);
  BOOST_TEST(contains(find_case(r, "case 7").problems.at(0), "fail.yaml:25:5: error: the case has no 'name'"));

  const std::string report = kairos::render_test_file(r, false);
  BOOST_TEST(contains(report, "FAIL " + kData + "fail.yaml: wrong offer\n"));
  BOOST_TEST(
      contains(report, "  expected:\n    1. {\"rule\":\"bundle\",\"action\":\"propose\",\"offer\":\"everything\"}\n"));
  BOOST_TEST(contains(report, "  emitted:\n    1. {\"key\":\"F1\",\"playbook\":\"fixture\",\"rule\":\"bundle\""));
  BOOST_TEST(!contains(report, "ok   passes"));
  BOOST_TEST(kairos::render_test_totals({r}) == "1 passed, 6 failed\n");
}

BOOST_AUTO_TEST_CASE(malformed_test_files_point_at_the_problem) {
  kairos::Engine engine;
  kairos::TestFileResult r = kairos::run_test_file(engine, kData + "no_playbook.yaml");
  BOOST_TEST(
      r.error ==
      kData + "no_playbook.yaml:1:1: error: the test file has no 'playbook' (the file to test, relative to this one)");
  BOOST_TEST(r.failed() == 1u);
  r = kairos::run_test_file(engine, kData + "bad_yaml.yaml");
  BOOST_TEST(contains(r.error, "bad_yaml.yaml:5:1: error: invalid YAML"));
  r = kairos::run_test_file(engine, kData + "unknown_key.yaml");
  BOOST_TEST_REQUIRE(r.cases.size() == 1u);
  BOOST_TEST(r.cases[0].name == "typo in expect");
  BOOST_TEST(contains(r.cases[0].problems.at(0),
                      "unknown_key.yaml:5:5: error: unknown key 'expcet' in a case (did you mean 'expect'?)"));
  r = kairos::run_test_file(engine, kData + "does_not_exist.yaml");
  BOOST_TEST(contains(r.error, "does_not_exist.yaml: error: cannot read the test file"));
}

BOOST_AUTO_TEST_CASE(a_playbook_that_does_not_compile_fails_every_case) {
  kairos::Engine engine;
  const kairos::TestFileResult r = kairos::run_test_file(engine, kData + "compile_error.yaml");
  BOOST_TEST(contains(r.diagnostics, "error: unknown field 'helth' (did you mean 'health'?)"));
  BOOST_TEST(r.cases.size() == 2u);
  BOOST_TEST(r.failed() == 2u);
  BOOST_TEST(contains(r.cases[0].problems.at(0), "does not compile"));
}

BOOST_AUTO_TEST_CASE(a_playbook_that_does_not_compile_fails_a_file_without_cases) {
  kairos::Engine engine;
  std::vector<kairos::TestFileResult> results;
  results.push_back(kairos::run_test_file(engine, kData + "compile_error_no_cases.yaml"));
  const kairos::TestFileResult& r = results.front();
  BOOST_TEST(contains(r.diagnostics, "error: unknown field 'helth' (did you mean 'health'?)"));
  BOOST_TEST(r.cases.empty());
  BOOST_TEST(r.failed() == 1u);
  BOOST_TEST(contains(kairos::render_test_file(r, false), "compile_error_no_cases.yaml: the playbook does not compile"));
  BOOST_TEST(kairos::render_test_totals(results) == "0 passed, 1 failed\n");
  const std::string xml = kairos::render_junit(results);
  BOOST_TEST(contains(xml, "tests=\"1\" failures=\"1\""));
  BOOST_TEST(contains(xml, "<failure message=\"the playbook does not compile\">"));
}

BOOST_AUTO_TEST_CASE(xml_escaping) {
  BOOST_TEST(kairos::xml_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  BOOST_TEST(kairos::xml_escape("l1\nl2") == "l1&#10;l2");
  BOOST_TEST(kairos::xml_escape("l1\nl2", false) == "l1\nl2");
  BOOST_TEST(kairos::xml_escape(std::string("bell\x07") + "!") == "bell!");
  BOOST_TEST(kairos::xml_escape("caf\xC3\xA9 \xE3\x81\x82") == "caf\xC3\xA9 \xE3\x81\x82");
  BOOST_TEST(kairos::xml_escape("bad \xFF\xC3") == "bad \xEF\xBF\xBD\xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(junit_is_well_formed_xml) {
  kairos::Engine engine;
  std::vector<kairos::TestFileResult> results;
  results.push_back(kairos::run_test_file(engine, kData + "pass.yaml"));
  results.push_back(kairos::run_test_file(engine, kData + "fail.yaml"));
  results.push_back(kairos::run_test_file(engine, kData + "no_playbook.yaml"));
  const std::string xml = kairos::render_junit(results);

  namespace pt = boost::property_tree;
  pt::ptree tree;
  std::istringstream in(xml);
  BOOST_REQUIRE_NO_THROW(pt::read_xml(in, tree));
  const pt::ptree& suites = tree.get_child("testsuites");
  BOOST_TEST(suites.get<int>("<xmlattr>.tests") == 12);
  BOOST_TEST(suites.get<int>("<xmlattr>.failures") == 7);
  std::vector<std::string> names;
  int failures = 0;
  for (const auto& [tag, suite] : suites) {
    if (tag != "testsuite") continue;
    for (const auto& [ctag, tc] : suite) {
      if (ctag != "testcase") continue;
      BOOST_TEST(tc.get<std::string>("<xmlattr>.classname") == suite.get<std::string>("<xmlattr>.name"));
      names.push_back(tc.get<std::string>("<xmlattr>.name"));
      if (tc.get_child_optional("failure")) ++failures;
    }
  }
  BOOST_TEST(names.size() == 12u);
  BOOST_TEST(failures == 7);
  BOOST_TEST((std::find(names.begin(), names.end(), "missing tag <&> \"quoted\"") != names.end()));
  BOOST_TEST(contains(xml, "name=\"missing tag &lt;&amp;&gt; &quot;quoted&quot;\""));
  BOOST_TEST(contains(xml, "<failure message=\"expected 1 matches no emitted action"));
}

BOOST_AUTO_TEST_CASE(test_files_are_found_recursively_in_order) {
  const fs::path root = fs::temp_directory_path() / fs::path("kairos-find-" + std::to_string(::getpid()));
  fs::remove_all(root);
  for (const char* dir : {"b", "a/deep", ".hidden"}) fs::create_directories(root / dir);
  for (const char* file :
       {"b/z.test.yaml", "a/deep/y.test.yml", "a.test.yaml", ".hidden/h.test.yaml", "b/notes.yaml"}) {
    std::ofstream(root / file) << "cases: []\n";
  }
  std::vector<std::string> missing;
  const std::vector<std::string> files =
      kairos::find_test_files({root.string(), (root / "b/notes.yaml").string(), (root / "nope").string()}, missing);
  const std::vector<std::string> want = {(root / "a.test.yaml").string(), (root / "a/deep/y.test.yml").string(),
                                         (root / "b/z.test.yaml").string(), (root / "b/notes.yaml").string()};
  BOOST_TEST(files == want, boost::test_tools::per_element());
  BOOST_TEST(missing == std::vector<std::string>{(root / "nope").string()}, boost::test_tools::per_element());
  fs::remove_all(root);
}

BOOST_AUTO_TEST_SUITE_END()
