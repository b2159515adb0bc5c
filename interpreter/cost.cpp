#include "interpreter/cost.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace kairos {

namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

uint64_t add(uint64_t a, uint64_t b) { return a > kMax - b ? kMax : a + b; }

/// The builtins whose work grows with the length of a string or list argument.
bool walks_values(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kWalkers = {
      "len", "lower", "upper", "trim", "contains", "starts_with", "ends_with", "contains_any", "contains_all"};
  return std::find(kWalkers.begin(), kWalkers.end(), name) != kWalkers.end();
}

[[noreturn]] void broken(const Program& p, uint32_t pc, const std::string& what) {
  throw std::logic_error(fmt::format("cost pass: {} at instruction {} of '{}'", what, pc, p.path));
}

/// One segment: its longest path and the lets it may load.
struct Segment {
  uint64_t steps = 0;
  std::vector<uint32_t> lets;
};

class Estimator {
 public:
  Estimator(const Program& p, const Registry& r) : p_(p), r_(r) {}

  /// The segment starting at `entry`: checks its shape and finds the longest
  /// path. Jumps only go forward, so every successor of an instruction has a
  /// higher index: one backward sweep sees each successor before the
  /// instruction itself, and the longest path is finite.
  Segment segment(uint32_t entry) {
    const std::vector<Instr>& code = p_.chunk.code;
    if (entry >= code.size()) broken(p_, entry, "a segment entry past the end of the code");
    // A segment ends at its Return (a condition's at ReturnFalse; ReturnTrue
    // leaves early).
    uint32_t ret = entry;
    while (ret < code.size() && code[ret].op != Op::Return && code[ret].op != Op::ReturnFalse) ++ret;
    if (ret == code.size()) broken(p_, entry, "a segment without Return");
    Segment s;
    std::vector<uint64_t> longest(ret - entry + 1, 0);
    for (uint32_t pc = ret + 1; pc-- > entry;) {
      const Instr& in = code[pc];
      const uint64_t own = weight(in, pc);
      uint64_t next = 0;
      if (op_is_test(in.op)) {
        // A test takes the Jump after it or skips it: both are later.
        if (pc + 2 > ret || code[pc + 1].op != Op::Jump) broken(p_, pc, "a test not followed by a Jump");
        next = std::max(longest[pc + 1 - entry], longest[pc + 2 - entry]);
      } else if (!op_returns(in.op)) {
        if (op_operand(in.op) == Operand::Jump) {
          // The proof: a jump lands strictly after itself, inside its segment.
          if (in.a <= pc) broken(p_, pc, fmt::format("a backward jump to {}", in.a));
          if (in.a > ret) broken(p_, pc, fmt::format("a jump to {}, out of its segment (which ends at {})", in.a, ret));
          next = longest[in.a - entry];
        }
        if (in.op != Op::Jump) next = std::max(next, longest[pc + 1 - entry]);
      }
      longest[pc - entry] = add(own, next);
      if (in.op == Op::Let) s.lets.push_back(in.a);
    }
    s.steps = longest[0];
    return s;
  }

  /// The steps of one instruction; checks its operand.
  uint64_t weight(const Instr& in, uint32_t pc) const {
    switch (in.op) {
      case Op::Const:
      case Op::EqConst:
      case Op::NeConst:
      case Op::LtConst:
      case Op::LeConst:
      case Op::GtConst:
      case Op::GeConst:
      case Op::EqConstTest:
      case Op::NeConstTest:
      case Op::LtConstTest:
      case Op::LeConstTest:
      case Op::GtConstTest:
      case Op::GeConstTest:
        if (in.a >= p_.chunk.constants.size()) broken(p_, pc, "a constant out of range");
        return 1;
      case Op::Let:
        if (in.a >= p_.lets.size()) broken(p_, pc, "a let out of range");
        return 1;
      case Op::Local:
      case Op::SetLocal:
        if (in.a >= p_.locals) broken(p_, pc, "a local out of range");
        return 1;
      case Op::Call:
        if (in.a >= r_.size()) broken(p_, pc, "a builtin out of range");
        return call_steps(r_.get(in.a), in.b);
      case Op::MakeList:
      case Op::Interpolate:
        return 1 + uint64_t{in.b};
      case Op::In:
      case Op::FieldInConst:
      case Op::FieldNotInConst:
      case Op::ConstInField:
      case Op::ConstNotInField:
      case Op::FieldInConstTest:
      case Op::FieldNotInConstTest:
      case Op::ConstInFieldTest:
      case Op::ConstNotInFieldTest:
      case Op::FieldInStrsTest:
      case Op::FieldNotInStrsTest:
      case Op::StrInFieldTest:
      case Op::StrNotInFieldTest:
        if (op_operand(in.op) == Operand::Field && in.b >= p_.chunk.constants.size()) {
          broken(p_, pc, "a constant out of range");
        }
        return kWalkFactor;
      case Op::FieldEqStrTest:
      case Op::FieldNeStrTest:
      case Op::FieldLtIntTest:
      case Op::FieldLeIntTest:
      case Op::FieldGtIntTest:
      case Op::FieldGeIntTest:
        if (in.b >= p_.chunk.constants.size()) broken(p_, pc, "a constant out of range");
        return 1;
      case Op::InRangeConst:
      case Op::InRangeConstTest:
        if (in.a >= p_.chunk.constants.size() || in.b >= p_.chunk.constants.size()) {
          broken(p_, pc, "a constant out of range");
        }
        return 1;
      default:
        return 1;
    }
  }

  /// Every let `let` needs, itself included; proves lets do not depend on
  /// themselves (the VM evaluates a let by running its segment, so a cycle
  /// would never end).
  const std::vector<uint32_t>& closure(uint32_t let) {
    if (state_.empty()) {
      state_.assign(p_.lets.size(), State::Todo);
      closures_.resize(p_.lets.size());
      own_.resize(p_.lets.size());
    }
    if (state_[let] == State::Done) return closures_[let];
    if (state_[let] == State::Busy) {
      broken(p_, p_.lets[let].entry, fmt::format("let '{}' depends on itself", p_.lets[let].name));
    }
    state_[let] = State::Busy;
    const Segment s = segment(p_.lets[let].entry);
    own_[let] = s.steps;
    std::vector<uint32_t> all{let};
    for (uint32_t dep : s.lets) {
      for (uint32_t l : closure(dep)) all.push_back(l);
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    closures_[let] = std::move(all);
    state_[let] = State::Done;
    return closures_[let];
  }

  /// The steps of the segments at `entries`, plus each let they need once.
  uint64_t with_lets(const std::vector<uint32_t>& entries) {
    uint64_t steps = 0;
    std::vector<uint32_t> lets;
    for (uint32_t entry : entries) {
      const Segment s = segment(entry);
      steps = add(steps, s.steps);
      for (uint32_t l : s.lets) {
        const std::vector<uint32_t>& c = closure(l);
        lets.insert(lets.end(), c.begin(), c.end());
      }
    }
    std::sort(lets.begin(), lets.end());
    lets.erase(std::unique(lets.begin(), lets.end()), lets.end());
    for (uint32_t l : lets) steps = add(steps, own_[l]);
    return steps;
  }

  uint64_t own(uint32_t let) {
    closure(let);
    return own_[let];
  }

 private:
  enum class State : uint8_t { Todo, Busy, Done };
  const Program& p_;
  const Registry& r_;
  std::vector<State> state_;
  std::vector<std::vector<uint32_t>> closures_;
  std::vector<uint64_t> own_;
};

}  // namespace

uint64_t call_steps(const Builtin& builtin, uint32_t argc) {
  const uint64_t steps = 1 + uint64_t{argc};
  return walks_values(builtin.name) ? steps * kWalkFactor : steps;
}

ProgramCost estimate_cost(const Program& program, const Registry& registry) {
  Estimator e(program, registry);
  ProgramCost cost;
  for (uint32_t l = 0; l < program.lets.size(); ++l) {
    cost.lets.push_back(e.own(l));
    cost.per_record = add(cost.per_record, cost.lets.back());
  }
  for (const CompiledRule& rule : program.rules) {
    RuleCost rc;
    rc.name = rule.name;
    std::vector<uint32_t> actions;
    for (const CompiledAction& a : rule.actions) {
      if (a.verb == ast::ActionVerb::Notify) actions.push_back(a.to);
      actions.push_back(a.subject);
      for (const CompiledAction::Opt& o : a.options) actions.push_back(o.entry);
    }
    rc.condition = e.with_lets({rule.condition});
    rc.actions = e.with_lets(actions);
    std::vector<uint32_t> all = actions;
    all.push_back(rule.condition);
    rc.steps = e.with_lets(all);
    // Per record each let runs at most once, so count the rule's own code here
    // and the lets once above.
    uint64_t own = 0;
    for (uint32_t entry : all) own = add(own, e.segment(entry).steps);
    cost.per_record = add(cost.per_record, own);
    cost.rules.push_back(std::move(rc));
  }
  return cost;
}

}  // namespace kairos
