#pragma once
/// Action writers: JSON Lines (SPEC §6) and CSV. They append to a buffer the
/// caller flushes, so a batch of records is written with one system call.

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
class CsvWriter : public ActionSink {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {}
  /// The header line.
  static const char* header() { return "key,playbook,rule,action,kind,subject,owner,due,discount,reason\n"; }
  void action(const Program& program, const Record& record, const Emitted& emitted) override;

 private:
  std::string& out_;
  std::string field_;
};

/// The verb of an action as written in output ("propose", "task", ...).
const char* action_name(ast::ActionVerb verb);

}  // namespace kairos
