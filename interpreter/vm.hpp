#pragma once
/// The virtual machine: runs a Program's bytecode against one record at a
/// time. One Vm per thread; the Program is shared and read-only.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "interpreter/builtins.hpp"
#include "interpreter/program.hpp"
#include "data/record.hpp"

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

/// Every rule condition of a program linked into one stream of code, in
/// evaluation order, for Vm::run: a rule's tests fall through to `Fire i`
/// when it fires and jump to the next rule's code otherwise, so a record is
/// one run of the VM instead of one per rule. A rule of a group starts with
/// GroupTest; a condition without a test form runs its value form through
/// EvalTest; a condition that is constantly true is a bare Fire, one that
/// is never true has no code. A short let is copied in where a rule uses it,
/// between LetCached and LetStore. The stream ends in ReturnFalse.
struct LinkedRules {
  std::vector<Instr> code;
  std::vector<grammar::Span> spans;    ///< parallel to code
  std::vector<uint32_t> rule_begin;    ///< per rule (evaluation order): where its code starts
};

/// Links the rule conditions of `program` (each compiled on its own, see
/// CompiledRule::condition) into one stream.
LinkedRules link_rules(const Program& program);

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
  /// Evaluates and emits the actions of a rule that fired (`constant`: its
  /// entry of constant_actions_, or null).
  void emit_actions(const CompiledRule& rule, size_t index, const Record& record, ActionSink& sink,
                    int64_t& proposals, const std::vector<Emitted>* constant = nullptr);
  /// Links the rules and sizes everything for run() (once).
  void prepare();
  /// Emits the actions of rule `index` of the linked stream, which fired,
  /// when they are not all constants (Fire hands those over itself).
  void emit_computed(uint32_t index);
  /// run() with a trace: one rule at a time, through each condition's own code.
  void run_traced(const Record& record, ActionSink& sink, RuleTrace& trace);
  /// Counts new warnings for the rule whose linked code holds instruction
  /// `pc - 1` of `code` (elsewhere, the instruction that ran that code counts them).
  void note_warnings(const Instr* code, uint32_t pc);

  const Program& program_;
  const Registry& registry_;
  /// Points fields_ at the record's values, or at a copy padded with nulls
  /// to every field of the schema when the record has fewer (as records
  /// built by hand may), so that execute() reads fields without a bounds check.
  void set_record(const Record* record);
  /// set_record() for a record with fewer values than the schema has fields.
  void pad_record(const Record* record);

  const Record* record_ = nullptr;
  const Value* fields_ = nullptr;  ///< see set_record
  std::vector<Value> padded_;
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
  /// prepare(): per rule, per action, the Emitted of an action whose parts
  /// are all constants (most are: `tag "advocate"`), so firing only hands it
  /// over; null rule in it for the others.
  std::vector<std::vector<Emitted>> constant_actions_;
  /// prepare(): what the Fire instruction needs of each rule, copied into
  /// one small record (group and stop are the rule's own) so that firing
  /// reads one cache line.
  struct Firing {
    /// Its constant_actions_ when they are all its actions, and none counts
    /// against max_proposals: the Fire instruction hands them over itself.
    const Emitted* actions = nullptr;
    uint32_t count = 0;  ///< of actions
    int32_t group = -1;
    bool stop = false;
  };
  std::vector<Firing> firing_;
  size_t field_slots_ = 0;            ///< the schema's fields (begin)
  LinkedRules linked_;   ///< see prepare()
  bool prepared_ = false;
  ActionSink* sink_ = nullptr;  ///< run(): where the actions of the record go
  int64_t proposals_ = 0;       ///< run(): propose actions emitted for the record
  uint64_t warnings_seen_ = 0;  ///< run(): ctx_.warnings already counted for a rule
  Emitted emitted_;      ///< reused for every action
  std::string scratch_;  ///< reused by Interpolate, so it allocates only while warming up
};

}  // namespace kairos
