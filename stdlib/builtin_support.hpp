#pragma once
/// Helpers shared by the builtin families (private to stdlib/): declarative
/// type rules for fixed signatures, the argument messages, and the run-time
/// conventions (null in, null out; a wrong run-time kind or an overflow gives
/// null and counts a warning).

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interpreter/builtins.hpp"

namespace kairos::stdlib::detail {

/// The kinds a parameter accepts, as a bit set.
enum Accept : uint8_t {
  kDate = 1,
  kInt = 2,
  kNumeric = 4,  ///< int or number
  kText = 8,     ///< string or enum
  kList = 16,    ///< a list of any element type
};

/// A signature whose parameters each accept a fixed set of kinds and whose
/// result kind does not depend on the arguments.
struct Signature {
  const char* name;
  uint8_t params[3];
  TypeKind result;
};

/// True when a static type may be passed where `accept` is expected. Any and
/// Null are always acceptable: unknown types are checked at run time and null
/// propagates.
inline bool accepts(uint8_t accept, const Type& t) {
  switch (t.kind) {
    case TypeKind::Any:
    case TypeKind::Null: return true;
    case TypeKind::Date: return (accept & kDate) != 0;
    case TypeKind::Int: return (accept & (kInt | kNumeric)) != 0;
    case TypeKind::Number: return (accept & kNumeric) != 0;
    case TypeKind::String:
    case TypeKind::Enum: return (accept & kText) != 0;
    case TypeKind::List: return (accept & kList) != 0;
    case TypeKind::Bool: return false;
  }
  return false;
}

/// "a date", "an int", "a string or a list": the expected kinds as a user reads them.
inline std::string expected_noun(uint8_t accept) {
  std::vector<const char*> parts;
  if (accept & kNumeric) parts.push_back("a number");
  else if (accept & kInt) parts.push_back("an int");
  if (accept & kDate) parts.push_back("a date");
  if (accept & kText) parts.push_back("a string");
  if (accept & kList) parts.push_back("a list");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

/// Sets `error`/`bad_arg` for argument `index` of `fn`, e.g.
/// "days_until expects a date, got int". Always returns nullopt.
inline std::optional<Type> reject(const char* fn, uint8_t accept, const Type& got, size_t index,
                                  std::string& error, int& bad_arg) {
  error = fmt::format("{} expects {}, got {}", fn, expected_noun(accept), type_name(got));
  bad_arg = static_cast<int>(index);
  return std::nullopt;
}

/// The type rule of a fixed signature. Arity is checked by the caller.
template <const Signature& S>
std::optional<Type> fixed_rule(const std::vector<Type>& args, std::string& error, int& bad_arg) {
  for (size_t i = 0; i < args.size() && i < 3; ++i) {
    if (!accepts(S.params[i], args[i])) return reject(S.name, S.params[i], args[i], i, error, bad_arg);
  }
  return Type::of(S.result);
}

/// A run-time problem: counts a warning and gives null.
inline Value warn(EvalContext& ctx) {
  ++ctx.warnings;
  return Value::null();
}

/// True when one of the first `count` arguments is null.
inline bool any_null(const Value* args, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    if (args[i].is_null()) return true;
  }
  return false;
}

/// True for an int or a number.
inline bool is_numeric(const Value& v) { return v.kind == ValueKind::Int || v.kind == ValueKind::Number; }

/// An int argument: an int, or a number with an integral value in range
/// (which can only arrive through an argument of unknown type).
inline std::optional<int64_t> int_arg(const Value& v) {
  if (v.kind == ValueKind::Int) return v.i;
  if (v.kind == ValueKind::Number && std::trunc(v.n) == v.n && v.n >= -9223372036854775808.0 &&
      v.n < 9223372036854775808.0) {
    return static_cast<int64_t>(v.n);
  }
  return std::nullopt;
}

/// A double converted to int64, or nullopt when it is NaN, infinite or out of range.
inline std::optional<int64_t> to_int64(double x) {
  if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0)) return std::nullopt;
  return static_cast<int64_t>(x);
}

}  // namespace kairos::stdlib::detail
