// The cost pass (interpreter/cost.hpp): exact bounds on hand-made bytecode,
// the shape checks that make it a termination proof, and the relations the
// bounds of compiled playbooks must keep (the longer branch of an `if`, lets
// counted once, string builtins weighted) whatever the optimizer emits.

#include "interpreter/cost.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <stdexcept>

#include "harness.hpp"

using namespace kairos;
using namespace kairos::testing;

namespace {

std::shared_ptr<Schema> schema() {
  return make_schema({{"id", Type::of(TypeKind::String)},
                      {"health", Type::of(TypeKind::Int)},
                      {"name", Type::of(TypeKind::String)}});
}

/// The cost of a playbook that must compile.
ProgramCost cost_of(const std::string& text) {
  auto c = compile_text(text, schema());
  BOOST_REQUIRE_MESSAGE(c->program, c->diagnostics());
  return estimate_cost(*c->program, stdlib::builtins());
}

/// The bound of the only rule of `when CONDITION then tag "t"`.
uint64_t condition_cost(const std::string& condition) {
  const ProgramCost c = cost_of("when " + condition + " then tag \"t\"\n");
  BOOST_REQUIRE_EQUAL(c.rules.size(), 1u);
  return c.rules[0].condition;
}

/// A program with one rule whose condition starts at 0, over `code`.
Program hand_made(std::vector<Instr> code) {
  Program p;
  p.path = "hand.play";
  p.chunk.code = std::move(code);
  p.chunk.spans.resize(p.chunk.code.size());
  p.chunk.add_constant(Value::boolean(true));
  CompiledRule r;
  r.name = "r";
  r.condition = 0;
  p.rules.push_back(r);
  return p;
}

Instr in(Op op, uint32_t a = 0, uint16_t b = 0) { return Instr{op, 0, b, a}; }

bool message_has(const std::logic_error& e, const char* part) {
  return std::string(e.what()).find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cost)

BOOST_AUTO_TEST_CASE(straight_code_costs_one_step_per_instruction) {
  const Program p = hand_made({in(Op::Const), in(Op::Not), in(Op::Return)});
  const ProgramCost c = estimate_cost(p, stdlib::builtins());
  BOOST_TEST(c.rules.at(0).condition == 3u);
  BOOST_TEST(c.rules.at(0).steps == 3u);
  BOOST_TEST(c.per_record == 3u);
}

BOOST_AUTO_TEST_CASE(a_branch_costs_its_longest_path) {
  // Const; JumpIfFalseKeep 5; Const; Not; And; Return: the path through the
  // right operand is the longer one (6 steps), the short cut takes 3.
  const Program p = hand_made({in(Op::Const), in(Op::JumpIfFalseKeep, 5), in(Op::Const), in(Op::Not), in(Op::And),
                               in(Op::Return)});
  BOOST_TEST(estimate_cost(p, stdlib::builtins()).rules.at(0).condition == 6u);
  // if/else: Const; JumpUnlessTrue 5; Const; Not; Jump 6; Const; Return.
  const Program q = hand_made({in(Op::Const), in(Op::JumpUnlessTrue, 5), in(Op::Const), in(Op::Not), in(Op::Jump, 6),
                               in(Op::Const), in(Op::Return)});
  BOOST_TEST(estimate_cost(q, stdlib::builtins()).rules.at(0).condition == 6u);
}

BOOST_AUTO_TEST_CASE(calls_lists_and_in_are_weighted) {
  const Registry& r = stdlib::builtins();
  const uint32_t lower = *r.find("lower");
  const uint32_t abs = *r.find("abs");
  BOOST_TEST(call_steps(r.get(lower), 1) == 2 * kWalkFactor);
  BOOST_TEST(call_steps(r.get(abs), 1) == 2u);
  const Program p = hand_made({in(Op::Const), in(Op::Call, lower, 1), in(Op::Const), in(Op::Const), in(Op::MakeList, 0, 2),
                               in(Op::In), in(Op::Return)});
  // 1 + 2*10 + 1 + 1 + (1+2) + 10 + 1
  BOOST_TEST(estimate_cost(p, r).rules.at(0).condition == 1 + 2 * kWalkFactor + 1 + 1 + 3 + kWalkFactor + 1);
}

BOOST_AUTO_TEST_CASE(a_backward_jump_is_refused) {
  const Program p = hand_made({in(Op::Const), in(Op::Jump, 0), in(Op::Return)});
  BOOST_CHECK_EXCEPTION(estimate_cost(p, stdlib::builtins()), std::logic_error,
                        [](const std::logic_error& e) { return message_has(e, "a backward jump to 0 at instruction 1"); });
  const Program self = hand_made({in(Op::Const), in(Op::JumpIfTrueKeep, 1), in(Op::Return)});
  BOOST_CHECK_THROW(estimate_cost(self, stdlib::builtins()), std::logic_error);
}

BOOST_AUTO_TEST_CASE(a_jump_out_of_its_segment_is_refused) {
  const Program p = hand_made({in(Op::Const), in(Op::Jump, 3), in(Op::Return), in(Op::Const), in(Op::Return)});
  BOOST_CHECK_EXCEPTION(estimate_cost(p, stdlib::builtins()), std::logic_error,
                        [](const std::logic_error& e) { return message_has(e, "out of its segment"); });
}

BOOST_AUTO_TEST_CASE(a_segment_without_return_is_refused) {
  const Program p = hand_made({in(Op::Const), in(Op::Not)});
  BOOST_CHECK_EXCEPTION(estimate_cost(p, stdlib::builtins()), std::logic_error,
                        [](const std::logic_error& e) { return message_has(e, "without Return"); });
}

BOOST_AUTO_TEST_CASE(operands_out_of_range_are_refused) {
  BOOST_CHECK_THROW(estimate_cost(hand_made({in(Op::Const, 7), in(Op::Return)}), stdlib::builtins()), std::logic_error);
  BOOST_CHECK_THROW(estimate_cost(hand_made({in(Op::Let, 0), in(Op::Return)}), stdlib::builtins()), std::logic_error);
  BOOST_CHECK_THROW(estimate_cost(hand_made({in(Op::Call, 100000), in(Op::Return)}), stdlib::builtins()),
                    std::logic_error);
}

BOOST_AUTO_TEST_CASE(a_let_that_needs_itself_is_refused) {
  // let 0 loads let 1, which loads let 0: the VM would never finish.
  Program p = hand_made({in(Op::Let, 0), in(Op::Return), in(Op::Let, 1), in(Op::Return), in(Op::Let, 0), in(Op::Return)});
  p.lets = {{"a", 2}, {"b", 4}};
  BOOST_CHECK_EXCEPTION(estimate_cost(p, stdlib::builtins()), std::logic_error,
                        [](const std::logic_error& e) { return message_has(e, "depends on itself"); });
}

BOOST_AUTO_TEST_CASE(lets_count_once_per_rule_and_record) {
  // let x: Const; Not; Return (3 steps). The condition loads it twice.
  Program p = hand_made({in(Op::Let, 0), in(Op::Let, 0), in(Op::And), in(Op::Return), in(Op::Const), in(Op::Not),
                         in(Op::Return)});
  p.lets = {{"x", 4}};
  const ProgramCost c = estimate_cost(p, stdlib::builtins());
  BOOST_TEST(c.lets.at(0) == 3u);
  BOOST_TEST(c.rules.at(0).condition == 4u + 3u);
  // A second rule needing the same let: each rule's bound has it, the
  // record's bound has it once.
  p.rules.push_back(p.rules[0]);
  const ProgramCost two = estimate_cost(p, stdlib::builtins());
  BOOST_TEST(two.rules.at(1).steps == 7u);
  BOOST_TEST(two.per_record == 3u + 4u + 4u);
}

BOOST_AUTO_TEST_CASE(compiled_if_costs_the_longer_branch) {
  const std::string long_branch = "health * 2 + health * 3 - abs(health)";
  const uint64_t a = condition_cost("(if health > 1 then " + long_branch + " else 0) > 5");
  const uint64_t b = condition_cost("(if health > 1 then 0 else " + long_branch + ") > 5");
  const uint64_t both = condition_cost("(if health > 1 then " + long_branch + " else " + long_branch + ") > 5");
  // The same up to the Jump over the else branch; never both branches added.
  BOOST_TEST((a > b ? a - b : b - a) <= 1u);
  BOOST_TEST(both <= std::max(a, b) + 1);
}

BOOST_AUTO_TEST_CASE(compiled_lets_are_counted_once) {
  const std::string body = "health * 2 + health * 3 - abs(health) + health % 7";
  const ProgramCost once = cost_of("let x = " + body + "\nwhen x > 1 then tag \"t\"\n");
  const ProgramCost twice = cost_of("let x = " + body + "\nwhen x > 1 and x < 100 then tag \"t\"\n");
  const ProgramCost inline_twice = cost_of("when " + body + " > 1 and " + body + " < 100 then tag \"t\"\n");
  BOOST_REQUIRE_EQUAL(once.lets.size(), 1u);
  // The second use adds only a load and a comparison, not the let's body again.
  BOOST_TEST(twice.rules[0].condition - once.rules[0].condition < once.lets[0]);
  BOOST_TEST(inline_twice.rules[0].condition > twice.rules[0].condition);
}

BOOST_AUTO_TEST_CASE(actions_count_in_the_rule_bound) {
  const ProgramCost c = cost_of("rule r when health > 1 then tag \"t\" task upper(name) reason \"{name} {health}\"\n");
  BOOST_TEST(c.rules[0].name == "r");
  BOOST_TEST(c.rules[0].actions > 2 * kWalkFactor);
  BOOST_TEST(c.rules[0].steps == c.rules[0].condition + c.rules[0].actions);
}

BOOST_AUTO_TEST_CASE(string_builtins_weigh_more) {
  BOOST_TEST(condition_cost("lower(name) == \"x\"") - condition_cost("abs(health) == 1") == 2 * kWalkFactor - 2);
}

BOOST_AUTO_TEST_SUITE_END()
