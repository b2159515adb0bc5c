// Compiler and VM semantics: expressions evaluated through the real compiler
// and VM, rendered diagnostics, lints and rule evaluation.

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <deque>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <fmt/format.h>

#include "harness.hpp"
#include "interpreter/disasm.hpp"
#include "data/text.hpp"

using namespace kairos;
using namespace kairos::testing;

namespace {

const int32_t kToday = days_from_civil(2026, 1, 15);

std::shared_ptr<Schema> sample_schema() {
  return make_schema({{"id", Type::of(TypeKind::String)},
                      {"health", Type::of(TypeKind::Int)},
                      {"ratio", Type::of(TypeKind::Number)},
                      {"renewal_date", Type::of(TypeKind::Date)},
                      {"name", Type::of(TypeKind::String)},
                      {"phase", enum_type({"onboarding", "adoption", "expansion", "renewal"})},
                      {"products", Type::list_of(TypeKind::String)},
                      {"active", Type::of(TypeKind::Bool)}});
}

/// Evaluates one expression for a record of the sample schema; values in
/// schema order, null where left out.
struct Eval {
  std::vector<Value> values = std::vector<Value>(8);
  std::vector<Value> products_storage;

  Eval& health(int64_t v) { values[1] = Value::integer(v); return *this; }
  Eval& ratio(double v) { values[2] = Value::number(v); return *this; }
  Eval& renewal(int y, unsigned m, unsigned d) { values[3] = Value::date(days_from_civil(y, m, d)); return *this; }
  Eval& name(const char* s) { values[4] = Value::string(s); return *this; }
  Eval& phase(const char* s) { values[5] = Value::string(s); return *this; }
  Eval& products(std::vector<const char*> items) {
    products_storage.clear();
    for (const char* i : items) products_storage.push_back(Value::string(i));
    values[6] = Value::list(products_storage.data(), static_cast<uint32_t>(products_storage.size()));
    return *this;
  }

  /// The expression's value rendered as JSON ("null", "3", "\"x\"", ...).
  std::string operator()(const std::string& expr) {
    auto c = compile_text("rule r when (" + expr + ") is null then tag \"x\"\n", sample_schema(), true);
    BOOST_REQUIRE_MESSAGE(c->program, "compile failed for " << expr << ":\n" << c->diagnostics());
    const ast::Expr* inner = c->program->rules[0].source->when->args[0].get();
    auto record = make_record(values);
    Vm vm(*c->program, stdlib::builtins());
    vm.set_today(kToday);
    vm.begin(record.get());
    std::string out;
    append_json_value(out, vm.eval(c->program->probes.at(inner)));
    return out;
  }
};

std::string errors(const std::string& text, std::shared_ptr<const Schema> schema = sample_schema()) {
  auto c = compile_text(text, std::move(schema));
  return c->diagnostics();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(expressions)

BOOST_AUTO_TEST_CASE(dates_stay_within_years_0000_to_9999) {
  BOOST_TEST(kFirstDate == days_from_civil(0, 1, 1));
  BOOST_TEST(kLastDate == days_from_civil(9999, 12, 31));
  Eval e;
  e.renewal(9999, 12, 31);
  BOOST_TEST(e("renewal_date + 0") == "\"9999-12-31\"");
  BOOST_TEST(e("renewal_date + 1") == "null");
  BOOST_TEST(e("1 + renewal_date") == "null");
  BOOST_TEST(e("renewal_date - -1") == "null");
  BOOST_TEST(e("add_days(renewal_date, 1)") == "null");
  e.renewal(0, 1, 1);
  BOOST_TEST(e("renewal_date") == "\"0000-01-01\"");
  BOOST_TEST(e("renewal_date - 1") == "null");
  BOOST_TEST(e("renewal_date + -1") == "null");
  BOOST_TEST(e("renewal_date + 3652424") == "\"9999-12-31\"");
  BOOST_TEST(e("renewal_date + 3652425") == "null");

  // Counted as a runtime warning of the rule, like an int overflow.
  auto c = compile_text("rule r when renewal_date + 1 is null then tag \"x\"\n", sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  rec->values[3] = Value::date(kLastDate);
  Vm vm(*c->program, stdlib::builtins());
  std::string out;
  JsonlWriter w(out, false);
  vm.run(*rec, w);
  BOOST_TEST(vm.warnings()[0] == 1u);
  BOOST_TEST(out.find("\"tag\":\"x\"") != std::string::npos);

  // Folded constants say so when compiled.
  BOOST_TEST(errors("rule r when renewal_date < 9999-12-31 + 1 then tag \"x\"\n")
                 .find("warning: '9999-12-31 + 1' is always null: the date is outside 0000-01-01..9999-12-31") !=
             std::string::npos);
  BOOST_TEST(errors("const D = 0000-01-01 - 1d\nrule r when renewal_date < D then tag \"x\"\n")
                 .find("error: '0000-01-01 - 1d' is null: the date is outside 0000-01-01..9999-12-31") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(arithmetic_keeps_ints_and_divides_to_numbers) {
  Eval e;
  BOOST_TEST(e("1 + 2 * 3") == "7");
  BOOST_TEST(e("(1 + 2) * 3") == "9");
  BOOST_TEST(e("7 / 2") == "3.5");
  BOOST_TEST(e("6 / 2") == "3");
  BOOST_TEST(e("7 % 3") == "1");
  BOOST_TEST(e("-7 % 3") == "-1");
  BOOST_TEST(e("1 + 0.5") == "1.5");
  BOOST_TEST(e("-(2 - 5)") == "3");
  BOOST_TEST(e("10% * 2") == "0.2");
  BOOST_TEST(e("2w + 1") == "15");
}

BOOST_AUTO_TEST_CASE(overflow_and_division_by_zero_give_null) {
  Eval e;
  e.health(0);
  BOOST_TEST(e("9223372036854775807 + health + 1") == "null");
  BOOST_TEST(e("1 / health") == "null");
  BOOST_TEST(e("1 % health") == "null");
  BOOST_TEST(e("ratio / health") == "null");
}

BOOST_AUTO_TEST_CASE(null_propagates_through_arithmetic_and_comparison) {
  Eval e;
  BOOST_TEST(e("health + 1") == "null");
  BOOST_TEST(e("health > 5") == "null");
  BOOST_TEST(e("health == health") == "null");
  BOOST_TEST(e("health is null") == "true");
  BOOST_TEST(e("health is not null") == "false");
  BOOST_TEST(e("name + \"x\"") == "null");
}

BOOST_AUTO_TEST_CASE(kleene_logic_tables) {
  Eval e;  // health is null, so `health > 1` is null
  BOOST_TEST(e("true and health > 1") == "null");
  BOOST_TEST(e("false and health > 1") == "false");
  BOOST_TEST(e("health > 1 and false") == "false");
  BOOST_TEST(e("true or health > 1") == "true");
  BOOST_TEST(e("health > 1 or true") == "true");
  BOOST_TEST(e("false or health > 1") == "null");
  BOOST_TEST(e("not (health > 1)") == "null");
  BOOST_TEST(e("not true") == "false");
  BOOST_TEST(e("health > 1 or health > 2") == "null");
}

BOOST_AUTO_TEST_CASE(fused_comparisons_keep_jump_targets) {
  // The else branch ends in `Field` right before `Const; Eq`: a jump lands on
  // the Const, so the three must not be fused.
  Eval e;
  e.health(3).ratio(1);
  BOOST_TEST(e("(if health > 5 then ratio else health) == 3") == "true");
  e.health(9);
  BOOST_TEST(e("(if health > 5 then ratio else health) == 3") == "false");
  BOOST_TEST(e("health >= 9 and ratio < 2 and health != 4") == "true");
  BOOST_TEST(e("health > 9 or ratio <= 0 or health == 9") == "true");
}

BOOST_AUTO_TEST_CASE(if_takes_else_on_null) {
  Eval e;
  BOOST_TEST(e("if health > 5 then 1 else 2") == "2");
  e.health(9);
  BOOST_TEST(e("if health > 5 then 1 else 2") == "1");
  BOOST_TEST(e("if health > 5 then 1 else 2.5") == "1");
}

BOOST_AUTO_TEST_CASE(strings_dates_and_membership) {
  Eval e;
  e.name("Acme").renewal(2026, 3, 1).products({"crm", "ma"}).phase("adoption");
  BOOST_TEST(e("name + \"-\" + name") == "\"Acme-Acme\"");
  BOOST_TEST(e("renewal_date - 30d") == "\"2026-01-30\"");
  BOOST_TEST(e("renewal_date - 2026-01-15") == "45");
  BOOST_TEST(e("renewal_date > 2026-02-28") == "true");
  BOOST_TEST(e("\"crm\" in products") == "true");
  BOOST_TEST(e("\"api\" not in products") == "true");
  BOOST_TEST(e("phase in [adoption, expansion]") == "true");
  BOOST_TEST(e("phase == adoption") == "true");
  BOOST_TEST(e("adoption == phase") == "true");
  BOOST_TEST(e("\"cm\" in name") == "true");
  BOOST_TEST(e("\"Ac\" in name") == "true");
  BOOST_TEST(e("5 in 1..5") == "true");
  BOOST_TEST(e("6 in 1..5") == "false");
  BOOST_TEST(e("renewal_date in 2026-01-01..2026-12-31") == "true");
  BOOST_TEST(e("health in 1..5") == "null");
  BOOST_TEST(e("\"x\" in [\"a\", \"b\"]") == "false");
  BOOST_TEST(e("days_until(renewal_date)") == "45");
}

BOOST_AUTO_TEST_CASE(defs_bind_constant_and_computed_arguments) {
  auto c = compile_text("def f(a, b) = a - b\nconst K = f(10, 3)\n"
                        "rule r when f(health, 3) == K and f(K, 7) == 0 then tag \"x\"\n",
                        sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  rec->values[1] = Value::integer(10);
  BOOST_TEST(run_record(*c->program, *rec, kToday, false).find("\"tag\":\"x\"") != std::string::npos);
  rec->values[1] = Value::integer(7);
  BOOST_TEST(run_record(*c->program, *rec, kToday, false).find("\"tag\":\"x\"") == std::string::npos);
  Eval e;
  e.health(10);
  BOOST_TEST(e("abs(health - 3) + max(health, 3)") == "17");
}

BOOST_AUTO_TEST_CASE(interpolation_formats_each_kind) {
  Eval e;
  e.health(12).ratio(0.75).renewal(2026, 3, 1).products({"crm", "ma"});
  BOOST_TEST(e("\"{health}|{ratio}|{renewal_date}|{products}|{name}|{{x}}|{health / 8}\"") ==
             "\"12|0.75|2026-03-01|crm, ma||{x}|1.5\"");
}

BOOST_AUTO_TEST_CASE(json_escaping_round_trips_through_nlohmann) {
  const std::string hostile = std::string("a\"b\\c\nd\te\x01\x1f\x7f 株式会社 ") + '\0' + "end";
  std::string out;
  append_json_string(out, hostile);
  BOOST_TEST(nlohmann::json::parse(out).get<std::string>() == hostile);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(diagnostics)

BOOST_AUTO_TEST_CASE(unknown_field_renders_with_caret_and_suggestion) {
  BOOST_TEST(errors("rule r\n  when helth >= 80\n  then tag \"x\"\n") ==
             "test.play:2:8: error: unknown field 'helth' (did you mean 'health'?)\n"
             "    2 |   when helth >= 80\n"
             "      |        ^~~~~\n");
}

BOOST_AUTO_TEST_CASE(enum_typo_points_at_the_symbol) {
  BOOST_TEST(errors("rule r when phase == adoptoin then tag \"x\"\n") ==
             "test.play:1:22: error: 'adoptoin' is not a value of 'phase' (did you mean 'adoption'?)\n"
             "    1 | rule r when phase == adoptoin then tag \"x\"\n"
             "      |                      ^~~~~~~~\n"
             "      = help: the values are: onboarding, adoption, expansion, renewal\n");
}

BOOST_AUTO_TEST_CASE(type_error_points_at_the_offending_operand) {
  BOOST_TEST(errors("rule r when health > \"high\" then tag \"x\"\n") ==
             "test.play:1:22: error: cannot compare int with string using '>'\n"
             "    1 | rule r when health > \"high\" then tag \"x\"\n"
             "      |                      ^~~~~~\n");
  const std::string add = errors("rule r when renewal_date + \"x\" > 1 then tag \"x\"\n");
  BOOST_TEST(add.find("test.play:1:28: error: cannot add date and string") == 0u);
}

BOOST_AUTO_TEST_CASE(every_error_is_reported_in_one_pass) {
  const std::string out = errors("rule a when helth > 1 then tag \"x\"\nrule b when nmae == \"x\" then tag \"y\"\n");
  BOOST_TEST(out.find("test.play:1:13") != std::string::npos);
  BOOST_TEST(out.find("test.play:2:13") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_parse_error_means_no_program) {
  auto bad = compile_text("rule r when health > 1 group g then tag \"x\"\n", sample_schema());
  BOOST_TEST(!bad->program);
  BOOST_TEST(bad->diagnostics().find("error") != std::string::npos);
  auto half = compile_text("rule a when health > 1 then tag \"a\"\nrule b when then\n", sample_schema());
  BOOST_TEST(!half->program);  // rule a parsed, but the file did not
  auto good = compile_text("rule r group g when health > 1 then tag \"x\"\n", sample_schema());
  BOOST_TEST(good->program, good->diagnostics());
}

BOOST_AUTO_TEST_CASE(recursion_duplicates_and_unknown_functions) {
  BOOST_TEST(errors("def f(x) = f(x) + 1\nrule r when f(1) > 1 then tag \"x\"\n").find("recursion is not allowed") !=
             std::string::npos);
  BOOST_TEST(errors("rule r when true then tag \"a\"\nrule r when true then tag \"b\"\n")
                 .find("test.play:2:6: error: rule 'r' is defined twice") == 0u);
  BOOST_TEST(errors("const A = 1\nconst A = 2\nrule r when A > 0 then tag \"x\"\n")
                 .find("test.play:2:7: error: 'A' is already defined") == 0u);
  BOOST_TEST(errors("rule r when halth_band(health) == 1 then tag \"x\"\n")
                 .find("test.play:1:13: error: unknown function 'halth_band'") == 0u);
  BOOST_TEST(errors("rule r when round(1, 2, 3) == 1 then tag \"x\"\n").find("round takes 1 to 2 arguments") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(actions_and_policies_are_checked) {
  BOOST_TEST(errors("policy max_discount 15%\nrule d when true then propose upgrade \"p\" discount 20%\n")
                 .find("test.play:2:52: error: discount 20% is above the policy max_discount of 15%") == 0u);
  BOOST_TEST(errors("rule r when true then propose bundel \"x\"\n").find("did you mean 'bundle'") != std::string::npos);
  BOOST_TEST(errors("rule r when true then tag \"x\" owner csm\n").find("'owner' is not an option of tag") !=
             std::string::npos);
  BOOST_TEST(errors("rule r when true then task \"x\" due 5\n").find("due must be a date") != std::string::npos);
  BOOST_TEST(errors("rule r when health then tag \"x\"\n").find("the condition must be true or false") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(lints_are_warnings) {
  auto c = compile_text("let unused = health + 1\nrule a when 1 > 2 then tag \"a\"\n"
                        "rule b priority 9 when true then tag \"b\" stop\n",
                        sample_schema());
  BOOST_REQUIRE(c->program);
  const std::string out = c->diagnostics();
  BOOST_TEST(out.find("warning: let 'unused' is never used") != std::string::npos);
  BOOST_TEST(out.find("warning: the condition of rule 'a' is always false") != std::string::npos);
  BOOST_TEST(out.find("warning: rule 'a' can never run: rule 'b' always fires first and stops") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_constant_that_folds_to_null_by_a_runtime_problem_is_flagged) {
  auto c = compile_text(
      "const BIG = 9223372036854775807\n"
      "let ratio_limit = 10 / 0\n"
      "rule a when health > BIG * 2 then tag \"a\"\n"
      "rule b when health > 100 % 0 or ratio > ratio_limit then tag \"b\"\n"
      "rule c when health > abs(-BIG - 1) then tag \"c\"\n"
      "rule e when health > -(-BIG - 1) then tag \"e\"\n"
      "rule f when health > 10 / (5 - 5) + 1 then tag \"f\"\n",
      sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  const std::string out = c->diagnostics();
  BOOST_TEST(out.find("test.play:2:19: warning: '10 / 0' is always null: division by zero") != std::string::npos, out);
  BOOST_TEST(out.find("test.play:3:22: warning: 'BIG * 2' is always null: integer overflow") != std::string::npos, out);
  BOOST_TEST(out.find("test.play:4:22: warning: '100 % 0' is always null: division by zero") != std::string::npos, out);
  BOOST_TEST(out.find("warning: 'abs(-BIG - 1)' is always null: 'abs' gives null for these arguments") !=
                 std::string::npos,
             out);
  BOOST_TEST(out.find("warning: '-(-BIG - 1)' is always null: integer overflow") != std::string::npos, out);
  // Only the innermost part at fault: the null it gives propagates silently.
  BOOST_TEST(out.find("warning: '10 / (5 - 5)' is always null: division by zero") != std::string::npos, out);
  BOOST_TEST(out.find("'10 / (5 - 5) + 1'") == std::string::npos, out);
  BOOST_TEST(out.find("help: a condition that depends on it is never true") != std::string::npos, out);

  // In a const it is an error: a const must have a value.
  auto e = compile_text("const C = 9223372036854775807 + 1\nrule r when health > C then tag \"r\"\n", sample_schema());
  BOOST_TEST(!e->program);
  BOOST_TEST(e->diagnostics().find("test.play:1:11: error: '9223372036854775807 + 1' is null: integer overflow") == 0u,
             e->diagnostics());
  // A null written as such is no runtime problem.
  auto n = compile_text("const N = null\nrule r when health > N + 1 then tag \"r\"\n", sample_schema());
  BOOST_TEST(n->diagnostics().find("is always null") == std::string::npos, n->diagnostics());
}

BOOST_AUTO_TEST_CASE(a_symbol_spelled_like_a_field_is_flagged) {
  auto c = compile_text("rule r when name == helth then tag \"x\"\n", sample_schema());
  BOOST_REQUIRE(c->program);
  BOOST_TEST(c->diagnostics().find("test.play:1:21: warning: 'helth' is read as the text \"helth\"; did you mean "
                                   "the field 'health'?") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(priority_groups_stop_and_max_proposals) {
  auto c = compile_text(
      "policy max_proposals 2\n"
      "rule a when true then tag \"a\"\n"
      "rule b priority 5 group g when true then propose upgrade \"b\"\n"
      "rule c priority 5 group g when true then propose upgrade \"c\"\n"
      "rule d priority 1 when true then propose addon \"d\"\n"
      "rule e priority 1 when true then propose addon \"e\" tag \"still\"\n"
      "rule f when health > 50 then tag \"f\" stop\n"
      "rule g when true then tag \"g\"\n",
      sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  rec->values[0] = Value::string("K1");
  rec->values[1] = Value::integer(60);
  const std::string out = run_record(*c->program, *rec, kToday, false);
  BOOST_TEST(out ==
             "{\"key\":\"K1\",\"playbook\":\"test\",\"rule\":\"b\",\"action\":\"propose\",\"kind\":\"upgrade\",\"offer\":\"b\"}\n"
             "{\"key\":\"K1\",\"playbook\":\"test\",\"rule\":\"d\",\"action\":\"propose\",\"kind\":\"addon\",\"offer\":\"d\"}\n"
             "{\"key\":\"K1\",\"playbook\":\"test\",\"rule\":\"e\",\"action\":\"tag\",\"tag\":\"still\"}\n"
             "{\"key\":\"K1\",\"playbook\":\"test\",\"rule\":\"a\",\"action\":\"tag\",\"tag\":\"a\"}\n"
             "{\"key\":\"K1\",\"playbook\":\"test\",\"rule\":\"f\",\"action\":\"tag\",\"tag\":\"f\"}\n");
}

BOOST_AUTO_TEST_CASE(facts_follow_lets_and_defs_in_order_of_reference) {
  auto c = compile_text(
      "def near(used, cap) = cap > 0 and used >= 0.8 * cap\n"
      "let pressure = near(health, ratio)\n"
      "rule r when pressure and name is null then task \"t\" owner csm due renewal_date - 1w\n",
      sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  rec->values[0] = Value::string("K");
  rec->values[1] = Value::integer(9);
  rec->values[2] = Value::number(10);
  rec->values[3] = Value::date(days_from_civil(2026, 2, 10));
  BOOST_TEST(run_record(*c->program, *rec, kToday) ==
             "{\"key\":\"K\",\"playbook\":\"test\",\"rule\":\"r\",\"action\":\"task\",\"title\":\"t\",\"owner\":\"csm\","
             "\"due\":\"2026-02-03\",\"facts\":{\"health\":9,\"ratio\":10,\"name\":null}}\n");
}

BOOST_AUTO_TEST_CASE(computed_discounts_are_clamped_to_the_policy) {
  auto c = compile_text("policy max_discount 15%\nrule d when true then propose upgrade \"p\" discount ratio\n",
                        sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  rec->values[2] = Value::number(0.3);
  Vm vm(*c->program, stdlib::builtins());
  std::string out;
  JsonlWriter w(out, false);
  vm.run(*rec, w);
  BOOST_TEST(out.find("\"discount\":0.15") != std::string::npos);
  BOOST_TEST(vm.warnings()[0] == 1u);
}

BOOST_AUTO_TEST_CASE(constants_are_folded_and_disassembled) {
  auto c = compile_text("const HIGH = 40 * 2\nrule r when health >= HIGH then tag \"t\"\n", sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  const std::string listing = disassemble(*c->program, c->c.sources, stdlib::builtins());
  BOOST_TEST(listing.find("Const") != std::string::npos);
  BOOST_TEST(listing.find("FieldGeIntTest") != std::string::npos);
  BOOST_TEST(listing.find("; health >= 80") != std::string::npos);
  BOOST_TEST(listing.find("Mul") == std::string::npos);
  BOOST_TEST(listing.find("; health") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// Conditions run as tests and jumps, with fused instructions (optimize.hpp,
// opcodes.hpp). Every case below is checked against the value form of the
// same condition (the explain probe of the whole condition), over records
// full of nulls, edge values and kinds, so the fast path can never disagree
// with Kleene logic.
BOOST_AUTO_TEST_SUITE(tests_and_fusions)

namespace {

/// Records covering nulls and edge values of every field of the sample schema.
std::vector<std::vector<Value>> edge_records(std::deque<std::vector<Value>>& lists) {
  auto list = [&](std::vector<const char*> items) {
    std::vector<Value> v;
    for (const char* i : items) v.push_back(Value::string(i));
    lists.push_back(std::move(v));
    return Value::list(lists.back().data(), static_cast<uint32_t>(lists.back().size()));
  };
  std::vector<std::vector<Value>> out;
  out.emplace_back(8);  // all null
  const int64_t ints[] = {0, 1, 5, 9, 50, 79, 80, 100, std::numeric_limits<int64_t>::max(),
                          std::numeric_limits<int64_t>::min()};
  const double numbers[] = {0.0, 0.5, 1.0, 2.5, 1e308, -1.0, std::nan("")};
  const char* names[] = {"", "b", "abc", "Acme"};
  const char* phases[] = {"onboarding", "adoption", "expansion", "renewal"};
  for (size_t i = 0; i < 40; ++i) {
    std::vector<Value> r(8);
    r[0] = Value::string("K");
    if (i % 7 != 3) r[1] = Value::integer(ints[i % 10]);
    if (i % 5 != 2) r[2] = Value::number(numbers[i % 7]);
    if (i % 6 != 1) r[3] = Value::date(days_from_civil(2026, 1 + static_cast<unsigned>(i % 12), 1));
    if (i % 4 != 0) r[4] = Value::string(names[i % 4]);
    if (i % 9 != 4) r[5] = Value::string(phases[i % 4]);
    if (i % 3 == 0) r[6] = list({"crm", "ma"});
    if (i % 3 == 1) r[6] = list({});
    if (i % 8 != 5) r[7] = Value::boolean(i % 2 == 0);
    out.push_back(std::move(r));
  }
  // Values of the wrong kind for their field (as with data of unknown type):
  // the specialized instructions must take the general way for them.
  static const Value kMixed[] = {Value::integer(1), Value::string("crm"), Value::null(), Value::number(1.0)};
  const Value mixed = Value::list(kMixed, 4);
  for (size_t i = 0; i < 6; ++i) {
    std::vector<Value> r(8);
    r[1] = i % 2 ? Value::number(50.0) : Value::string("50");
    r[2] = i % 3 ? Value::integer(1) : Value::string("1");
    r[4] = i % 2 ? Value::integer(5) : Value::list(kMixed, 2);
    r[5] = i % 3 == 0 ? Value::integer(1) : i % 3 == 1 ? Value::boolean(true) : Value::string("adoption");
    r[6] = i % 3 == 0 ? Value::string("xcrmx") : i % 3 == 1 ? mixed : Value::integer(3);
    r[7] = i % 2 ? Value::string("true") : Value::integer(1);
    out.push_back(std::move(r));
  }
  return out;
}

const std::vector<std::string> kConditions = {
    "health < 50", "health <= 50", "health > 50", "health >= 80", "health == 9", "health != 9",
    "ratio < 1", "ratio >= 1", "ratio == 1", "ratio != 0.5", "health > ratio", "health + 1 >= ratio",
    "renewal_date < 2026-06-01", "renewal_date >= 2026-06-01", "name == \"abc\"", "name != \"\"", "name < \"b\"",
    "phase == adoption", "phase != renewal", "phase in [adoption, expansion]", "phase not in [adoption, expansion]",
    "health in [1, 5, 9]", "health not in [1, 5, 9]", "ratio in [0.5, 1]", "\"crm\" in products",
    "\"crm\" not in products", "\"b\" in name", "\"b\" not in name", "name in \"xabcx\"", "name not in \"xabcx\"",
    "health in 1..50", "health not in 1..50", "health + 0 in 1..50", "ratio in 0..1",
    "renewal_date in 2026-03-01..2026-09-01", "ratio * 2 > 1", "2 * health >= 10", "health * 2 >= 10",
    "0.9 * health >= ratio", "len(products) >= 2", "len(name) < 2", "active", "not active",
    "active and health > 1", "active or health > 1", "not (health > 1)", "not (health > 1) and active",
    "(health > 1 or ratio > 1) and not active", "health > 1 and (ratio < 1 or name == \"abc\")",
    "health is null or ratio is not null", "(if health > 5 then active else false)",
    "health > 1 and health < 90 and phase in [adoption, expansion] and \"crm\" not in products",
    "not (phase == adoption or health in 1..50)", "health / 0 > 1 or active",
    "name == \"\"", "name != \"abc\"", "\"abc\" == name", "name in [\"abc\", \"b\"]", "name not in [\"abc\", \"b\"]",
    "name in [\"\"]", "phase in [adoption]", "phase not in [renewal, onboarding]", "\"adoption\" == phase",
    "\"ma\" in products", "\"ma\" not in products", "\"\" in products", "\"crm\" in products and \"ma\" not in products",
    "phase == \"expansion\" or name == \"b\"", "health in [1, 5.0]", "health == 50", "ratio > 0.5",
    "ratio >= 0.9 * health", "health <= ratio * 2", "ratio < health * 2", "name == name", "health != health + 0",
    "health > 1 and ratio >= 1.5 * health", "health >= ratio or ratio == health", "renewal_date > renewal_date"};

}  // namespace

/// Counts the actions of each run.
class CountingSink : public ActionSink {
 public:
  void action(const Program&, const Record&, const Emitted&) override { ++count; }
  uint64_t count = 0;
};

BOOST_AUTO_TEST_CASE(test_form_agrees_with_the_value_form) {
  std::deque<std::vector<Value>> lists;
  const std::vector<std::vector<Value>> records = edge_records(lists);
  for (const std::string& cond : kConditions) {
    auto c = compile_text("rule r when " + cond + " then tag \"x\"\n", sample_schema(), true);
    BOOST_REQUIRE_MESSAGE(c->program, cond << ":\n" << c->diagnostics());
    const CompiledRule& rule = c->program->rules[0];
    const uint32_t value_entry = c->program->probes.at(rule.source->when.get());
    BOOST_TEST(rule.condition != value_entry, cond);  // compiled as tests
    Vm vm(*c->program, stdlib::builtins());
    Vm linked(*c->program, stdlib::builtins());  // runs the linked rules (run() without a trace)
    for (size_t i = 0; i < records.size(); ++i) {
      auto rec = make_record(records[i]);
      vm.begin(rec.get());
      const uint64_t before = vm.context().warnings;
      const Value tested = vm.eval(rule.condition);
      const uint64_t test_warnings = vm.context().warnings - before;
      vm.begin(rec.get());
      const Value value = vm.eval(value_entry);
      const uint64_t value_warnings = vm.context().warnings - before - test_warnings;
      const bool truth = value.kind == ValueKind::Bool && value.b;
      BOOST_TEST((tested.kind == ValueKind::Bool), cond);
      BOOST_TEST((tested.b == truth), cond << " on record " << i);
      BOOST_TEST(test_warnings <= value_warnings, cond << " on record " << i);
      CountingSink sink;
      const uint64_t linked_before = linked.warnings().empty() ? 0 : linked.warnings()[0];
      linked.run(*rec, sink);
      BOOST_TEST((sink.count == 1) == truth, cond << " linked, on record " << i);
      BOOST_TEST(linked.warnings()[0] - linked_before == test_warnings, cond << " linked, on record " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(tests_against_constants_are_specialized) {
  auto c = compile_text(
      "rule a when name == \"abc\" and phase != renewal then tag \"a\"\n"
      "rule b when name in [\"abc\", \"b\"] and phase not in [adoption, expansion] then tag \"b\"\n"
      "rule c when \"crm\" in products and \"ma\" not in products and health == 9 then tag \"c\"\n",
      sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  const std::string listing = disassemble(*c->program, c->c.sources, stdlib::builtins());
  for (const char* part : {"FieldEqStrTest", "; name == \"abc\"", "FieldNeStrTest", "; phase != \"renewal\"",
                           "FieldInStrsTest", "; name in [\"abc\",\"b\"]", "FieldNotInStrsTest",
                           "; phase not in [\"adoption\",\"expansion\"]", "StrInFieldTest", "; \"crm\" in products",
                           "StrNotInFieldTest", "; \"ma\" not in products", "FieldEqConstTest", "; health == 9"}) {
    BOOST_TEST(listing.find(part) != std::string::npos, part << "\n" << listing);
  }
}

BOOST_AUTO_TEST_CASE(a_field_compared_with_a_value_is_read_where_it_is_compared) {
  auto c = compile_text("rule a when ratio >= 0.9 * health and health < ratio * 2 then tag \"a\"\n", sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  const std::string listing = disassemble(*c->program, c->c.sources, stdlib::builtins());
  for (const char* part : {"FieldMulConst", "FieldGeTopTest", "; ratio >= (the value above)", "FieldLtTopTest",
                           "; health < (the value above)"}) {
    BOOST_TEST(listing.find(part) != std::string::npos, part << "\n" << listing);
  }
  Eval e;
  BOOST_TEST(e("ratio >= 0.9 * health") == "null");
  e.health(10).ratio(9.0);
  BOOST_TEST(e("ratio >= 0.9 * health") == "true");
  e.ratio(std::nan(""));
  BOOST_TEST(e("ratio >= 0.9 * health") == "null");
}

BOOST_AUTO_TEST_CASE(enum_symbols_point_at_the_schema_values) {
  auto schema = sample_schema();
  const EnumValues& phases = *schema->fields[5].type.enum_values;
  auto c = compile_text("rule a when phase == adoption or phase in [expansion, renewal] or phase == \"onboarding\" "
                        "then tag \"a\"\n",
                        schema);
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  std::set<const char*> pointers;
  for (const Value& k : c->program->chunk.constants) {
    if (k.kind == ValueKind::String) pointers.insert(k.s);
    for (uint32_t i = 0; k.kind == ValueKind::List && i < k.size; ++i) pointers.insert(k.l[i].s);
  }
  for (const std::string& v : phases.values) BOOST_TEST(pointers.count(v.data()) == 1u, v);
  // A record whose value is the schema's copy, and one with its own copy, compare alike.
  auto rec = make_record(std::vector<Value>(8));
  for (const char* text : {"adoption", "renewal", "onboarding", "churned"}) {
    const std::string own = text;
    for (bool schema_copy : {true, false}) {
      const auto it = std::find(phases.values.begin(), phases.values.end(), own);
      rec->values[5] = schema_copy && it != phases.values.end() ? Value::string(*it) : Value::string(own);
      const std::string out = run_record(*c->program, *rec, kToday, false);
      BOOST_TEST(out.empty() == (own == "churned"), text);
    }
  }
}

BOOST_AUTO_TEST_CASE(constants_are_stored_once) {
  auto c = compile_text("rule a when name == \"abc\" and health > 5 then tag \"abc\"\n"
                        "rule b when name != \"abc\" and health > 5 and ratio > 5.0 then tag \"abc\"\n",
                        sample_schema(), true);
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  size_t abc = 0, five = 0, five_number = 0;
  for (const Value& k : c->program->chunk.constants) {
    abc += k.kind == ValueKind::String && k.str() == "abc";
    five += k.kind == ValueKind::Int && k.i == 5;
    five_number += k.kind == ValueKind::Number && k.n == 5.0;
  }
  BOOST_TEST(abc == 1u);
  BOOST_TEST(five == 1u);
  BOOST_TEST(five_number == 1u);  // 5 and 5.0 are different constants
}

BOOST_AUTO_TEST_CASE(linked_rules_count_warnings_for_the_rule_that_ran_into_them) {
  auto c = compile_text("let half = health / 0\n"
                        "rule a when health * 2 > 1 then tag \"a\"\n"
                        "rule b when active and half > 1 then tag \"b\"\n"
                        "rule c when half > 1 or health * 3 > 1 then tag \"c\"\n"
                        "rule d when true then propose upgrade \"d\" discount health * 1%\n",
                        sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  rec->values[1] = Value::integer(std::numeric_limits<int64_t>::max());
  rec->values[7] = Value::boolean(true);
  class NoTrace : public RuleTrace {
   public:
    void rule(size_t, bool, Skipped) override {}
  } trace;
  Vm linked(*c->program, stdlib::builtins()), traced(*c->program, stdlib::builtins());
  CountingSink sink;
  for (int i = 0; i < 2; ++i) {
    linked.run(*rec, sink);
    traced.run(*rec, sink, &trace);
  }
  // a: the overflow; b: the let's division by zero (first use); c: the
  // overflow of health * 3 (the let is known by then); d: the discount clamped.
  const std::vector<uint64_t> expected = {2, 2, 2, 2};
  BOOST_TEST(linked.warnings() == expected, boost::test_tools::per_element());
  BOOST_TEST(traced.warnings() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(linked_rules_keep_constant_conditions_groups_and_stop) {
  auto c = compile_text("rule a when true then tag \"a\"\n"
                        "rule b when 1 > 2 then tag \"b\"\n"
                        "rule c group g when health is null then tag \"c\"\n"
                        "rule d group g when true then tag \"d\"\n"
                        "rule e group h when 1 > 2 then tag \"e\"\n"
                        "rule f group h when true then tag \"f\" stop\n"
                        "rule g when true then tag \"g\"\n",
                        sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  std::string out = run_record(*c->program, *rec, kToday, false);
  for (const char* t : {"a", "c", "f"}) BOOST_TEST(out.find(fmt::format("\"tag\":\"{}\"", t)) != std::string::npos, t);
  for (const char* t : {"b", "d", "e", "g"}) BOOST_TEST(out.find(fmt::format("\"tag\":\"{}\"", t)) == std::string::npos, t);
  rec->values[1] = Value::integer(1);
  out = run_record(*c->program, *rec, kToday, false);
  BOOST_TEST(out.find("\"tag\":\"d\"") != std::string::npos);
  const std::string listing = disassemble(*c->program, c->c.sources, stdlib::builtins());
  for (const char* part : {"linked rules (run):", "GroupTest", "; group g", "Fire", "; f"}) {
    BOOST_TEST(listing.find(part) != std::string::npos, part << "\n" << listing);
  }
}

BOOST_AUTO_TEST_CASE(a_condition_without_a_test_form_runs_through_eval_test) {
  // Built by hand: the compiler gives every condition a test form, unless
  // the def expansion budget of the test form runs out.
  Program p;
  p.schema = sample_schema();
  const uint32_t entry = static_cast<uint32_t>(p.chunk.code.size());
  p.chunk.code = {Instr{Op::Field, 0, 0, 7}, Instr{Op::Return, 0, 0, 0}};
  p.chunk.spans.resize(2);
  p.max_stack = 2;
  CompiledRule r;
  r.name = "r";
  r.condition = entry;
  CompiledAction a;
  a.subject = static_cast<uint32_t>(p.chunk.code.size());
  p.chunk.code.push_back(Instr{Op::Const, 0, 0, p.chunk.add_constant(Value::string("t"))});
  p.chunk.code.push_back(Instr{Op::Return, 0, 0, 0});
  p.chunk.spans.resize(4);
  r.actions.push_back(a);
  p.rules.push_back(r);
  const LinkedRules linked = link_rules(p);
  BOOST_TEST((linked.code[0].op == Op::EvalTest));
  auto rec = make_record(std::vector<Value>(8));
  Vm vm(p, stdlib::builtins());
  CountingSink sink;
  for (const Value& v : {Value::null(), Value::boolean(false), Value::integer(1), Value::boolean(true)}) {
    rec->values[7] = v;
    vm.run(*rec, sink);
  }
  BOOST_TEST(sink.count == 1u);
}

BOOST_AUTO_TEST_CASE(fused_instructions_keep_null_and_kind_rules) {
  Eval e;  // everything null
  BOOST_TEST(e("health in [1, 2]") == "null");
  BOOST_TEST(e("health not in [1, 2]") == "null");
  BOOST_TEST(e("\"crm\" in products") == "null");
  BOOST_TEST(e("\"crm\" not in products") == "null");
  BOOST_TEST(e("health + 0 in 1..5") == "null");
  BOOST_TEST(e("health * 2") == "null");
  BOOST_TEST(e("2 * ratio") == "null");
  BOOST_TEST(e("health + 0 <= 5") == "null");
  e.health(3).ratio(0.5).products({"crm"}).name("abc");
  BOOST_TEST(e("health in [1, 3]") == "true");
  BOOST_TEST(e("health not in [1, 3]") == "false");
  BOOST_TEST(e("health in [1.5, 3.0]") == "true");  // ints and numbers compare by value
  BOOST_TEST(e("\"crm\" in products") == "true");
  BOOST_TEST(e("\"ma\" not in products") == "true");
  BOOST_TEST(e("name in \"xabcx\"") == "true");
  BOOST_TEST(e("health + 0 in 1..3") == "true");
  BOOST_TEST(e("health + 0 in 4..9") == "false");
  BOOST_TEST(e("health * 2") == "6");
  BOOST_TEST(e("2 * health") == "6");
  BOOST_TEST(e("0.9 * health") == "2.7");
  BOOST_TEST(e("ratio * 4") == "2");
  BOOST_TEST(e("health + 0 <= 3") == "true");
  BOOST_TEST(e("health + 0 == 3.0") == "true");
  e.health(std::numeric_limits<int64_t>::max());
  BOOST_TEST(e("health * 2") == "null");  // overflow: null (and a warning)
  BOOST_TEST(e("health * health") == "null");
}

BOOST_AUTO_TEST_CASE(warnings_and_null_survive_the_test_form) {
  auto c = compile_text("rule r when health * 2 > 1 or health / 0 > 1 then tag \"x\"\n", sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  rec->values[1] = Value::integer(std::numeric_limits<int64_t>::max());
  Vm vm(*c->program, stdlib::builtins());
  std::string out;
  JsonlWriter w(out, false);
  vm.run(*rec, w);
  BOOST_TEST(out.empty());
  BOOST_TEST(vm.warnings()[0] == 2u);  // the overflow and the division by zero
}

BOOST_AUTO_TEST_CASE(stop_and_groups_still_apply_to_tested_conditions) {
  auto c = compile_text("rule a group g when health > 1 then tag \"a\"\n"
                        "rule b group g when health > 2 then tag \"b\"\n"
                        "rule c when health > 3 then tag \"c\" stop\n"
                        "rule d when health > 4 then tag \"d\"\n",
                        sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  auto rec = make_record(std::vector<Value>(8));
  rec->values[1] = Value::integer(9);
  const std::string out = run_record(*c->program, *rec, kToday, false);
  BOOST_TEST(out.find("\"tag\":\"a\"") != std::string::npos);
  BOOST_TEST(out.find("\"tag\":\"b\"") == std::string::npos);
  BOOST_TEST(out.find("\"tag\":\"c\"") != std::string::npos);
  BOOST_TEST(out.find("\"tag\":\"d\"") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(new_instructions_disassemble_readably) {
  auto c = compile_text(
      "let days = days_until(renewal_date)\n"
      "rule r when health >= 80 and active and phase in [adoption, expansion] and \"crm\" not in products\n"
      "  and days in 0..90 and days <= 60 and 0.9 * health >= ratio and not (name == \"x\") and ratio > 0.5\n"
      "  then tag \"t\"\n",
      sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  const std::string listing = disassemble(*c->program, c->c.sources, stdlib::builtins());
  for (const char* part : {"FieldGeIntTest", "; health >= 80", "FieldGtConstTest", "; ratio > 0.5", "FieldTest",
                           "; active", "FieldInStrsTest",
                           "; phase in [\"adoption\",\"expansion\"]", "StrNotInFieldTest",
                           "; \"crm\" not in products", "InRangeConstTest", "; in 0..90", "LeConstTest", "; <= 60",
                           "FieldMulConst", "; health * 0.9", "GeTest", "JumpUnlessFalse", "ReturnTrue",
                           "ReturnFalse"}) {
    BOOST_TEST(listing.find(part) != std::string::npos, part << "\n" << listing);
  }
  // Every test is followed by the Jump it takes.
  const Chunk& ch = c->program->chunk;
  for (size_t i = 0; i < ch.code.size(); ++i) {
    if (op_is_test(ch.code[i].op)) BOOST_TEST((ch.code[i + 1].op == Op::Jump));
  }
}

BOOST_AUTO_TEST_CASE(jump_targets_are_never_fused_away) {
  // `if` puts a jump target between Field and Const: the value must still be right.
  Eval e;
  e.health(3);
  BOOST_TEST(e("(if health > 1 then health else 0) in [3, 4]") == "true");
  BOOST_TEST(e("(if health > 5 then health else 4) in [3, 4]") == "true");
  BOOST_TEST(e("(if health > 1 then health else 0) * 2") == "6");
  BOOST_TEST(e("\"crm\" in (if health > 1 then products else [\"crm\"])") == "null");
  BOOST_TEST(e("not (if health > 1 then false else true)") == "true");
}

BOOST_AUTO_TEST_CASE(csv_writer_writes_the_actions_of_many_rules) {
  // More actions than the writer's cache of their constant columns has
  // entries, and several records, so entries are made, reused and replaced.
  std::string text = "playbook \"north, \\\"east\\\"\"\n";
  for (int i = 0; i < 150; ++i) {
    text += fmt::format("rule r{0} when health >= {0} then tag \"t{0}, x\"\n", i);
  }
  auto c = compile_text(text, sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  Vm vm(*c->program, stdlib::builtins());
  std::string out, expected;
  CsvWriter w(out);
  w.dated(20468);  // 2026-01-15
  for (const int health : {149, 0, 75, 149}) {
    auto rec = make_record(std::vector<Value>(8));
    const std::string key = "K" + std::to_string(health);  // the value points at it
    rec->values[0] = Value::string(key);
    rec->values[1] = Value::integer(health);
    vm.run(*rec, w);
    for (int i = 0; i <= health; ++i) {
      expected += fmt::format("K{},\"north, \"\"east\"\"\",r{},tag,,\"t{}, x\",,,,,2026-01-15,\n", health, i, i);
    }
  }
  BOOST_TEST(out == expected);
}

BOOST_AUTO_TEST_CASE(lets_copied_into_the_linked_rules_agree_with_nested_lets) {
  // The linked rules (run() without a trace) copy short lets in where a rule
  // uses them; the traced run evaluates every let through a nested
  // execute(). Both must give the same actions and warnings, whichever rule
  // evaluates a let first and whichever branch of an `or` reaches it.
  auto c = compile_text(
      "let ready = health >= 50 and renewal_date is not null\n"
      "let days = days_until(renewal_date)\n"
      "let soon = days <= 30 or ratio > 0.5\n"
      "rule a when health > 90 and days < 0 then tag \"a {days}\"\n"
      "rule b when ready or soon then tag \"b {days} {soon}\"\n"
      "rule c when soon and ready then tag \"c\"\n"
      "rule d when health / 0 > days or days is null then tag \"d\"\n"
      "let broken = health / 0\n"
      "rule e when broken is null and broken is null then tag \"e\"\n",
      sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  const LinkedRules linked = link_rules(*c->program);
  size_t copied = 0, stored = 0;
  for (const Instr& in : linked.code) {
    copied += in.op == Op::LetCached;
    stored += in.op == Op::LetStore;
  }
  BOOST_TEST(copied == 9u);  // a: days; b: ready, soon; c: soon, ready; d: days twice; e: broken twice
  BOOST_TEST(stored == copied);

  struct NoTrace : RuleTrace {
    void rule(size_t, bool, Skipped) override {}
  } trace;
  std::deque<std::vector<Value>> lists;
  Vm fast(*c->program, stdlib::builtins()), traced(*c->program, stdlib::builtins());
  std::string fast_out, traced_out;
  JsonlWriter fast_writer(fast_out, true), traced_writer(traced_out, true);
  for (std::vector<Value> values : edge_records(lists)) {
    for (const int32_t days : {-5, 10, 400, 0}) {
      values[1] = Value::integer(days < 0 ? 95 : 60);
      values[3] = days == 0 ? Value::null() : Value::date(kToday + days);
      auto rec = make_record(values);
      fast.set_today(kToday);
      traced.set_today(kToday);
      fast.run(*rec, fast_writer);
      traced.run(*rec, traced_writer, &trace);
    }
  }
  BOOST_TEST(fast_out == traced_out);
  BOOST_TEST(fast.actions() == traced.actions());
  BOOST_TEST(fast.warnings() == traced.warnings());
  for (const uint64_t n : fast.actions()) BOOST_TEST(n > 0u);
  BOOST_TEST(fast.warnings()[3] > 0u);  // division by zero, in rule d
  BOOST_TEST(fast.warnings()[4] == fast.actions()[4]);  // a let is evaluated once per record
}

BOOST_AUTO_TEST_CASE(jsonl_writer_writes_the_actions_of_many_rules) {
  // As for CSV: more actions than the writer's cache has entries, of every
  // verb, with options and facts, over several records.
  std::string text = "playbook \"north \\\"east\\\"\"\n";
  for (int i = 0; i < 120; ++i) {
    switch (i % 4) {
      case 0:
        text += fmt::format("rule r{0} when health >= {0} then propose upgrade \"p{0}\" discount 5% reason \"h {{health}}\"\n", i);
        break;
      case 1: text += fmt::format("rule r{0} when health >= {0} and ratio > 0 then notify sales \"m{0}\"\n", i); break;
      case 2: text += fmt::format("rule r{0} when health >= {0} then task \"t{0}\" owner csm due renewal_date\n", i); break;
      default: text += fmt::format("rule r{0} when true then tag \"g{0}\"\n", i); break;
    }
  }
  auto c = compile_text(text, sample_schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  Vm vm(*c->program, stdlib::builtins());
  std::string out;
  JsonlWriter w(out, true);
  size_t expected_lines = 0;
  std::vector<int> healths = {119, 0, 60, 119};
  for (const int health : healths) {
    auto rec = make_record(std::vector<Value>(8));
    const std::string key = "K\"" + std::to_string(health);  // the value points at it
    rec->values[0] = Value::string(key);
    rec->values[1] = Value::integer(health);
    rec->values[2] = Value::number(0.5);
    rec->values[3] = Value::date(days_from_civil(2026, 3, 1));
    vm.run(*rec, w);
    for (int i = 0; i < 120; ++i) expected_lines += i % 4 == 3 || i <= health;
  }
  std::vector<nlohmann::json> lines;
  for (size_t at = 0; at < out.size();) {
    const size_t end = out.find('\n', at);
    lines.push_back(nlohmann::json::parse(out.substr(at, end - at)));
    at = end + 1;
  }
  BOOST_REQUIRE(lines.size() == expected_lines);
  size_t n = 0;
  for (const int health : healths) {
    for (int i = 0; i < 120; ++i) {
      if (i % 4 != 3 && i > health) continue;
      const nlohmann::json& j = lines[n++];
      BOOST_TEST_CONTEXT("health " << health << ", rule " << i << ": " << j.dump()) {
        BOOST_TEST(j["key"] == "K\"" + std::to_string(health));
        BOOST_TEST(j["playbook"] == "north \"east\"");
        BOOST_TEST(j["rule"] == fmt::format("r{}", i));
        switch (i % 4) {
          case 0:
            BOOST_TEST(j["action"] == "propose");
            BOOST_TEST(j["kind"] == "upgrade");
            BOOST_TEST(j["offer"] == fmt::format("p{}", i));
            BOOST_TEST(j["discount"] == 0.05);
            BOOST_TEST(j["reason"] == fmt::format("h {}", health));
            BOOST_TEST(j["facts"] == nlohmann::json({{"health", health}}));
            break;
          case 1:
            BOOST_TEST(j["action"] == "notify");
            BOOST_TEST(j["to"] == "sales");
            BOOST_TEST(j["message"] == fmt::format("m{}", i));
            BOOST_TEST(j["facts"] == nlohmann::json({{"health", health}, {"ratio", 0.5}}));
            break;
          case 2:
            BOOST_TEST(j["action"] == "task");
            BOOST_TEST(j["title"] == fmt::format("t{}", i));
            BOOST_TEST(j["owner"] == "csm");
            BOOST_TEST(j["due"] == "2026-03-01");
            break;
          default:
            BOOST_TEST(j["action"] == "tag");
            BOOST_TEST(j["tag"] == fmt::format("g{}", i));
            BOOST_TEST(j["facts"] == nlohmann::json::object());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(value_semantics)

// One definition of equality (data/semantics.hpp) for `==`, the folder and
// the stdlib: a null item of a list equals a null item.
BOOST_AUTO_TEST_CASE(lists_with_null_items_are_equal_everywhere) {
  Eval e;
  BOOST_TEST(e("[1, null] == [1, null]") == "true");
  BOOST_TEST(e("[1, null] != [1, null]") == "false");
  BOOST_TEST(e("[1, null] == [1, 2]") == "false");
  BOOST_TEST(e("contains_all([1, null], [1, null])") == "true");
  BOOST_TEST(e("contains_any([2, null], [null])") == "true");
  BOOST_TEST(e("contains_any([2, 3], [null])") == "false");
  // An operand that is null still makes the comparison null.
  BOOST_TEST(e("null in [1, null]") == "null");
  BOOST_TEST(e("products == [\"a\", null]") == "null");
  // The folder agrees with the VM.
  const std::string out = errors("rule a when [1, null] == [1, null] then tag \"a\"\n"
                                 "rule b when contains_all([1, null], [1, null]) then tag \"b\"\n");
  BOOST_TEST(out.find("the condition of rule 'a' is always true") != std::string::npos, out);
  BOOST_TEST(out.find("the condition of rule 'b' is always true") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
