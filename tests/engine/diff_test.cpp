// Tests of `kairos diff`: the multiset comparison of actions, per-rule
// counts, records gaining and losing, the limit, and both renderings.

#include "engine/diff.hpp"

#include <boost/test/unit_test.hpp>

namespace {

using Json = nlohmann::ordered_json;

const std::string kData = std::string(KAIROS_SOURCE_DIR) + "/tests/engine/data/diff/";

std::vector<Json> list(const char* json) {
  std::vector<Json> out;
  for (const Json& j : Json::parse(json)) out.push_back(j);
  return out;
}

/// Runs old.play and new.play of the fixture over data.csv.
kairos::DiffReport run_diff(size_t limit) {
  kairos::Engine engine;
  kairos::BuildOptions options;
  kairos::Build old_build = engine.compile({kData + "old.play"}, options);
  kairos::Build new_build = engine.compile({kData + "new.play"}, options);
  BOOST_TEST_REQUIRE(old_build.ok(), old_build.render_diagnostics());
  BOOST_TEST_REQUIRE(new_build.ok(), new_build.render_diagnostics());
  std::string error;
  std::unique_ptr<kairos::DataInput> input =
      kairos::DataInput::open(kData + "data.csv", kairos::DataFormat::Csv, error);
  BOOST_TEST_REQUIRE(input != nullptr, error);
  std::unique_ptr<kairos::RecordReader> reader = input->reader(*old_build.schema);
  kairos::Differ differ(*old_build.programs[0], *new_build.programs[0], engine.registry(), 20468, limit);
  kairos::diff_records(differ, *reader, nullptr);
  return differ.report();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(diff)

BOOST_AUTO_TEST_CASE(actions_compare_as_multisets_without_playbook_and_facts) {
  std::vector<Json> gained, lost;
  kairos::compare_actions(list(R"([{"key":"A","playbook":"old","rule":"t","action":"tag","tag":"t","facts":{"h":1}},
               {"key":"A","playbook":"old","rule":"t","action":"tag","tag":"t"},
               {"key":"A","playbook":"old","rule":"x","action":"tag","tag":"x"}])"),
                          list(R"([{"key":"A","playbook":"new","rule":"t","action":"tag","tag":"t","facts":{"h":2}},
               {"tag":"y","key":"A","playbook":"new","rule":"x","action":"tag"},
               {"key":"A","playbook":"new","action":"tag","rule":"x","tag":"x"}])"),
                          gained, lost);
  // One of the two "t" tags is gone; key order does not matter.
  BOOST_TEST_REQUIRE(gained.size() == 1u);
  BOOST_TEST(gained[0]["tag"] == Json("y"));
  BOOST_TEST(!gained[0].contains("playbook"));
  BOOST_TEST_REQUIRE(lost.size() == 1u);
  BOOST_TEST(lost[0]["tag"] == Json("t"));
  BOOST_TEST(!lost[0].contains("facts"));
}

BOOST_AUTO_TEST_CASE(counts_per_rule_and_records_gaining_and_losing) {
  const kairos::DiffReport r = run_diff(100);
  BOOST_TEST(r.records == 5u);
  BOOST_TEST(r.rejected == 1u);  // E: health 'abc'
  BOOST_TEST_REQUIRE(r.rules.size() == 4u);
  BOOST_TEST(r.rules[0].rule == "bundle");
  BOOST_TEST(r.rules[0].old_count == 1u);
  BOOST_TEST(r.rules[0].new_count == 3u);
  BOOST_TEST(r.rules[1].rule == "t");
  BOOST_TEST(r.rules[1].old_count == 4u);
  BOOST_TEST(r.rules[1].new_count == 4u);
  BOOST_TEST(r.rules[2].rule == "gone");  // only in old: 0 in new
  BOOST_TEST(r.rules[2].old_count == 1u);
  BOOST_TEST(r.rules[2].new_count == 0u);
  BOOST_TEST(r.rules[3].rule == "fresh");  // only in new: 0 in old
  BOOST_TEST(r.rules[3].old_count == 0u);
  BOOST_TEST(r.rules[3].new_count == 1u);
  // B and C gain a bundle; D loses "call" and gains "visit": it counts in both.
  BOOST_TEST(r.gaining == 3u);
  BOOST_TEST(r.losing == 1u);
  BOOST_TEST(r.changed == 3u);
  BOOST_TEST(!r.truncated);
  BOOST_TEST_REQUIRE(r.changes.size() == 3u);
  BOOST_TEST(r.changes[0].key == "B");
  BOOST_TEST(r.changes[2].key == "D");
  BOOST_TEST_REQUIRE(r.changes[2].gained.size() == 1u);
  BOOST_TEST(r.changes[2].gained[0]["title"] == Json("visit"));
  BOOST_TEST_REQUIRE(r.changes[2].lost.size() == 1u);
  BOOST_TEST(r.changes[2].lost[0]["title"] == Json("call"));
}

BOOST_AUTO_TEST_CASE(the_limit_keeps_the_first_changed_records) {
  const kairos::DiffReport r = run_diff(2);
  BOOST_TEST(r.changes.size() == 2u);
  BOOST_TEST(r.truncated);
  BOOST_TEST(r.changed == 3u);
  BOOST_TEST(r.gaining == 3u);  // the counts still cover every record
  const Json j = Json::parse(kairos::render_diff_json(r));
  BOOST_TEST(j["changes_truncated"] == Json(true));
  BOOST_TEST(j["changes"].size() == 2u);
  BOOST_TEST(run_diff(0).changes.size() == 3u);
}

BOOST_AUTO_TEST_CASE(json_and_text_reports) {
  const kairos::DiffReport r = run_diff(100);
  const Json j = Json::parse(kairos::render_diff_json(r));
  BOOST_TEST(j["rules"][0] == Json::parse(R"({"rule":"bundle","old":1,"new":3})"));
  BOOST_TEST(j["records_gaining"] == Json(3));
  BOOST_TEST(j["records_losing"] == Json(1));
  BOOST_TEST(j["changes"][0]["key"] == Json("B"));
  BOOST_TEST(j["changes"][0]["gained"][0] ==
             Json::parse(R"({"key":"B","rule":"bundle","action":"propose","kind":"bundle","offer":"b"})"));
  BOOST_TEST(j["changes"][0]["lost"].empty());

  const std::string text = kairos::render_diff_text(r, 100);
  BOOST_TEST(text.find("rule         old       new    change\n") == 0u, text);
  BOOST_TEST(text.find("\nbundle         1         3        +2\n") != std::string::npos, text);
  BOOST_TEST(text.find("\nt              4         4         0\n") != std::string::npos, text);
  BOOST_TEST(text.find("\ngone           1         0        -1\n") != std::string::npos, text);
  BOOST_TEST(text.find("\n4 records compared: 3 gain actions, 1 loses actions\n") != std::string::npos, text);
  BOOST_TEST(text.find("1 record was rejected") != std::string::npos, text);
  BOOST_TEST(text.find("\nD\n  - {\"key\":\"D\",\"rule\":\"gone\",\"action\":\"task\",\"title\":\"call\"}\n"
                       "  + {\"key\":\"D\",\"rule\":\"fresh\",\"action\":\"task\",\"title\":\"visit\"}\n") !=
                 std::string::npos,
             text);
}

BOOST_AUTO_TEST_SUITE_END()
