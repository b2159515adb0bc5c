#pragma once
/// Action writers: JSON Lines (SPEC §6) and CSV. They append to a buffer the
/// caller flushes, so a batch of records is written with one system call.

#include <array>
#include <string>

#include "interpreter/vm.hpp"

namespace kairos {

/// The record's key field as text (ints plainly, dates ISO, null empty).
void append_key(std::string& out, const Program& program, const Record& record);

/// Text an output writer makes once per action of a program and finds again
/// by the action's address and the program's id: a small direct-mapped
/// cache, whose entry is remade when another action maps to it.
template <class Parts>
class PerAction {
 public:
  /// The entry of `action`; `fresh` says it must be (re)made.
  Parts& get(const Program& program, const CompiledAction* action, bool& fresh) {
    Slot& s = slots_[(reinterpret_cast<uintptr_t>(action) / alignof(CompiledAction)) % slots_.size()];
    fresh = s.program != program.id || s.action != action;
    s.program = program.id;
    s.action = action;
    return s.parts;
  }

 private:
  struct Slot {
    uint64_t program = 0;
    const CompiledAction* action = nullptr;
    Parts parts;
  };
  std::array<Slot, 64> slots_;
};

/// One JSON object per action.
class JsonlWriter : public ActionSink {
 public:
  JsonlWriter(std::string& out, bool facts) : out_(&out), facts_(facts) {}
  /// Writes into `out` from now on (what was made of the actions is kept).
  void into(std::string& out) { out_ = &out; }
  /// Every action from now on carries `"date"`: the run's as-of date (SPEC
  /// §10, so that runs' outputs concatenate into a history).
  void dated(int32_t as_of);
  void action(const Program& program, const Record& record, const Emitted& emitted) override;

 private:
  /// The members of an action's object that do not depend on the record,
  /// and the names of the others, as JSON text.
  struct Parts {
    std::string head;                  ///< ,"playbook":…,"rule":…,"action":…[,"kind":…]
    std::string subject;               ///< ,"offer": (or title, message, tag)
    std::vector<std::string> options;  ///< ,"owner": … per option
    std::vector<std::string> facts;    ///< ,"facts":{"health": then ,"phase": …
  };
  const Parts& parts(const Program& program, const Emitted& e);

  std::string* out_;
  bool facts_;
  std::string date_;  ///< ,"date":"YYYY-MM-DD" once dated()
  std::string key_;
  PerAction<Parts> parts_;
};

/// The CSV columns key,playbook,rule,action,kind,subject,owner,due,discount,
/// reason,date,holdout.
class CsvWriter : public ActionSink {
 public:
  explicit CsvWriter(std::string& out) : out_(&out) {}
  /// The header line.
  static const char* header() {
    return "key,playbook,rule,action,kind,subject,owner,due,discount,reason,date,holdout\n";
  }
  /// Writes into `out` from now on (what was made of the actions is kept).
  void into(std::string& out) { out_ = &out; }
  /// The `date` column holds the run's as-of date from now on (else it is empty).
  void dated(int32_t as_of);
  void action(const Program& program, const Record& record, const Emitted& emitted) override;

 private:
  /// The columns of an action that do not depend on the record:
  /// ",playbook,rule,action,kind,".
  const std::string& middle(const Program& program, const Emitted& e);
  /// Appends `v` as a field.
  void field(const Value& v);

  std::string* out_;
  std::string tail_ = ",,\n";  ///< ,date,holdout and the line end
  std::string field_;
  PerAction<std::string> middles_;
};

/// The verb of an action as written in output ("propose", "task", ...).
const char* action_name(ast::ActionVerb verb);

}  // namespace kairos
