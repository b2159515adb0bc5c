#pragma once
/// Action writers: JSON Lines (SPEC §6) and CSV. They append to a buffer the
/// caller flushes, so a batch of records is written with one system call.

#include <array>
#include <string>

#include "interpreter/vm.hpp"

namespace kairos {

/// The record's key field as text (ints plainly, dates ISO, null empty).
void append_key(std::string& out, const Program& program, const Record& record);

/// One JSON object per action.
class JsonlWriter : public ActionSink {
 public:
  JsonlWriter(std::string& out, bool facts) : out_(out), facts_(facts) {}
  void action(const Program& program, const Record& record, const Emitted& emitted) override;

 private:
  std::string& out_;
  bool facts_;
};

/// The CSV columns key,playbook,rule,action,kind,subject,owner,due,discount,reason.
/// The programs whose actions it writes must outlive it.
class CsvWriter : public ActionSink {
 public:
  explicit CsvWriter(std::string& out) : out_(&out) {}
  /// The header line.
  static const char* header() { return "key,playbook,rule,action,kind,subject,owner,due,discount,reason\n"; }
  /// Writes into `out` from now on (what was learnt of the actions is kept).
  void into(std::string& out) { out_ = &out; }
  void action(const Program& program, const Record& record, const Emitted& emitted) override;

 private:
  /// The columns of an action that do not depend on the record
  /// (",playbook,rule,action,kind,"), made once per action: a cache indexed
  /// by the action's address, an entry replaced when another action maps to it.
  struct Middle {
    const CompiledAction* action = nullptr;
    std::string text;
  };
  const std::string& middle(const Program& program, const Emitted& e);
  /// Appends `v` as a field.
  void field(const Value& v);

  std::string* out_;
  std::string field_;
  std::array<Middle, 64> middles_;
};

/// The verb of an action as written in output ("propose", "task", ...).
const char* action_name(ast::ActionVerb verb);

}  // namespace kairos
