#pragma once
/// The virtual machine: runs a Program's bytecode against one record at a
/// time. One Vm per thread; the Program is shared and read-only.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "interpreter/builtins.hpp"
#include "interpreter/program.hpp"
#include "interpreter/record.hpp"

namespace kairos {

/// One emitted action, with its evaluated expressions.
struct Emitted {
  const CompiledRule* rule = nullptr;
  const CompiledAction* action = nullptr;
  Value to;                                  ///< notify recipient
  Value subject;                             ///< offer / title / message / tag
  std::array<Value, 8> options{};            ///< parallel to action->options
};

/// Receives the actions of a record in emission order.
class ActionSink {
 public:
  virtual ~ActionSink() = default;
  virtual void action(const Program& program, const Record& record, const Emitted& emitted) = 0;
};

/// Why a rule did not run its condition.
enum class Skipped { No, Group, Stop };

/// Receives the outcome of every rule (for explain).
class RuleTrace {
 public:
  virtual ~RuleTrace() = default;
  virtual void rule(size_t index, bool fired, Skipped skipped) = 0;
};

class Vm {
 public:
  /// A VM for `program`; the program must outlive it.
  explicit Vm(const Program& program, const Registry& registry);

  /// Sets the as-of date that today() returns.
  void set_today(int32_t days) { ctx_.today = days; }
  /// Starts a new record: forgets lets and the scratch memory of the last one.
  void begin(const Record* record);
  /// Evaluates the expression segment at `entry` for the current record.
  Value eval(uint32_t entry);
  /// Makes room for `stack` more values and `locals` local slots (for code
  /// that is not part of the program yet, as when the compiler folds).
  void reserve(size_t stack, size_t locals);
  /// Runs code from `pc` in an arbitrary instruction array (constant folding).
  Value execute(const Instr* code, uint32_t pc);
  /// Runs every rule of the program for `record`, emitting actions to `sink`.
  void run(const Record& record, ActionSink& sink, RuleTrace* trace = nullptr);

  /// Runtime warnings (overflow, division by zero, clamped discounts) per rule.
  const std::vector<uint64_t>& warnings() const { return warnings_; }
  /// Actions emitted per rule (in evaluation order).
  const std::vector<uint64_t>& actions() const { return actions_; }
  /// Propose actions dropped by max_proposals.
  uint64_t dropped_proposals() const { return dropped_; }
  EvalContext& context() { return ctx_; }

 private:
  Value clamp_discount(Value v);
  Value arithmetic(Op op, const Value& a, const Value& b);
  /// `a * b`, with numbers inline.
  Value multiply(const Value& a, const Value& b);
  /// Evaluates and emits the actions of a rule that fired.
  void emit_actions(const CompiledRule& rule, size_t index, const Record& record, ActionSink& sink,
                    int64_t& proposals);

  const Program& program_;
  const Registry& registry_;
  const Record* record_ = nullptr;
  EvalContext ctx_;
  Arena arena_;
  std::vector<Value> stack_;
  std::vector<Value> locals_;
  std::vector<Value> let_values_;
  std::vector<uint64_t> let_epoch_;
  std::vector<uint64_t> group_epoch_;
  uint64_t epoch_ = 0;
  size_t sp_ = 0;
  std::vector<uint64_t> warnings_;
  std::vector<uint64_t> actions_;
  uint64_t dropped_ = 0;
  Emitted emitted_;      ///< reused for every action
  std::string scratch_;  ///< reused by Interpolate, so it allocates only while warming up
};

}  // namespace kairos
