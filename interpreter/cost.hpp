#pragma once
/// The cost pass: proves that evaluating a compiled playbook terminates and
/// bounds how much work one record can take, the way CEL's checker estimates
/// the cost of an expression.
///
/// The language has no loops: the compiler emits each expression as a
/// segment whose jumps only go forward, def calls are inlined (recursion is a
/// compile error) and a let is evaluated at most once per record. The pass
/// checks exactly that on the bytecode — every jump lands strictly after
/// itself and inside its segment, every segment ends in Return, lets do not
/// depend on themselves — so the longest path through a segment is finite and
/// can be computed backwards in one sweep. A program that breaks the shape is
/// a compiler bug: the pass throws std::logic_error.
///
/// A step is one instruction. Instructions that walk a value weigh more:
/// a builtin call counts 1 + its arguments, times kWalkFactor for the
/// builtins that walk a string or list; MakeList and Interpolate count 1 + the
/// values they take; `in` counts kWalkFactor. Steps count instructions, not
/// bytes: a long string costs the same steps as a short one.

#include <cstdint>
#include <string>
#include <vector>

#include "interpreter/builtins.hpp"
#include "interpreter/program.hpp"

namespace kairos {

/// How many times more a builtin (or `in`) that walks a string or list weighs.
inline constexpr uint64_t kWalkFactor = 10;

/// The bound of one rule.
struct RuleCost {
  std::string name;
  uint64_t condition = 0;  ///< the condition, with each let it needs once
  uint64_t actions = 0;    ///< every action expression, with each let they need once
  uint64_t steps = 0;      ///< the whole rule: condition and actions, each let once
};

/// The bounds of a program.
struct ProgramCost {
  std::vector<RuleCost> rules;     ///< in evaluation order
  std::vector<uint64_t> lets;      ///< each let's own segment (the lets it loads count 1)
  uint64_t per_record = 0;         ///< every rule, and every let once
};

/// The steps one call of `builtin` with `argc` arguments counts.
uint64_t call_steps(const Builtin& builtin, uint32_t argc);

/// Proves every segment of `program` terminates and bounds the steps of each
/// rule. Throws std::logic_error when the bytecode has a backward jump, a
/// jump out of its segment, a segment without Return, an operand out of
/// range or a let that depends on itself.
ProgramCost estimate_cost(const Program& program, const Registry& registry);

}  // namespace kairos
