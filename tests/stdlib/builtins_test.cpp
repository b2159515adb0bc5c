// Tests of every builtin through the registry: run-time results (normal
// values, nulls, edge cases, warnings) and type rules (results and rejections).

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/stdlib.hpp"

namespace kairos {
namespace {

using stdlib::builtins;

// A value as "kind value" text, so one comparison checks the kind and the
// value and a failure prints both.
std::string show(const Value& v) {
  switch (v.kind) {
    case ValueKind::Null: return "null";
    case ValueKind::Bool: return v.b ? "bool true" : "bool false";
    case ValueKind::Int: return fmt::format("int {}", v.i);
    case ValueKind::Number: return fmt::format("number {}", v.n);
    case ValueKind::Date: {
      char buf[16];
      return "date " + std::string(buf, format_iso_date(v.d, buf));
    }
    case ValueKind::String: return fmt::format("string \"{}\"", v.str());
    case ValueKind::List: {
      std::string out = "list [";
      for (uint32_t i = 0; i < v.size; ++i) out += (i ? ", " : "") + show(v.l[i]);
      return out + "]";
    }
  }
  return "?";
}

Value I(int64_t v) { return Value::integer(v); }
Value N(double v) { return Value::number(v); }
Value S(std::string_view v) { return Value::string(v); }
Value B(bool v) { return Value::boolean(v); }
Value D(int y, unsigned m, unsigned d) { return Value::date(days_from_civil(y, m, d)); }
const Value kNull = Value::null();

Type T(TypeKind k) { return Type::of(k); }
const Type tInt = T(TypeKind::Int), tNum = T(TypeKind::Number), tDate = T(TypeKind::Date),
           tStr = T(TypeKind::String), tEnum = T(TypeKind::Enum), tBool = T(TypeKind::Bool),
           tNull = T(TypeKind::Null), tAny = T(TypeKind::Any);
Type tList(TypeKind e) { return Type::list_of(e); }

constexpr int64_t kIntMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int64_t>::max();

struct Fixture {
  Arena arena;
  EvalContext ctx;
  std::deque<std::vector<Value>> lists;  // storage for list values

  Fixture() {
    ctx.arena = &arena;
    ctx.today = days_from_civil(2026, 1, 15);
  }

  Value L(std::vector<Value> items) {
    lists.push_back(std::move(items));
    return Value::list(lists.back().data(), static_cast<uint32_t>(lists.back().size()));
  }

  const Builtin& get(std::string_view name) {
    const std::optional<uint32_t> id = builtins().find(name);
    BOOST_REQUIRE_MESSAGE(id.has_value(), "no builtin " << name);
    return builtins().get(*id);
  }

  /// Calls `name` as the VM would; the arity must be one the registry allows.
  Value call(std::string_view name, std::vector<Value> args) {
    const Builtin& b = get(name);
    const int n = static_cast<int>(args.size());
    BOOST_REQUIRE(n >= b.min_args);
    BOOST_REQUIRE(b.max_args < 0 || n <= b.max_args);
    return b.fn(args.data(), static_cast<uint32_t>(args.size()), ctx);
  }

  /// show() of the result, and checks how many warnings the call counted.
  std::string run(std::string_view name, std::vector<Value> args, uint64_t warnings = 0) {
    const uint64_t before = ctx.warnings;
    const Value v = call(name, std::move(args));
    BOOST_TEST(ctx.warnings - before == warnings, name << ": warnings");
    return show(v);
  }

  /// The result type's name, or "error: MESSAGE @ BAD_ARG".
  std::string check(std::string_view name, std::vector<Type> args) {
    const Builtin& b = get(name);
    std::string error;
    int bad_arg = -2;
    const std::optional<Type> t = b.check(args, error, bad_arg);
    if (!t) return fmt::format("error: {} @ {}", error, bad_arg);
    return type_name(*t);
  }
};

const std::vector<std::string> kAllNames = {
    "today", "days_until", "days_since", "add_days", "year", "month", "len", "lower",
    "upper", "trim", "contains", "starts_with", "ends_with", "contains_any", "contains_all",
    "min", "max", "abs", "round", "floor", "ceil", "clamp", "pct", "coalesce"};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(registry, Fixture)

BOOST_AUTO_TEST_CASE(holds_every_builtin_once) {
  BOOST_TEST(builtins().size() == kAllNames.size());
  for (const std::string& name : kAllNames) {
    const std::optional<uint32_t> id = builtins().find(name);
    BOOST_TEST_REQUIRE(id.has_value(), name);
    const Builtin& b = builtins().get(*id);
    BOOST_TEST(b.name == name);
    BOOST_TEST(b.check != nullptr, name);
    BOOST_TEST(b.fn != nullptr, name);
    BOOST_TEST(b.signature.starts_with(name + "("), name);
  }
  BOOST_TEST(!builtins().find("sqrt").has_value());
  BOOST_TEST(builtins().names().size() == kAllNames.size());
}

BOOST_AUTO_TEST_CASE(only_run_dependent_builtins_are_not_foldable) {
  for (const std::string& name : kAllNames) {
    const bool depends_on_today = name == "today" || name == "days_until" || name == "days_since";
    BOOST_TEST(get(name).foldable == !depends_on_today, name);
  }
}

BOOST_AUTO_TEST_CASE(arities) {
  auto arity = [&](const char* name) { return fmt::format("{}..{}", get(name).min_args, get(name).max_args); };
  BOOST_TEST(arity("today") == "0..0");
  BOOST_TEST(arity("days_until") == "1..1");
  BOOST_TEST(arity("add_days") == "2..2");
  BOOST_TEST(arity("len") == "1..1");
  BOOST_TEST(arity("contains_all") == "2..2");
  BOOST_TEST(arity("min") == "1..-1");
  BOOST_TEST(arity("max") == "1..-1");
  BOOST_TEST(arity("round") == "1..2");
  BOOST_TEST(arity("clamp") == "3..3");
  BOOST_TEST(arity("pct") == "2..2");
  BOOST_TEST(arity("coalesce") == "1..-1");
}

BOOST_AUTO_TEST_CASE(signatures) {
  BOOST_TEST(get("days_until").signature == "days_until(date) -> int");
  BOOST_TEST(get("add_days").signature == "add_days(date, int) -> date");
  BOOST_TEST(get("len").signature == "len(string | list) -> int");
  BOOST_TEST(get("round").signature == "round(number[, int]) -> int | number");
}

// Unknown and null argument types are accepted by every type rule.
BOOST_AUTO_TEST_CASE(any_and_null_types_are_always_accepted) {
  for (const std::string& name : kAllNames) {
    const Builtin& b = get(name);
    for (int n = b.min_args; n <= (b.max_args < 0 ? 3 : b.max_args); ++n) {
      BOOST_TEST(!check(name, std::vector<Type>(static_cast<size_t>(n), tAny)).starts_with("error"), name);
      BOOST_TEST(!check(name, std::vector<Type>(static_cast<size_t>(n), tNull)).starts_with("error"), name);
    }
  }
}

// Null in gives null out, without a warning (coalesce and today aside).
BOOST_AUTO_TEST_CASE(null_arguments_give_null) {
  for (const std::string& name : kAllNames) {
    if (name == "today" || name == "coalesce") continue;
    const Builtin& b = get(name);
    for (int n = b.min_args; n <= (b.max_args < 0 ? 3 : b.max_args); ++n) {
      BOOST_TEST(run(name, std::vector<Value>(static_cast<size_t>(n), kNull)) == "null", name);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(time_builtins, Fixture)

BOOST_AUTO_TEST_CASE(today_is_the_run_date) {
  BOOST_TEST(run("today", {}) == "date 2026-01-15");
  ctx.today = days_from_civil(2024, 2, 29);
  BOOST_TEST(run("today", {}) == "date 2024-02-29");
}

BOOST_AUTO_TEST_CASE(days_until_and_since) {
  BOOST_TEST(run("days_until", {D(2026, 1, 15)}) == "int 0");
  BOOST_TEST(run("days_until", {D(2026, 4, 15)}) == "int 90");
  BOOST_TEST(run("days_until", {D(2026, 2, 1)}) == "int 17");
  BOOST_TEST(run("days_until", {D(2025, 12, 31)}) == "int -15");
  BOOST_TEST(run("days_until", {D(2027, 1, 15)}) == "int 365");
  // 2028 is a leap year: Jan 15 -> Mar 1 is 31 + 15 days.
  BOOST_TEST(run("days_until", {D(2028, 3, 1)}) == "int 776");
  BOOST_TEST(run("days_since", {D(2026, 1, 15)}) == "int 0");
  BOOST_TEST(run("days_since", {D(2025, 1, 15)}) == "int 365");
  BOOST_TEST(run("days_since", {D(2024, 1, 15)}) == "int 731");  // crosses 2024-02-29
  BOOST_TEST(run("days_since", {D(2026, 2, 14)}) == "int -30");
  BOOST_TEST(run("days_until", {kNull}) == "null");
  BOOST_TEST(run("days_since", {kNull}) == "null");
}

BOOST_AUTO_TEST_CASE(add_days_across_months_years_and_leap_days) {
  BOOST_TEST(run("add_days", {D(2026, 1, 15), I(0)}) == "date 2026-01-15");
  BOOST_TEST(run("add_days", {D(2026, 1, 31), I(1)}) == "date 2026-02-01");
  BOOST_TEST(run("add_days", {D(2025, 12, 31), I(1)}) == "date 2026-01-01");
  BOOST_TEST(run("add_days", {D(2026, 1, 1), I(-1)}) == "date 2025-12-31");
  BOOST_TEST(run("add_days", {D(2024, 2, 28), I(1)}) == "date 2024-02-29");
  BOOST_TEST(run("add_days", {D(2023, 2, 28), I(1)}) == "date 2023-03-01");
  BOOST_TEST(run("add_days", {D(2000, 2, 28), I(1)}) == "date 2000-02-29");
  BOOST_TEST(run("add_days", {D(1900, 2, 28), I(1)}) == "date 1900-03-01");
  BOOST_TEST(run("add_days", {D(2026, 3, 1), I(-1)}) == "date 2026-02-28");
  BOOST_TEST(run("add_days", {D(2026, 1, 15), I(-60)}) == "date 2025-11-16");
  BOOST_TEST(run("add_days", {D(2024, 1, 1), I(366)}) == "date 2025-01-01");
  BOOST_TEST(run("add_days", {D(1969, 12, 31), I(1)}) == "date 1970-01-01");
  // An integral number (through an unknown type) counts as an int.
  BOOST_TEST(run("add_days", {D(2026, 1, 15), N(3.0)}) == "date 2026-01-18");
}

BOOST_AUTO_TEST_CASE(add_days_out_of_range_is_null_with_warning) {
  BOOST_TEST(run("add_days", {D(9999, 12, 31), I(0)}) == "date 9999-12-31");
  BOOST_TEST(run("add_days", {D(9999, 12, 31), I(1)}, 1) == "null");
  BOOST_TEST(run("add_days", {D(0, 1, 1), I(0)}) == "date 0000-01-01");
  BOOST_TEST(run("add_days", {D(0, 1, 1), I(-1)}, 1) == "null");
  BOOST_TEST(run("add_days", {D(2026, 1, 15), I(kIntMax)}, 1) == "null");
  BOOST_TEST(run("add_days", {D(2026, 1, 15), I(kIntMin)}, 1) == "null");
  BOOST_TEST(run("add_days", {D(2026, 1, 15), N(2.5)}, 1) == "null");
  BOOST_TEST(run("add_days", {D(2026, 1, 15), kNull}) == "null");
  BOOST_TEST(run("add_days", {kNull, I(1)}) == "null");
}

BOOST_AUTO_TEST_CASE(year_and_month) {
  BOOST_TEST(run("year", {D(2024, 2, 29)}) == "int 2024");
  BOOST_TEST(run("month", {D(2024, 2, 29)}) == "int 2");
  BOOST_TEST(run("year", {D(1969, 12, 31)}) == "int 1969");
  BOOST_TEST(run("month", {D(1969, 12, 31)}) == "int 12");
  BOOST_TEST(run("year", {D(2026, 1, 1)}) == "int 2026");
  BOOST_TEST(run("month", {D(2026, 1, 1)}) == "int 1");
  BOOST_TEST(run("year", {kNull}) == "null");
  BOOST_TEST(run("month", {kNull}) == "null");
}

// Only reachable through arguments of unknown static type.
BOOST_AUTO_TEST_CASE(wrong_runtime_kinds_give_null_with_warning) {
  BOOST_TEST(run("days_until", {I(3)}, 1) == "null");
  BOOST_TEST(run("days_since", {S("2026-01-01")}, 1) == "null");
  BOOST_TEST(run("add_days", {I(3), I(1)}, 1) == "null");
  BOOST_TEST(run("add_days", {D(2026, 1, 1), S("1")}, 1) == "null");
  BOOST_TEST(run("year", {N(2026)}, 1) == "null");
  BOOST_TEST(run("month", {B(true)}, 1) == "null");
}

BOOST_AUTO_TEST_CASE(type_rules) {
  BOOST_TEST(check("today", {}) == "date");
  BOOST_TEST(check("days_until", {tDate}) == "int");
  BOOST_TEST(check("days_since", {tAny}) == "int");
  BOOST_TEST(check("add_days", {tDate, tInt}) == "date");
  BOOST_TEST(check("year", {tDate}) == "int");
  BOOST_TEST(check("month", {tNull}) == "int");
  BOOST_TEST(check("days_until", {tInt}) == "error: days_until expects a date, got int @ 0");
  BOOST_TEST(check("days_since", {tList(TypeKind::Date)}) ==
             "error: days_since expects a date, got list<date> @ 0");
  BOOST_TEST(check("add_days", {tStr, tInt}) == "error: add_days expects a date, got string @ 0");
  BOOST_TEST(check("add_days", {tDate, tNum}) == "error: add_days expects an int, got number @ 1");
  BOOST_TEST(check("add_days", {tDate, tDate}) == "error: add_days expects an int, got date @ 1");
  BOOST_TEST(check("year", {tStr}) == "error: year expects a date, got string @ 0");
  BOOST_TEST(check("month", {tBool}) == "error: month expects a date, got bool @ 0");
  BOOST_TEST(check("month", {tEnum}) == "error: month expects a date, got enum @ 0");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(string_builtins, Fixture)

BOOST_AUTO_TEST_CASE(len_counts_code_points) {
  BOOST_TEST(run("len", {S("株式会社")}) == "int 4");
  BOOST_TEST(run("len", {S("")}) == "int 0");
  BOOST_TEST(run("len", {S("abc")}) == "int 3");
  BOOST_TEST(run("len", {S("café")}) == "int 4");
  BOOST_TEST(run("len", {S("😀!")}) == "int 2");
  BOOST_TEST(run("len", {L({S("crm"), S("ma"), S("bi")})}) == "int 3");
  BOOST_TEST(run("len", {L({})}) == "int 0");
  BOOST_TEST(run("len", {kNull}) == "null");
  BOOST_TEST(run("len", {I(3)}, 1) == "null");
}

BOOST_AUTO_TEST_CASE(lower_and_upper_change_ascii_only) {
  BOOST_TEST(run("lower", {S("Analytics+RBAC")}) == "string \"analytics+rbac\"");
  BOOST_TEST(run("upper", {S("Analytics+rbac")}) == "string \"ANALYTICS+RBAC\"");
  BOOST_TEST(run("lower", {S("ÉCOLE Zürich")}) == "string \"École zürich\"");
  BOOST_TEST(run("upper", {S("straße é")}) == "string \"STRAßE é\"");
  BOOST_TEST(run("upper", {S("株式会社abc")}) == "string \"株式会社ABC\"");
  BOOST_TEST(run("lower", {S("")}) == "string \"\"");
  BOOST_TEST(run("lower", {S("@[`{")}) == "string \"@[`{\"");  // neighbours of the letter ranges
  BOOST_TEST(run("upper", {S("@[`{")}) == "string \"@[`{\"");
  BOOST_TEST(run("lower", {kNull}) == "null");
  BOOST_TEST(run("upper", {I(1)}, 1) == "null");
}

BOOST_AUTO_TEST_CASE(lower_without_change_reuses_the_argument) {
  const std::string text = "already lower";
  const Value v = call("lower", {S(text)});
  BOOST_TEST(static_cast<const void*>(v.s) == static_cast<const void*>(text.data()));
  // A changed string lives in the arena, not in the argument.
  const std::string mixed = "Mixed";
  const Value w = call("lower", {S(mixed)});
  BOOST_TEST(static_cast<const void*>(w.s) != static_cast<const void*>(mixed.data()));
  BOOST_TEST(mixed == "Mixed");
}

BOOST_AUTO_TEST_CASE(trim_removes_ascii_whitespace) {
  BOOST_TEST(run("trim", {S("  \t hi there\r\n ")}) == "string \"hi there\"");
  BOOST_TEST(run("trim", {S("\v\fx\f\v")}) == "string \"x\"");
  BOOST_TEST(run("trim", {S("   ")}) == "string \"\"");
  BOOST_TEST(run("trim", {S("")}) == "string \"\"");
  BOOST_TEST(run("trim", {S("\u3000x\u3000")}) == "string \"\u3000x\u3000\"");
  BOOST_TEST(run("trim", {kNull}) == "null");
  BOOST_TEST(run("trim", {L({})}, 1) == "null");
}

BOOST_AUTO_TEST_CASE(substring_predicates) {
  BOOST_TEST(run("contains", {S("analytics+rbac"), S("rbac")}) == "bool true");
  BOOST_TEST(run("contains", {S("analytics+rbac"), S("RBAC")}) == "bool false");
  BOOST_TEST(run("contains", {S("abc"), S("")}) == "bool true");
  BOOST_TEST(run("contains", {S("abc"), S("abcd")}) == "bool false");
  BOOST_TEST(run("contains", {S("株式会社"), S("会")}) == "bool true");
  BOOST_TEST(run("starts_with", {S("enterprise"), S("enter")}) == "bool true");
  BOOST_TEST(run("starts_with", {S("enterprise"), S("prise")}) == "bool false");
  BOOST_TEST(run("starts_with", {S("ab"), S("abc")}) == "bool false");
  BOOST_TEST(run("starts_with", {S(""), S("")}) == "bool true");
  BOOST_TEST(run("ends_with", {S("enterprise"), S("prise")}) == "bool true");
  BOOST_TEST(run("ends_with", {S("enterprise"), S("enter")}) == "bool false");
  BOOST_TEST(run("ends_with", {S("x"), S("")}) == "bool true");
  BOOST_TEST(run("contains", {kNull, S("a")}) == "null");
  BOOST_TEST(run("starts_with", {S("a"), kNull}) == "null");
  BOOST_TEST(run("ends_with", {kNull, kNull}) == "null");
  BOOST_TEST(run("contains", {L({S("a")}), S("a")}, 1) == "null");
  BOOST_TEST(run("ends_with", {S("a1"), I(1)}, 1) == "null");
}

BOOST_AUTO_TEST_CASE(type_rules) {
  BOOST_TEST(check("len", {tStr}) == "int");
  BOOST_TEST(check("len", {tEnum}) == "int");
  BOOST_TEST(check("len", {tList(TypeKind::Int)}) == "int");
  BOOST_TEST(check("lower", {tEnum}) == "string");
  BOOST_TEST(check("upper", {tStr}) == "string");
  BOOST_TEST(check("trim", {tAny}) == "string");
  BOOST_TEST(check("contains", {tStr, tEnum}) == "bool");
  BOOST_TEST(check("starts_with", {tEnum, tStr}) == "bool");
  BOOST_TEST(check("ends_with", {tStr, tNull}) == "bool");
  BOOST_TEST(check("len", {tInt}) == "error: len expects a string or a list, got int @ 0");
  BOOST_TEST(check("len", {tDate}) == "error: len expects a string or a list, got date @ 0");
  BOOST_TEST(check("lower", {tInt}) == "error: lower expects a string, got int @ 0");
  BOOST_TEST(check("upper", {tList(TypeKind::String)}) == "error: upper expects a string, got list<string> @ 0");
  BOOST_TEST(check("trim", {tBool}) == "error: trim expects a string, got bool @ 0");
  BOOST_TEST(check("contains", {tList(TypeKind::String), tStr}) ==
             "error: contains expects a string, got list<string> @ 0");
  BOOST_TEST(check("contains", {tStr, tInt}) == "error: contains expects a string, got int @ 1");
  BOOST_TEST(check("starts_with", {tNum, tStr}) == "error: starts_with expects a string, got number @ 0");
  BOOST_TEST(check("ends_with", {tStr, tDate}) == "error: ends_with expects a string, got date @ 1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(collection_builtins, Fixture)

BOOST_AUTO_TEST_CASE(contains_any_and_all) {
  const Value products = L({S("crm"), S("ma"), S("bi")});
  BOOST_TEST(run("contains_any", {products, L({S("x"), S("ma")})}) == "bool true");
  BOOST_TEST(run("contains_any", {products, L({S("x"), S("y")})}) == "bool false");
  BOOST_TEST(run("contains_any", {products, L({})}) == "bool false");
  BOOST_TEST(run("contains_any", {L({}), L({S("crm")})}) == "bool false");
  BOOST_TEST(run("contains_all", {products, L({S("ma"), S("crm")})}) == "bool true");
  BOOST_TEST(run("contains_all", {products, L({S("ma"), S("x")})}) == "bool false");
  BOOST_TEST(run("contains_all", {products, L({S("ma"), S("ma")})}) == "bool true");
  BOOST_TEST(run("contains_all", {products, L({})}) == "bool true");
  BOOST_TEST(run("contains_all", {L({}), L({S("crm")})}) == "bool false");
  BOOST_TEST(run("contains_all", {products, L({S("CRM")})}) == "bool false");
}

BOOST_AUTO_TEST_CASE(element_equality) {
  // ints and numbers compare by value
  BOOST_TEST(run("contains_any", {L({I(1), I(2)}), L({N(2.0)})}) == "bool true");
  BOOST_TEST(run("contains_all", {L({N(1.5), I(2)}), L({I(2), N(1.5)})}) == "bool true");
  BOOST_TEST(run("contains_any", {L({I(1)}), L({N(1.5)})}) == "bool false");
  // dates by day; different kinds never equal
  BOOST_TEST(run("contains_any", {L({D(2026, 1, 15)}), L({D(2026, 1, 15)})}) == "bool true");
  BOOST_TEST(run("contains_any", {L({D(2026, 1, 15)}), L({S("2026-01-15")})}) == "bool false");
  BOOST_TEST(run("contains_any", {L({I(1)}), L({S("1"), B(true)})}) == "bool false");
  BOOST_TEST(run("contains_any", {L({B(true)}), L({B(true)})}) == "bool true");
  // nested lists element by element
  BOOST_TEST(run("contains_any", {L({L({I(1), I(2)})}), L({L({I(1), I(2)})})}) == "bool true");
  BOOST_TEST(run("contains_any", {L({L({I(1), I(2)})}), L({L({I(1)})})}) == "bool false");
  // a null element equals nothing
  // A null item is an item like any other (data/semantics.hpp).
  BOOST_TEST(run("contains_any", {L({kNull, S("a")}), L({kNull})}) == "bool true");
  BOOST_TEST(run("contains_any", {L({S("b"), S("a")}), L({kNull})}) == "bool false");
  BOOST_TEST(run("contains_all", {L({kNull, S("a")}), L({S("a"), kNull})}) == "bool true");
  BOOST_TEST(run("contains_all", {L({S("b"), S("a")}), L({S("a"), kNull})}) == "bool false");
}

BOOST_AUTO_TEST_CASE(element_equality_of_long_lists) {
  // Past a few dozen comparisons the first list is hashed: the same equality.
  std::vector<Value> pad;
  for (int i = 0; i < 100; ++i) pad.push_back(S("pad"));
  auto padded = [&](std::vector<Value> items) {
    items.insert(items.end(), pad.begin(), pad.end());
    return L(items);
  };
  BOOST_TEST(run("contains_any", {padded({I(1), I(2)}), L({N(2.0)})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({N(2.0)}), L({I(2)})}) == "bool true");
  BOOST_TEST(run("contains_all", {padded({N(1.5), I(2)}), L({I(2), N(1.5)})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({I(1)}), L({N(1.5)})}) == "bool false");
  // Two ints are equal only when they are the same int, though both may be
  // the same double; an int and a number compare as doubles.
  const int64_t big = int64_t{1} << 53;
  BOOST_TEST(run("contains_any", {padded({I(big)}), L({I(big + 1)})}) == "bool false");
  BOOST_TEST(run("contains_any", {padded({N(static_cast<double>(big))}), L({I(big + 1)})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({I(big + 1)}), L({N(static_cast<double>(big))})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({N(0.0)}), L({N(-0.0)})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({D(2026, 1, 15)}), L({D(2026, 1, 15)})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({D(2026, 1, 15)}), L({S("2026-01-15")})}) == "bool false");
  BOOST_TEST(run("contains_any", {padded({I(1)}), L({S("1"), B(true)})}) == "bool false");
  BOOST_TEST(run("contains_any", {padded({B(true)}), L({B(true)})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({B(true)}), L({B(false)})}) == "bool false");
  BOOST_TEST(run("contains_any", {padded({L({I(1), I(2)})}), L({L({I(1), I(2)})})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({L({I(1), I(2)})}), L({L({I(1)})})}) == "bool false");
  // A null item is an item like any other (data/semantics.hpp).
  BOOST_TEST(run("contains_any", {padded({kNull, S("a")}), L({kNull})}) == "bool true");
  BOOST_TEST(run("contains_any", {padded({S("b"), S("a")}), L({kNull})}) == "bool false");
  BOOST_TEST(run("contains_all", {padded({kNull, S("a")}), L({S("a"), kNull})}) == "bool true");
  BOOST_TEST(run("contains_all", {padded({S("b"), S("a")}), L({S("a"), kNull})}) == "bool false");
  BOOST_TEST(run("contains_all", {padded({S("a"), S("b")}), L({S("b"), S("a"), S("pad")})}) == "bool true");
  BOOST_TEST(run("contains_all", {padded({}), L({S("pad"), S("x")})}) == "bool false");
}

BOOST_AUTO_TEST_CASE(nulls_and_wrong_kinds) {
  BOOST_TEST(run("contains_any", {kNull, L({S("a")})}) == "null");
  BOOST_TEST(run("contains_any", {L({S("a")}), kNull}) == "null");
  BOOST_TEST(run("contains_all", {kNull, L({})}) == "null");
  BOOST_TEST(run("contains_all", {L({}), kNull}) == "null");
  BOOST_TEST(run("contains_any", {S("a"), L({S("a")})}, 1) == "null");
  BOOST_TEST(run("contains_all", {L({S("a")}), S("a")}, 1) == "null");
}

BOOST_AUTO_TEST_CASE(type_rules) {
  BOOST_TEST(check("contains_any", {tList(TypeKind::String), tList(TypeKind::Enum)}) == "bool");
  BOOST_TEST(check("contains_all", {tList(TypeKind::Int), tList(TypeKind::Any)}) == "bool");
  BOOST_TEST(check("contains_all", {tNull, tAny}) == "bool");
  BOOST_TEST(check("contains_any", {tStr, tList(TypeKind::String)}) ==
             "error: contains_any expects a list, got string @ 0");
  BOOST_TEST(check("contains_any", {tList(TypeKind::String), tEnum}) ==
             "error: contains_any expects a list, got enum @ 1");
  BOOST_TEST(check("contains_all", {tList(TypeKind::String), tInt}) ==
             "error: contains_all expects a list, got int @ 1");
  BOOST_TEST(check("contains_all", {tDate, tList(TypeKind::Date)}) ==
             "error: contains_all expects a list, got date @ 0");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(math_builtins, Fixture)

BOOST_AUTO_TEST_CASE(min_max_numeric) {
  BOOST_TEST(run("min", {I(3), I(1), I(2)}) == "int 1");
  BOOST_TEST(run("max", {I(3), I(1), I(2)}) == "int 3");
  BOOST_TEST(run("min", {I(5)}) == "int 5");
  BOOST_TEST(run("max", {N(0.5)}) == "number 0.5");
  BOOST_TEST(run("min", {I(3), N(1.5)}) == "number 1.5");
  BOOST_TEST(run("max", {I(3), N(1.5)}) == "number 3");  // not all ints: a number
  BOOST_TEST(run("max", {I(-2), I(-7)}) == "int -2");
  BOOST_TEST(run("min", {I(kIntMin), I(kIntMax)}) == fmt::format("int {}", kIntMin));
  BOOST_TEST(run("max", {I(kIntMin), I(kIntMax)}) == fmt::format("int {}", kIntMax));
}

BOOST_AUTO_TEST_CASE(min_max_dates_and_strings) {
  BOOST_TEST(run("min", {D(2026, 3, 1), D(2025, 12, 31), D(2026, 1, 1)}) == "date 2025-12-31");
  BOOST_TEST(run("max", {D(2026, 3, 1), D(2025, 12, 31), D(2026, 1, 1)}) == "date 2026-03-01");
  BOOST_TEST(run("max", {S("b"), S("a"), S("B")}) == "string \"b\"");
  BOOST_TEST(run("min", {S("b"), S("a"), S("B")}) == "string \"B\"");
  BOOST_TEST(run("min", {S("ab"), S("a")}) == "string \"a\"");
  BOOST_TEST(run("min", {S("é"), S("z")}) == "string \"z\"");  // bytewise: 0xC3 > 'z'
}

BOOST_AUTO_TEST_CASE(min_max_nulls_and_mixes) {
  BOOST_TEST(run("min", {I(1), kNull}) == "null");
  BOOST_TEST(run("max", {kNull, I(1), I(2)}) == "null");
  BOOST_TEST(run("min", {I(1), D(2026, 1, 1)}, 1) == "null");
  BOOST_TEST(run("max", {D(2026, 1, 1), S("x")}, 1) == "null");
  BOOST_TEST(run("max", {S("x"), N(1)}, 1) == "null");
  BOOST_TEST(run("min", {B(true), B(false)}, 1) == "null");
  BOOST_TEST(run("max", {L({})}, 1) == "null");
}

BOOST_AUTO_TEST_CASE(min_max_type_rules) {
  BOOST_TEST(check("min", {tInt, tInt}) == "int");
  BOOST_TEST(check("max", {tInt, tNum, tInt}) == "number");
  BOOST_TEST(check("max", {tInt, tAny}) == "any");
  BOOST_TEST(check("max", {tNum, tAny}) == "number");
  BOOST_TEST(check("min", {tNull, tInt}) == "int");
  BOOST_TEST(check("min", {tNull}) == "null");
  BOOST_TEST(check("min", {tAny, tNull}) == "any");
  BOOST_TEST(check("min", {tDate, tAny, tDate}) == "date");
  BOOST_TEST(check("max", {tEnum, tStr}) == "string");
  BOOST_TEST(check("min", {tInt, tDate}) == "error: min cannot mix int and date @ 1");
  BOOST_TEST(check("max", {tNull, tStr, tAny, tNum}) == "error: max cannot mix string and number @ 3");
  BOOST_TEST(check("max", {tDate, tDate, tEnum}) == "error: max cannot mix date and enum @ 2");
  BOOST_TEST(check("min", {tBool}) == "error: min expects a number, a date or a string, got bool @ 0");
  BOOST_TEST(check("max", {tStr, tList(TypeKind::String)}) ==
             "error: max expects a number, a date or a string, got list<string> @ 1");
}

BOOST_AUTO_TEST_CASE(abs_values) {
  BOOST_TEST(run("abs", {I(-5)}) == "int 5");
  BOOST_TEST(run("abs", {I(5)}) == "int 5");
  BOOST_TEST(run("abs", {I(0)}) == "int 0");
  BOOST_TEST(run("abs", {N(-2.5)}) == "number 2.5");
  BOOST_TEST(run("abs", {I(kIntMin + 1)}) == fmt::format("int {}", kIntMax));
  BOOST_TEST(run("abs", {I(kIntMin)}, 1) == "null");
  BOOST_TEST(run("abs", {kNull}) == "null");
  BOOST_TEST(run("abs", {S("-1")}, 1) == "null");
  BOOST_TEST(check("abs", {tInt}) == "int");
  BOOST_TEST(check("abs", {tNum}) == "number");
  BOOST_TEST(check("abs", {tAny}) == "any");
  BOOST_TEST(check("abs", {tStr}) == "error: abs expects a number, got string @ 0");
  BOOST_TEST(check("abs", {tDate}) == "error: abs expects a number, got date @ 0");
}

BOOST_AUTO_TEST_CASE(round_to_int_half_away_from_zero) {
  BOOST_TEST(run("round", {N(2.5)}) == "int 3");
  BOOST_TEST(run("round", {N(-2.5)}) == "int -3");
  BOOST_TEST(run("round", {N(0.5)}) == "int 1");
  BOOST_TEST(run("round", {N(-0.5)}) == "int -1");
  BOOST_TEST(run("round", {N(1.5)}) == "int 2");
  BOOST_TEST(run("round", {N(2.4999)}) == "int 2");
  BOOST_TEST(run("round", {N(-2.4999)}) == "int -2");
  BOOST_TEST(run("round", {N(-0.4)}) == "int 0");
  BOOST_TEST(run("round", {N(0.49999999999999994)}) == "int 0");
  BOOST_TEST(run("round", {I(7)}) == "int 7");
  BOOST_TEST(run("round", {I(kIntMin)}) == fmt::format("int {}", kIntMin));
  BOOST_TEST(run("round", {N(9.2e18)}) == "int 9200000000000000000");
  BOOST_TEST(run("round", {N(-9223372036854775808.0)}) == fmt::format("int {}", kIntMin));
}

BOOST_AUTO_TEST_CASE(round_floor_ceil_overflow_is_null_with_warning) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(run("round", {N(9223372036854775808.0)}, 1) == "null");
  BOOST_TEST(run("round", {N(1e19)}, 1) == "null");
  BOOST_TEST(run("round", {N(-9.3e18)}, 1) == "null");
  BOOST_TEST(run("round", {N(inf)}, 1) == "null");
  BOOST_TEST(run("round", {N(nan)}, 1) == "null");
  BOOST_TEST(run("floor", {N(1e300)}, 1) == "null");
  BOOST_TEST(run("floor", {N(-inf)}, 1) == "null");
  BOOST_TEST(run("ceil", {N(nan)}, 1) == "null");
  BOOST_TEST(run("ceil", {N(-1e19)}, 1) == "null");
  BOOST_TEST(run("round", {N(nan), I(2)}, 1) == "null");
  BOOST_TEST(run("round", {N(inf), I(2)}, 1) == "null");
  BOOST_TEST(run("round", {N(1.7976931348623157e308), I(-308)}, 1) == "null");
  BOOST_TEST(ctx.warnings == 12u);
}

BOOST_AUTO_TEST_CASE(round_to_digits) {
  BOOST_TEST(run("round", {N(2.345), I(1)}) == "number 2.3");
  BOOST_TEST(run("round", {N(2.25), I(1)}) == "number 2.3");
  BOOST_TEST(run("round", {N(-2.25), I(1)}) == "number -2.3");
  BOOST_TEST(run("round", {N(2.35), I(1)}) == "number 2.4");
  BOOST_TEST(run("round", {N(2.675), I(2)}) == "number 2.68");
  BOOST_TEST(run("round", {N(-2.675), I(2)}) == "number -2.68");
  BOOST_TEST(run("round", {N(1.005), I(2)}) == "number 1.01");
  BOOST_TEST(run("round", {N(1.0049), I(2)}) == "number 1");
  BOOST_TEST(run("round", {N(0.005), I(2)}) == "number 0.01");
  BOOST_TEST(run("round", {N(0.0049), I(2)}) == "number 0");
  BOOST_TEST(run("round", {N(0.0001), I(2)}) == "number 0");
  BOOST_TEST(run("round", {N(9.995), I(2)}) == "number 10");
  BOOST_TEST(run("round", {N(99.96), I(1)}) == "number 100");
  BOOST_TEST(run("round", {N(0.95), I(0)}) == "number 1");
  BOOST_TEST(run("round", {N(2.5), I(0)}) == "number 3");
  BOOST_TEST(run("round", {N(3.14159), I(2)}) == "number 3.14");
  BOOST_TEST(run("round", {N(3.14159), I(10)}) == "number 3.14159");
  BOOST_TEST(run("round", {N(0.1), I(400000)}) == "number 0.1");
  BOOST_TEST(run("round", {N(1e300), I(2)}) == "number 1e+300");
  BOOST_TEST(run("round", {N(1e-320), I(2)}) == "number 0");
  BOOST_TEST(run("round", {N(0.0), I(2)}) == "number 0");
  BOOST_TEST(run("round", {I(7), I(2)}) == "number 7");
  // negative digits round to tens, hundreds, ...
  BOOST_TEST(run("round", {I(1250), I(-2)}) == "number 1300");
  BOOST_TEST(run("round", {I(1249), I(-2)}) == "number 1200");
  BOOST_TEST(run("round", {N(-1250.0), I(-2)}) == "number -1300");
  BOOST_TEST(run("round", {I(49), I(-2)}) == "number 0");
  BOOST_TEST(run("round", {I(50), I(-2)}) == "number 100");
  BOOST_TEST(run("round", {I(123), I(-400000)}) == "number 0");
  // an integral number is accepted as the digit count
  BOOST_TEST(run("round", {N(2.345), N(1.0)}) == "number 2.3");
  BOOST_TEST(run("round", {N(2.345), N(1.5)}, 1) == "null");
  BOOST_TEST(run("round", {kNull, I(1)}) == "null");
  BOOST_TEST(run("round", {N(1.5), kNull}) == "null");
  BOOST_TEST(run("round", {S("1.5")}, 1) == "null");
  BOOST_TEST(run("round", {S("1.5"), I(1)}, 1) == "null");
}

// Every decimal with three places, rounded to two, matches integer rounding
// of its digits: the double's binary error never shows.
BOOST_AUTO_TEST_CASE(round_to_digits_matches_decimal_rounding) {
  const Builtin& round = get("round");
  int mismatches = 0;
  for (int64_t k = -30000; k <= 30000; ++k) {
    const int64_t tens = (k >= 0 ? k + 5 : k - 5) / 10;  // half away from zero
    const Value args[] = {N(static_cast<double>(k) / 1000), I(2)};
    const Value v = round.fn(args, 2, ctx);
    if (v.kind != ValueKind::Number || v.n != static_cast<double>(tens) / 100) {
      if (++mismatches <= 5) BOOST_TEST_MESSAGE("round(" << k << "/1000, 2) gave " << show(v));
    }
  }
  BOOST_TEST(mismatches == 0);
  BOOST_TEST(ctx.warnings == 0u);
}

BOOST_AUTO_TEST_CASE(round_to_digits_at_the_edges_of_double) {
  BOOST_TEST(run("round", {N(1.5e-310), I(310)}) == "number 2e-310");  // subnormal result
  BOOST_TEST(run("round", {N(5e-324), I(400)}) == "number 5e-324");
  BOOST_TEST(run("round", {N(1.7976931348623157e308), I(-300)}) == "number 1.79769313e+308");
  BOOST_TEST(run("round", {N(123456789012345678.0), I(-17)}) == "number 1e+17");
}

BOOST_AUTO_TEST_CASE(round_to_digits_never_gives_negative_zero) {
  const Value v = call("round", {N(-0.001), I(2)});
  BOOST_TEST(show(v) == "number 0");
  BOOST_TEST(!std::signbit(v.n));
  const Value w = call("round", {N(-0.0), I(2)});
  BOOST_TEST(!std::signbit(w.n));
}

BOOST_AUTO_TEST_CASE(round_type_rules) {
  BOOST_TEST(check("round", {tNum}) == "int");
  BOOST_TEST(check("round", {tInt}) == "int");
  BOOST_TEST(check("round", {tNum, tInt}) == "number");
  BOOST_TEST(check("round", {tInt, tAny}) == "number");
  BOOST_TEST(check("round", {tStr}) == "error: round expects a number, got string @ 0");
  BOOST_TEST(check("round", {tNum, tNum}) == "error: round expects an int, got number @ 1");
  BOOST_TEST(check("round", {tDate, tInt}) == "error: round expects a number, got date @ 0");
}

BOOST_AUTO_TEST_CASE(floor_and_ceil) {
  BOOST_TEST(run("floor", {N(2.7)}) == "int 2");
  BOOST_TEST(run("floor", {N(-2.5)}) == "int -3");
  BOOST_TEST(run("floor", {N(-2.0)}) == "int -2");
  BOOST_TEST(run("ceil", {N(2.1)}) == "int 3");
  BOOST_TEST(run("ceil", {N(-2.5)}) == "int -2");
  BOOST_TEST(run("ceil", {N(-0.5)}) == "int 0");
  BOOST_TEST(run("floor", {I(5)}) == "int 5");
  BOOST_TEST(run("ceil", {I(-5)}) == "int -5");
  BOOST_TEST(run("floor", {kNull}) == "null");
  BOOST_TEST(run("ceil", {kNull}) == "null");
  BOOST_TEST(run("floor", {D(2026, 1, 1)}, 1) == "null");
  BOOST_TEST(check("floor", {tNum}) == "int");
  BOOST_TEST(check("ceil", {tInt}) == "int");
  BOOST_TEST(check("floor", {tDate}) == "error: floor expects a number, got date @ 0");
  BOOST_TEST(check("ceil", {tEnum}) == "error: ceil expects a number, got enum @ 0");
}

BOOST_AUTO_TEST_CASE(clamp_values) {
  BOOST_TEST(run("clamp", {I(5), I(0), I(3)}) == "int 3");
  BOOST_TEST(run("clamp", {I(-1), I(0), I(3)}) == "int 0");
  BOOST_TEST(run("clamp", {I(2), I(0), I(3)}) == "int 2");
  BOOST_TEST(run("clamp", {I(2), I(2), I(2)}) == "int 2");
  BOOST_TEST(run("clamp", {N(2.5), I(0), I(3)}) == "number 2.5");
  BOOST_TEST(run("clamp", {I(5), I(0), N(3.5)}) == "number 3.5");
  BOOST_TEST(run("clamp", {I(1), I(0), N(3.5)}) == "number 1");
  BOOST_TEST(run("clamp", {I(1), I(3), I(0)}, 1) == "null");
  BOOST_TEST(run("clamp", {N(1), N(3), N(0)}, 1) == "null");
  BOOST_TEST(run("clamp", {kNull, I(0), I(3)}) == "null");
  BOOST_TEST(run("clamp", {I(1), I(0), kNull}) == "null");
  BOOST_TEST(run("clamp", {I(1), S("0"), I(3)}, 1) == "null");
  BOOST_TEST(check("clamp", {tInt, tInt, tInt}) == "int");
  BOOST_TEST(check("clamp", {tInt, tNum, tInt}) == "number");
  BOOST_TEST(check("clamp", {tInt, tAny, tInt}) == "any");
  BOOST_TEST(check("clamp", {tAny, tNum, tNull}) == "number");
  BOOST_TEST(check("clamp", {tInt, tStr, tInt}) == "error: clamp expects a number, got string @ 1");
  BOOST_TEST(check("clamp", {tInt, tInt, tDate}) == "error: clamp expects a number, got date @ 2");
}

BOOST_AUTO_TEST_CASE(pct_values) {
  BOOST_TEST(run("pct", {I(1), I(4)}) == "number 0.25");
  BOOST_TEST(run("pct", {I(3), I(2)}) == "number 1.5");
  BOOST_TEST(run("pct", {I(-1), I(4)}) == "number -0.25");
  BOOST_TEST(run("pct", {N(0.5), N(2.0)}) == "number 0.25");
  BOOST_TEST(run("pct", {I(0), I(5)}) == "number 0");
  BOOST_TEST(run("pct", {I(1), I(0)}) == "null");  // no warning: pct is the safe division
  BOOST_TEST(run("pct", {I(0), N(0.0)}) == "null");
  BOOST_TEST(run("pct", {I(1), N(-0.0)}) == "null");
  BOOST_TEST(run("pct", {N(1e308), N(1e-308)}, 1) == "null");
  BOOST_TEST(run("pct", {kNull, I(4)}) == "null");
  BOOST_TEST(run("pct", {I(1), kNull}) == "null");
  BOOST_TEST(run("pct", {S("1"), I(4)}, 1) == "null");
  BOOST_TEST(check("pct", {tInt, tInt}) == "number");
  BOOST_TEST(check("pct", {tStr, tInt}) == "error: pct expects a number, got string @ 0");
  BOOST_TEST(check("pct", {tInt, tBool}) == "error: pct expects a number, got bool @ 1");
}

BOOST_AUTO_TEST_CASE(coalesce_values) {
  BOOST_TEST(run("coalesce", {kNull, I(2), I(3)}) == "int 2");
  BOOST_TEST(run("coalesce", {I(1), I(2)}) == "int 1");
  BOOST_TEST(run("coalesce", {kNull, kNull, I(3)}) == "int 3");
  BOOST_TEST(run("coalesce", {kNull, kNull}) == "null");
  BOOST_TEST(run("coalesce", {kNull}) == "null");
  BOOST_TEST(run("coalesce", {S("a")}) == "string \"a\"");
  BOOST_TEST(run("coalesce", {kNull, S("")}) == "string \"\"");  // empty is not null
  BOOST_TEST(run("coalesce", {B(false), B(true)}) == "bool false");
  BOOST_TEST(run("coalesce", {kNull, D(2026, 1, 15)}) == "date 2026-01-15");
  BOOST_TEST(run("coalesce", {N(3.5), I(1)}) == "number 3.5");
  // an int is widened when a number argument shows the common type is number
  BOOST_TEST(run("coalesce", {kNull, I(2), N(0.5)}) == "number 2");
  BOOST_TEST(run("coalesce", {I(2), kNull}) == "int 2");
}

BOOST_AUTO_TEST_CASE(coalesce_type_rules) {
  BOOST_TEST(check("coalesce", {tInt, tInt}) == "int");
  BOOST_TEST(check("coalesce", {tInt, tNum}) == "number");
  BOOST_TEST(check("coalesce", {tNull, tInt}) == "int");
  BOOST_TEST(check("coalesce", {tNull, tNull}) == "null");
  BOOST_TEST(check("coalesce", {tAny, tInt}) == "any");
  BOOST_TEST(check("coalesce", {tEnum, tStr}) == "string");
  BOOST_TEST(check("coalesce", {tBool, tNull, tBool}) == "bool");
  BOOST_TEST(check("coalesce", {tDate, tDate}) == "date");
  BOOST_TEST(check("coalesce", {tList(TypeKind::String), tList(TypeKind::Enum)}) == "list<string>");
  BOOST_TEST(check("coalesce", {tList(TypeKind::Int), tList(TypeKind::Number)}) == "list<number>");
  BOOST_TEST(check("coalesce", {tList(TypeKind::Int), tList(TypeKind::Null)}) == "list<int>");
  BOOST_TEST(check("coalesce", {tInt, tStr}) == "error: coalesce cannot mix int and string @ 1");
  BOOST_TEST(check("coalesce", {tNull, tInt, tDate}) == "error: coalesce cannot mix int and date @ 2");
  BOOST_TEST(check("coalesce", {tInt, tNum, tBool}) == "error: coalesce cannot mix number and bool @ 2");
  BOOST_TEST(check("coalesce", {tList(TypeKind::Int), tList(TypeKind::String)}) ==
             "error: coalesce cannot mix list<int> and list<string> @ 1");
  BOOST_TEST(check("coalesce", {tList(TypeKind::Int), tInt}) ==
             "error: coalesce cannot mix list<int> and int @ 1");
}

BOOST_AUTO_TEST_CASE(coalesce_keeps_the_enum_type) {
  auto values = std::make_shared<EnumValues>(std::vector<std::string>{"onboarding", "adoption"});
  const Type phase{TypeKind::Enum, TypeKind::Any, values};
  const std::vector<Type> args = {phase, tNull, phase};
  std::string error;
  int bad_arg = -2;
  const std::optional<Type> t = get("coalesce").check(args, error, bad_arg);
  BOOST_TEST_REQUIRE(t.has_value());
  BOOST_TEST(type_name(*t) == "enum");
  BOOST_TEST(t->enum_values == values);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace kairos
