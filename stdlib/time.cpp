// Date builtins: today, days_until, days_since, add_days, year, month.
//
// Semantics where SPEC §4 is silent:
// - today() is the run's as-of date (EvalContext::today); today, days_until and
//   days_since are not foldable, since their result depends on the run.
// - days_until(d) = d - today and days_since(d) = today - d, in whole days
//   (negative for dates on the other side of today).
// - add_days(d, n) accepts a negative n. A result outside 0000-01-01 ..
//   9999-12-31 (the ISO dates a user can write) gives null and a warning.
// - A null argument gives null. An argument of unknown static type that turns
//   out to have the wrong kind at run time gives null and a warning; for the
//   day count an integral number is accepted as an int.

#include <cstdint>

#include "stdlib/builtin_support.hpp"
#include "stdlib/stdlib.hpp"

namespace kairos::stdlib {
namespace {

using namespace detail;

constexpr Signature kToday{"today", {}, TypeKind::Date};
constexpr Signature kDaysUntil{"days_until", {kDate}, TypeKind::Int};
constexpr Signature kDaysSince{"days_since", {kDate}, TypeKind::Int};
constexpr Signature kAddDays{"add_days", {kDate, kInt}, TypeKind::Date};
constexpr Signature kYear{"year", {kDate}, TypeKind::Int};
constexpr Signature kMonth{"month", {kDate}, TypeKind::Int};

Value today(const Value*, uint32_t, EvalContext& ctx) { return Value::date(ctx.today); }

Value days_until(const Value* args, uint32_t, EvalContext& ctx) {
  if (args[0].is_null()) return Value::null();
  if (args[0].kind != ValueKind::Date) return warn(ctx);
  return Value::integer(int64_t{args[0].d} - ctx.today);
}

Value days_since(const Value* args, uint32_t, EvalContext& ctx) {
  if (args[0].is_null()) return Value::null();
  if (args[0].kind != ValueKind::Date) return warn(ctx);
  return Value::integer(int64_t{ctx.today} - args[0].d);
}

// The date n days after d; null and a warning when it leaves years 0..9999.
Value add_days(const Value* args, uint32_t, EvalContext& ctx) {
  if (any_null(args, 2)) return Value::null();
  const std::optional<int64_t> n = int_arg(args[1]);
  if (args[0].kind != ValueKind::Date || !n) return warn(ctx);
  // Compare the distance instead of adding, so a huge n cannot overflow.
  if (*n < int64_t{kFirstDate} - args[0].d || *n > int64_t{kLastDate} - args[0].d) return warn(ctx);
  return Value::date(static_cast<int32_t>(args[0].d + *n));
}

Value year(const Value* args, uint32_t, EvalContext& ctx) {
  if (args[0].is_null()) return Value::null();
  if (args[0].kind != ValueKind::Date) return warn(ctx);
  int64_t y;
  unsigned m, d;
  civil_from_days(args[0].d, y, m, d);
  return Value::integer(y);
}

Value month(const Value* args, uint32_t, EvalContext& ctx) {
  if (args[0].is_null()) return Value::null();
  if (args[0].kind != ValueKind::Date) return warn(ctx);
  int64_t y;
  unsigned m, d;
  civil_from_days(args[0].d, y, m, d);
  return Value::integer(m);
}

}  // namespace

void register_time(Registry& r) {
  r.add({"today", 0, 0, fixed_rule<kToday>, today, false, "today() -> date"});
  r.add({"days_until", 1, 1, fixed_rule<kDaysUntil>, days_until, false, "days_until(date) -> int"});
  r.add({"days_since", 1, 1, fixed_rule<kDaysSince>, days_since, false, "days_since(date) -> int"});
  r.add({"add_days", 2, 2, fixed_rule<kAddDays>, add_days, true, "add_days(date, int) -> date"});
  r.add({"year", 1, 1, fixed_rule<kYear>, year, true, "year(date) -> int"});
  r.add({"month", 1, 1, fixed_rule<kMonth>, month, true, "month(date) -> int"});
}

}  // namespace kairos::stdlib
