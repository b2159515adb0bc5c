#pragma once
/// The builtin function registry. A builtin is declared once — name, arity,
/// type rule, implementation — and both the checker and the VM use that one
/// declaration (the id the checker resolves is the id the VM calls).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/types.hpp"
#include "data/value.hpp"

namespace kairos {

/// What a builtin may use while it runs.
struct EvalContext {
  Arena* arena = nullptr;  ///< memory for strings and lists made during this record
  int32_t today = 0;       ///< the run's as-of date (days since 1970-01-01)
  uint64_t warnings = 0;   ///< incremented on a runtime problem (overflow, division by zero)
};

/// Checks argument types and gives the result type. On a problem returns
/// nullopt, sets `error` (lowercase message) and `bad_arg` (the argument to
/// point at, or -1 for the call as a whole).
using TypeRule = std::optional<Type> (*)(const std::vector<Type>& args, std::string& error, int& bad_arg);

/// Computes the result. Arguments may be null; most builtins give null then.
using BuiltinFn = Value (*)(const Value* args, uint32_t count, EvalContext& ctx);

struct Builtin {
  std::string name;
  int min_args = 0;
  int max_args = 0;         ///< -1: any number
  TypeRule check = nullptr;
  BuiltinFn fn = nullptr;
  bool foldable = true;     ///< false when the result depends on the run (today())
  std::string signature;    ///< for messages and docs, e.g. "days_until(date) -> int"
};

/// The set of builtins a compilation can call.
class Registry {
 public:
  /// Adds a builtin; its id is its position.
  uint32_t add(Builtin b);
  /// The id of a builtin, or nullopt.
  std::optional<uint32_t> find(std::string_view name) const;
  const Builtin& get(uint32_t id) const { return builtins_.at(id); }
  /// Every builtin name (for "did you mean").
  std::vector<std::string> names() const;
  size_t size() const { return builtins_.size(); }

 private:
  std::vector<Builtin> builtins_;
};

}  // namespace kairos
