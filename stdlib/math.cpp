// Numeric builtins: min, max, abs, round, floor, ceil, clamp, pct, coalesce.
//
// Semantics where SPEC §4 is silent:
// - min/max take one or more arguments that are all numeric (int if all are
//   ints, else number), all dates, or all strings/enums (compared bytewise,
//   the result is a string). Any null argument gives null. On a tie the first
//   wins. Mixing kinds is a compile error ("min cannot mix int and date");
//   through arguments of unknown type it gives null and a warning at run time.
// - abs keeps the kind (int or number); abs of the smallest int overflows.
// - round(x) gives an int, half away from zero. round(x, n) gives a number
//   rounded half away from zero at the n-th decimal digit of x's shortest
//   decimal text (the digits a user sees), not of its binary value: so
//   round(2.675, 2) == 2.68 and round(1.005, 2) == 1.01. n may be negative
//   (round(1250, -2) == 1300.0); n beyond ±400 is treated as ±400. The digit
//   count may be an int, or an integral number through an unknown type.
// - round/floor/ceil of a value outside the int64 range, NaN or infinity, and
//   abs of the smallest int give null and a warning; so does round(x, n) when
//   the rounded value is not finite (round(1.7e308, -308)).
// - clamp(x, lo, hi) is numeric (int if all three are ints); lo > hi gives
//   null and a warning.
// - pct(part, whole) is the fraction part/whole as a number, like the
//   literal 25% (pct(1, 4) == 25% == 0.25); it is not multiplied by 100.
//   whole == 0 gives null without a warning: pct is the safe division users
//   reach for. A result that is not finite gives null and a warning.
// - coalesce(a, b, ...) gives the first non-null argument (null if none). Its
//   static type is the common type of the arguments (null ignored; int and
//   number give number; string and enum give string; lists mix by element;
//   an argument of unknown type makes the result unknown).
//   At run time, when the chosen value is an int and another argument is a
//   number, the int is returned as a number, so coalesce(count, 0.5) is
//   always a number.
// - A null argument gives null, except in coalesce.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "stdlib/builtin_support.hpp"
#include "stdlib/stdlib.hpp"

namespace kairos::stdlib {
namespace {

using namespace detail;

constexpr Signature kMin{"min", {}, TypeKind::Any};
constexpr Signature kMax{"max", {}, TypeKind::Any};
constexpr Signature kAbs{"abs", {kNumeric}, TypeKind::Any};
constexpr Signature kRound{"round", {kNumeric, kInt}, TypeKind::Any};
constexpr Signature kFloor{"floor", {kNumeric}, TypeKind::Int};
constexpr Signature kCeil{"ceil", {kNumeric}, TypeKind::Int};
constexpr Signature kClamp{"clamp", {kNumeric, kNumeric, kNumeric}, TypeKind::Any};
constexpr Signature kPct{"pct", {kNumeric, kNumeric}, TypeKind::Number};

/// The kinds min/max can order.
enum class Family { Unknown, Numeric, Date, Text, Invalid };

Family family_of(TypeKind k) {
  switch (k) {
    case TypeKind::Null:
    case TypeKind::Any: return Family::Unknown;
    case TypeKind::Int:
    case TypeKind::Number: return Family::Numeric;
    case TypeKind::Date: return Family::Date;
    case TypeKind::String:
    case TypeKind::Enum: return Family::Text;
    case TypeKind::Bool:
    case TypeKind::List: return Family::Invalid;
  }
  return Family::Invalid;
}

// The result of numeric arguments: number if any is a number; otherwise int,
// or unknown when an unknown argument may still turn out to be a number.
Type numeric_result(bool saw_number, bool saw_any) {
  if (saw_number) return Type::of(TypeKind::Number);
  return Type::of(saw_any ? TypeKind::Any : TypeKind::Int);
}

// min/max: every argument of one family; see the file comment for the result.
template <const Signature& S>
std::optional<Type> extremum_rule(const std::vector<Type>& args, std::string& error, int& bad_arg) {
  Family family = Family::Unknown;
  size_t first = 0;
  bool saw_any = false, saw_number = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const Family f = family_of(args[i].kind);
    if (args[i].kind == TypeKind::Any) saw_any = true;
    if (args[i].kind == TypeKind::Number) saw_number = true;
    if (f == Family::Invalid) return reject(S.name, kNumeric | kDate | kText, args[i], i, error, bad_arg);
    if (f == Family::Unknown) continue;
    if (family == Family::Unknown) {
      family = f;
      first = i;
    } else if (f != family) {
      error = fmt::format("{} cannot mix {} and {}", S.name, type_name(args[first]), type_name(args[i]));
      bad_arg = static_cast<int>(i);
      return std::nullopt;
    }
  }
  switch (family) {
    case Family::Numeric: return numeric_result(saw_number, saw_any);
    case Family::Date: return Type::of(TypeKind::Date);
    case Family::Text: return Type::of(TypeKind::String);
    case Family::Unknown:
    case Family::Invalid: break;
  }
  return Type::of(saw_any ? TypeKind::Any : TypeKind::Null);
}

std::optional<Type> abs_rule(const std::vector<Type>& args, std::string& error, int& bad_arg) {
  if (args.empty()) return Type::of(TypeKind::Any);
  if (!accepts(kNumeric, args[0])) return reject("abs", kNumeric, args[0], 0, error, bad_arg);
  return Type::of(args[0].kind);
}

std::optional<Type> round_rule(const std::vector<Type>& args, std::string& error, int& bad_arg) {
  if (!fixed_rule<kRound>(args, error, bad_arg)) return std::nullopt;
  return Type::of(args.size() >= 2 ? TypeKind::Number : TypeKind::Int);
}

std::optional<Type> clamp_rule(const std::vector<Type>& args, std::string& error, int& bad_arg) {
  if (!fixed_rule<kClamp>(args, error, bad_arg)) return std::nullopt;
  bool saw_any = false, saw_number = false;
  for (const Type& t : args) {
    saw_any |= t.kind == TypeKind::Any;
    saw_number |= t.kind == TypeKind::Number;
  }
  return numeric_result(saw_number, saw_any);
}

// The common type of two known types, or nullopt when they do not mix.
std::optional<Type> common_type(const Type& a, const Type& b) {
  if (a.is_numeric() && b.is_numeric()) {
    return Type::of(a.kind == TypeKind::Int && b.kind == TypeKind::Int ? TypeKind::Int : TypeKind::Number);
  }
  if (a.kind == TypeKind::Enum && b.kind == TypeKind::Enum) {
    if (a.enum_values == b.enum_values ||
        (a.enum_values && b.enum_values && a.enum_values->values == b.enum_values->values)) {
      return a;
    }
    return Type::of(TypeKind::String);
  }
  if (a.is_stringy() && b.is_stringy()) return Type::of(TypeKind::String);
  if (a.kind == TypeKind::List && b.kind == TypeKind::List) {
    const Type ea{a.elem, TypeKind::Any, a.enum_values};
    const Type eb{b.elem, TypeKind::Any, b.enum_values};
    if (ea.kind == TypeKind::Any || eb.kind == TypeKind::Any) return Type::list_of(TypeKind::Any);
    if (ea.kind == TypeKind::Null) return b;
    if (eb.kind == TypeKind::Null) return a;
    const std::optional<Type> e = common_type(ea, eb);
    if (!e || e->kind == TypeKind::List) return std::nullopt;
    return Type{TypeKind::List, e->kind, e->enum_values};
  }
  if (a.kind == b.kind) return a;
  return std::nullopt;
}

std::optional<Type> coalesce_rule(const std::vector<Type>& args, std::string& error, int& bad_arg) {
  std::optional<Type> common;
  bool saw_any = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].kind == TypeKind::Null) continue;
    if (args[i].kind == TypeKind::Any) {
      saw_any = true;
      continue;
    }
    if (!common) {
      common = args[i];
      continue;
    }
    const std::optional<Type> merged = common_type(*common, args[i]);
    if (!merged) {
      error = fmt::format("coalesce cannot mix {} and {}", type_name(*common), type_name(args[i]));
      bad_arg = static_cast<int>(i);
      return std::nullopt;
    }
    common = merged;
  }
  if (saw_any) return Type::of(TypeKind::Any);
  return common ? *common : Type::of(TypeKind::Null);
}

template <bool Max>
Value extremum(const Value* args, uint32_t count, EvalContext& ctx) {
  if (any_null(args, count)) return Value::null();
  const ValueKind kind = args[0].kind;
  uint32_t best = 0;
  if (is_numeric(args[0])) {
    bool all_int = true;
    for (uint32_t i = 0; i < count; ++i) {
      if (!is_numeric(args[i])) return warn(ctx);
      all_int &= args[i].kind == ValueKind::Int;
    }
    for (uint32_t i = 1; i < count; ++i) {
      const bool better = all_int ? (Max ? args[i].i > args[best].i : args[i].i < args[best].i)
                                  : (Max ? args[i].as_number() > args[best].as_number()
                                         : args[i].as_number() < args[best].as_number());
      if (better) best = i;
    }
    return all_int ? args[best] : Value::number(args[best].as_number());
  }
  if (kind != ValueKind::Date && kind != ValueKind::String) return warn(ctx);
  for (uint32_t i = 0; i < count; ++i) {
    if (args[i].kind != kind) return warn(ctx);
  }
  for (uint32_t i = 1; i < count; ++i) {
    // std::string_view compares as unsigned char, i.e. bytewise.
    const bool better = kind == ValueKind::Date ? (Max ? args[i].d > args[best].d : args[i].d < args[best].d)
                                                : (Max ? args[i].str() > args[best].str()
                                                       : args[i].str() < args[best].str());
    if (better) best = i;
  }
  return args[best];
}

Value abs_fn(const Value* args, uint32_t, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.is_null()) return Value::null();
  if (v.kind == ValueKind::Int) {
    if (v.i == INT64_MIN) return warn(ctx);
    return Value::integer(v.i < 0 ? -v.i : v.i);
  }
  if (v.kind == ValueKind::Number) return Value::number(std::fabs(v.n));
  return warn(ctx);
}

// x rounded half away from zero at decimal digit `digits` of its shortest
// round-trip decimal text; nullopt when x or the result is not finite.
//
// Rounding the decimal text rather than x * 10^digits is what makes
// round(2.675, 2) give 2.68: the double nearest 2.675 is 2.67499999..., but
// its shortest text is "2.675", which is what the user wrote and sees.
std::optional<double> round_decimal(double x, int64_t digits) {
  if (!std::isfinite(x)) return std::nullopt;
  if (x == 0) return 0.0;
  digits = std::clamp<int64_t>(digits, -400, 400);
  // Scientific form "d.ddde±xx": mantissa digits D and exponent E, so that
  // |x| = D[0].D[1..] * 10^E.
  char buf[64];
  const std::to_chars_result tc = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific);
  const std::string_view text(buf, static_cast<size_t>(tc.ptr - buf));
  const size_t e_at = text.find('e');
  std::string mantissa(1, text[0]);
  if (e_at > 1) mantissa.append(text.substr(2, e_at - 2));
  int exponent = 0;
  const char* exp_begin = buf + e_at + 1;
  if (*exp_begin == '+') ++exp_begin;
  std::from_chars(exp_begin, tc.ptr, exponent);

  // The digit D[keep] is the first one dropped: its place value is 10^-(digits+1).
  const int64_t keep = exponent + 1 + digits;
  if (keep >= static_cast<int64_t>(mantissa.size())) return x;
  if (keep < 0) return 0.0;  // |x| < 10^-(digits+1): rounds to zero
  const bool up = mantissa[static_cast<size_t>(keep)] >= '5';
  mantissa.resize(static_cast<size_t>(keep));
  if (up) {
    size_t i = mantissa.size();
    while (i > 0 && mantissa[i - 1] == '9') mantissa[--i] = '0';
    if (i == 0) {
      mantissa.insert(mantissa.begin(), '1');
      ++exponent;
    } else {
      ++mantissa[i - 1];
    }
  }
  if (mantissa.empty()) return 0.0;
  std::string rounded = mantissa.substr(0, 1);
  if (mantissa.size() > 1) rounded += "." + mantissa.substr(1);
  rounded += "e" + std::to_string(exponent);
  double result = 0;
  const std::from_chars_result fc = std::from_chars(rounded.data(), rounded.data() + rounded.size(), result);
  if (fc.ec != std::errc() || !std::isfinite(result)) return std::nullopt;
  if (result == 0) return 0.0;
  return x < 0 ? -result : result;
}

Value round_fn(const Value* args, uint32_t count, EvalContext& ctx) {
  if (any_null(args, count)) return Value::null();
  const Value& x = args[0];
  if (!is_numeric(x)) return warn(ctx);
  if (count == 1) {
    if (x.kind == ValueKind::Int) return x;
    const std::optional<int64_t> r = to_int64(std::round(x.n));  // std::round: half away from zero
    return r ? Value::integer(*r) : warn(ctx);
  }
  const std::optional<int64_t> digits = int_arg(args[1]);
  if (!digits) return warn(ctx);
  const std::optional<double> r = round_decimal(x.as_number(), *digits);
  return r ? Value::number(*r) : warn(ctx);
}

template <double (*Op)(double)>
Value to_int_fn(const Value* args, uint32_t, EvalContext& ctx) {
  const Value& x = args[0];
  if (x.is_null()) return Value::null();
  if (x.kind == ValueKind::Int) return x;
  if (x.kind != ValueKind::Number) return warn(ctx);
  const std::optional<int64_t> r = to_int64(Op(x.n));
  return r ? Value::integer(*r) : warn(ctx);
}

double floor_op(double x) { return std::floor(x); }
double ceil_op(double x) { return std::ceil(x); }

Value clamp_fn(const Value* args, uint32_t, EvalContext& ctx) {
  if (any_null(args, 3)) return Value::null();
  if (!is_numeric(args[0]) || !is_numeric(args[1]) || !is_numeric(args[2])) return warn(ctx);
  if (args[0].kind == ValueKind::Int && args[1].kind == ValueKind::Int && args[2].kind == ValueKind::Int) {
    const int64_t x = args[0].i, lo = args[1].i, hi = args[2].i;
    if (lo > hi) return warn(ctx);
    return Value::integer(x < lo ? lo : x > hi ? hi : x);
  }
  const double x = args[0].as_number(), lo = args[1].as_number(), hi = args[2].as_number();
  if (!(lo <= hi)) return warn(ctx);
  return Value::number(x < lo ? lo : x > hi ? hi : x);
}

Value pct_fn(const Value* args, uint32_t, EvalContext& ctx) {
  if (any_null(args, 2)) return Value::null();
  if (!is_numeric(args[0]) || !is_numeric(args[1])) return warn(ctx);
  const double whole = args[1].as_number();
  if (whole == 0) return Value::null();
  const double r = args[0].as_number() / whole;
  return std::isfinite(r) ? Value::number(r) : warn(ctx);
}

Value coalesce_fn(const Value* args, uint32_t count, EvalContext&) {
  for (uint32_t i = 0; i < count; ++i) {
    if (args[i].is_null()) continue;
    if (args[i].kind == ValueKind::Int) {
      for (uint32_t j = 0; j < count; ++j) {
        if (args[j].kind == ValueKind::Number) return Value::number(static_cast<double>(args[i].i));
      }
    }
    return args[i];
  }
  return Value::null();
}

}  // namespace

void register_math(Registry& r) {
  r.add({"min", 1, -1, extremum_rule<kMin>, extremum<false>, true, "min(T, T, ...) -> T"});
  r.add({"max", 1, -1, extremum_rule<kMax>, extremum<true>, true, "max(T, T, ...) -> T"});
  r.add({"abs", 1, 1, abs_rule, abs_fn, true, "abs(int | number) -> int | number"});
  r.add({"round", 1, 2, round_rule, round_fn, true, "round(number[, int]) -> int | number"});
  r.add({"floor", 1, 1, fixed_rule<kFloor>, to_int_fn<floor_op>, true, "floor(number) -> int"});
  r.add({"ceil", 1, 1, fixed_rule<kCeil>, to_int_fn<ceil_op>, true, "ceil(number) -> int"});
  r.add({"clamp", 3, 3, clamp_rule, clamp_fn, true, "clamp(number, number, number) -> int | number"});
  r.add({"pct", 2, 2, fixed_rule<kPct>, pct_fn, true, "pct(number, number) -> number"});
  r.add({"coalesce", 1, -1, coalesce_rule, coalesce_fn, true, "coalesce(T, T, ...) -> T"});
}

}  // namespace kairos::stdlib
