// Tests of `kairos explain`: condition trees with their values (null and
// three-valued logic included), skipped rules, finding the record by key.

#include "engine/explain.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/test/unit_test.hpp>

#include "data/convert.hpp"

namespace {

using Json = nlohmann::ordered_json;

const std::string kData = std::string(KAIROS_SOURCE_DIR) + "/tests/engine/data/explain/";

/// The explain fixture compiled with probes, and a VM for it.
struct Fixture {
  kairos::Engine engine;
  kairos::Build build;
  std::unique_ptr<kairos::Runner> runner;

  Fixture() {
    kairos::BuildOptions options;
    options.probes = true;
    build = engine.compile({kData + "explain.play"}, options);
    BOOST_TEST_REQUIRE(build.ok(), build.render_diagnostics());
    runner = std::make_unique<kairos::Runner>(build, engine.registry(), 20468);  // 2026-01-15
  }

  kairos::Explanation explain(const std::string& yaml) {
    kairos::Record record;
    kairos::Rejection rejection;
    const auto status = kairos::convert_yaml_record(YAML::Load(yaml), *build.schema, record, rejection);
    BOOST_TEST_REQUIRE((status == kairos::RecordReader::Status::Record), rejection.reason);
    return kairos::explain_record(*build.programs[0], build.compilation->sources, runner->vm(0), record);
  }
};

const kairos::RuleExplanation& rule(const kairos::Explanation& e, const std::string& name) {
  for (const kairos::RuleExplanation& r : e.rules) {
    if (r.rule == name) return r;
  }
  BOOST_FAIL("no rule " + name);
  return e.rules.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(explain)

BOOST_AUTO_TEST_CASE(every_part_of_a_condition_has_its_value) {
  Fixture f;
  const kairos::Explanation e = f.explain("{customer_id: E1, health: 85, phase: expansion}");
  BOOST_TEST(e.key == "E1");
  BOOST_TEST(e.playbook == "explained");
  BOOST_TEST(e.as_of == "2026-01-15");
  BOOST_TEST_REQUIRE(e.rules.size() == 5u);
  // Evaluation order: priority descending, then source order.
  BOOST_TEST(e.rules[0].rule == "stopper");
  BOOST_TEST(e.rules[1].rule == "first");
  BOOST_TEST(e.rules[2].rule == "second");

  const kairos::RuleExplanation& bundle = rule(e, "bundle");
  BOOST_TEST(!bundle.fired);
  BOOST_TEST((bundle.skipped == kairos::Skipped::No));
  const kairos::ExplainNode& root = bundle.condition;
  BOOST_TEST(root.expr == "health >= 80 and phase == adoption");
  BOOST_TEST(root.value == Json(false));
  BOOST_TEST_REQUIRE(root.args.size() == 2u);
  BOOST_TEST(root.args[0].expr == "health >= 80");
  BOOST_TEST(root.args[0].value == Json(true));
  BOOST_TEST_REQUIRE(root.args[0].args.size() == 2u);
  BOOST_TEST(root.args[0].args[0].expr == "health");
  BOOST_TEST(root.args[0].args[0].value == Json(85));
  BOOST_TEST(!root.args[0].args[0].constant);
  BOOST_TEST(root.args[0].args[1].value == Json(80));
  BOOST_TEST(root.args[0].args[1].constant);
  BOOST_TEST(root.args[1].value == Json(false));
  BOOST_TEST(root.args[1].args[0].value == Json("expansion"));
  BOOST_TEST(root.args[1].args[1].expr == "adoption");
  BOOST_TEST(root.args[1].args[1].constant);  // a symbol
  BOOST_TEST(root.args[0].args[0].args.empty());
}

BOOST_AUTO_TEST_CASE(null_and_three_valued_logic) {
  Fixture f;
  // nps is missing: `nps >= 9` is null; null or false is null: not fired.
  kairos::Explanation e = f.explain("{customer_id: E1, health: 85, phase: expansion}");
  const kairos::RuleExplanation& promoter = rule(e, "promoter");
  BOOST_TEST(!promoter.fired);
  BOOST_TEST(promoter.condition.value.is_null());
  BOOST_TEST(promoter.condition.args[0].value.is_null());
  BOOST_TEST(promoter.condition.args[0].args[0].value.is_null());
  BOOST_TEST(promoter.condition.args[1].value == Json(false));
  BOOST_TEST(kairos::render_explanation_text(e).find("rule promoter: not fired (the condition is null") !=
             std::string::npos);
  // null or true is true.
  e = f.explain("{customer_id: E4, health: 95, phase: expansion}");
  BOOST_TEST(rule(e, "promoter").fired);
  BOOST_TEST(rule(e, "promoter").condition.value == Json(true));
  BOOST_TEST(rule(e, "promoter").condition.args[0].value.is_null());
  // health missing: `health >= 80` null, `phase == adoption` false, null and false is false.
  e = f.explain("{customer_id: E5, phase: expansion}");
  BOOST_TEST(rule(e, "bundle").condition.value == Json(false));
  BOOST_TEST(rule(e, "bundle").condition.args[0].value.is_null());
}

BOOST_AUTO_TEST_CASE(a_rule_skipped_by_its_group_shows_what_it_would_be) {
  Fixture f;
  const kairos::Explanation e = f.explain("{customer_id: E1, health: 85, phase: adoption}");
  BOOST_TEST(rule(e, "first").fired);
  const kairos::RuleExplanation& second = rule(e, "second");
  BOOST_TEST(!second.fired);
  BOOST_TEST((second.skipped == kairos::Skipped::Group));
  BOOST_TEST(second.condition.value == Json(true));
  BOOST_TEST(rule(e, "bundle").fired);
  BOOST_TEST_REQUIRE(e.actions.size() == 2u);
  BOOST_TEST(e.actions[0]["tag"] == Json("first"));
  BOOST_TEST(e.actions[1]["rule"] == Json("bundle"));

  const Json j = Json::parse(kairos::render_explanation_json(e));
  BOOST_TEST(j["key"] == Json("E1"));
  BOOST_TEST(j["rules"][2]["rule"] == Json("second"));
  BOOST_TEST(j["rules"][2]["fired"] == Json(false));
  BOOST_TEST(j["rules"][2]["skipped"] == Json("group"));
  BOOST_TEST(j["rules"][1]["skipped"].is_null());
  BOOST_TEST(j["rules"][3]["condition"]["args"][1]["args"][0]["value"] == Json("adoption"));
  BOOST_TEST(!j["rules"][3]["condition"]["args"][0]["args"][0].contains("args"));
  const std::string text = kairos::render_explanation_text(e);
  BOOST_TEST(text.find("rule second: skipped: another rule of group 'g' fired first (its condition would be true)") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(rules_after_a_stop_are_skipped) {
  Fixture f;
  const kairos::Explanation e = f.explain("{customer_id: E2, health: 5, phase: adoption, nps: 10}");
  BOOST_TEST(rule(e, "stopper").fired);
  for (const char* name : {"first", "second", "bundle", "promoter"}) {
    BOOST_TEST((rule(e, name).skipped == kairos::Skipped::Stop), name);
    BOOST_TEST(!rule(e, name).fired);
  }
  BOOST_TEST(rule(e, "promoter").condition.value == Json(true));  // what it would have been
  BOOST_TEST(rule(e, "first").condition.value == Json(false));
  const Json j = Json::parse(kairos::render_explanation_json(e));
  BOOST_TEST(j["rules"][4]["skipped"] == Json("stop"));
  BOOST_TEST(j["actions"].size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_text_report_aligns_values_and_leaves_out_constants) {
  Fixture f;
  const std::string text =
      kairos::render_explanation_text(f.explain("{customer_id: E1, health: 85, phase: expansion}"));
  BOOST_TEST(text.find("record E1 in playbook \"explained\", as of 2026-01-15\n") == 0u);
  const std::string bundle =
      "rule bundle: not fired\n"
      "  health >= 80 and phase == adoption   false\n"
      "    health >= 80                       true\n"
      "      health                           85\n"
      "    phase == adoption                  false\n"
      "      phase                            \"expansion\"\n";
  BOOST_TEST(text.find(bundle) != std::string::npos, text);
  BOOST_TEST(text.find("\nactions:\n  {\"key\":\"E1\",\"playbook\":\"explained\",\"rule\":\"first\"") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(finding_the_record) {
  Fixture f;
  const kairos::Program& program = *f.build.programs[0];
  auto find = [&](const std::string& key, kairos::Rejection& rejection) {
    std::string error;
    std::unique_ptr<kairos::DataInput> input =
        kairos::DataInput::open(kData + "data.csv", kairos::DataFormat::Csv, error);
    BOOST_TEST_REQUIRE(input != nullptr, error);
    std::unique_ptr<kairos::RecordReader> reader = input->reader(*f.build.schema);
    kairos::Record record;
    const kairos::FindStatus s = kairos::find_record(*reader, program, key, record, rejection);
    if (s == kairos::FindStatus::Found) {
      std::string k;
      k = kairos::explain_record(program, f.build.compilation->sources, f.runner->vm(0), record).key;
      BOOST_TEST(k == key);
    }
    return s;
  };
  kairos::Rejection rejection;
  BOOST_TEST((find("E2", rejection) == kairos::FindStatus::Found));
  BOOST_TEST((find("NOPE", rejection) == kairos::FindStatus::NotFound));
  BOOST_TEST((find("e1", rejection) == kairos::FindStatus::NotFound));  // keys compare exactly
  BOOST_TEST((find("E3", rejection) == kairos::FindStatus::Rejected));
  BOOST_TEST(rejection.field == "health");
  BOOST_TEST(rejection.value == "abc");
}

BOOST_AUTO_TEST_SUITE_END()
