// String builtins: len, lower, upper, trim, contains, starts_with, ends_with.
//
// Semantics where SPEC §4 is silent:
// - len(s) counts Unicode code points: every byte that is not a UTF-8
//   continuation byte (10xxxxxx) starts one. Malformed UTF-8 is not rejected;
//   each stray lead byte counts as one. len(list) counts elements.
// - lower/upper change the ASCII letters A-Z/a-z only; every other byte,
//   including all of multi-byte UTF-8 ("É" stays "É"), is copied unchanged.
// - trim removes ASCII whitespace (space, \t, \n, \v, \f, \r) at both ends;
//   Unicode spaces such as U+3000 are kept.
// - contains/starts_with/ends_with compare bytes; an empty needle matches.
// - Enums are strings at run time and are accepted wherever a string is; the
//   results of lower/upper/trim are plain strings.
// - A null argument gives null. A wrong run-time kind (only possible through
//   an argument of unknown static type) gives null and a warning.
// - lower/upper of a string longer than kMaxStringBytes (1 MiB, which only
//   data can hold), or past the record's kMaxRecordBytes, give null and a
//   warning, like every string evaluation builds; trim only narrows its
//   argument and has no cap.
// - Results view the argument's memory when they are a slice of it (trim, or
//   lower/upper with nothing to change); otherwise they live in ctx.arena.

#include <string_view>

#include "stdlib/builtin_support.hpp"
#include "stdlib/stdlib.hpp"

namespace kairos::stdlib {
namespace {

using namespace detail;

constexpr Signature kLen{"len", {kText | kList}, TypeKind::Int};
constexpr Signature kLower{"lower", {kText}, TypeKind::String};
constexpr Signature kUpper{"upper", {kText}, TypeKind::String};
constexpr Signature kTrim{"trim", {kText}, TypeKind::String};
constexpr Signature kContains{"contains", {kText, kText}, TypeKind::Bool};
constexpr Signature kStartsWith{"starts_with", {kText, kText}, TypeKind::Bool};
constexpr Signature kEndsWith{"ends_with", {kText, kText}, TypeKind::Bool};

Value len(const Value* args, uint32_t, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.is_null()) return Value::null();
  if (v.kind == ValueKind::List) return Value::integer(v.size);
  if (v.kind != ValueKind::String) return warn(ctx);
  int64_t points = 0;
  for (const char c : v.str()) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++points;
  }
  return Value::integer(points);
}

// ASCII case mapping; returns the argument itself when nothing changes, so the
// common case allocates nothing.
template <char From, char To>
Value map_ascii_case(const Value* args, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.is_null()) return Value::null();
  if (v.kind != ValueKind::String) return warn(ctx);
  if (v.size > kMaxStringBytes || !ctx.arena->fits(v.size)) return warn(ctx);
  const std::string_view s = v.str();
  size_t first = 0;
  while (first < s.size() && !(s[first] >= From && s[first] <= From + 25)) ++first;
  if (first == s.size()) return v;
  char* out = static_cast<char*>(ctx.arena->allocate(s.size()));
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    out[i] = c >= From && c <= From + 25 ? static_cast<char>(c - From + To) : c;
  }
  return Value::string({out, s.size()});
}

Value lower(const Value* args, uint32_t, EvalContext& ctx) { return map_ascii_case<'A', 'a'>(args, ctx); }
Value upper(const Value* args, uint32_t, EvalContext& ctx) { return map_ascii_case<'a', 'A'>(args, ctx); }

bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

Value trim(const Value* args, uint32_t, EvalContext& ctx) {
  const Value& v = args[0];
  if (v.is_null()) return Value::null();
  if (v.kind != ValueKind::String) return warn(ctx);
  std::string_view s = v.str();
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return Value::string(s);
}

// Shared shape of the two-string predicates.
template <bool (*Test)(std::string_view, std::string_view)>
Value string_predicate(const Value* args, uint32_t, EvalContext& ctx) {
  if (any_null(args, 2)) return Value::null();
  if (args[0].kind != ValueKind::String || args[1].kind != ValueKind::String) return warn(ctx);
  return Value::boolean(Test(args[0].str(), args[1].str()));
}

bool has_sub(std::string_view s, std::string_view sub) { return s.find(sub) != std::string_view::npos; }
bool has_prefix(std::string_view s, std::string_view p) { return s.starts_with(p); }
bool has_suffix(std::string_view s, std::string_view p) { return s.ends_with(p); }

}  // namespace

void register_strings(Registry& r) {
  r.add({"len", 1, 1, fixed_rule<kLen>, len, true, "len(string | list) -> int"});
  r.add({"lower", 1, 1, fixed_rule<kLower>, lower, true, "lower(string) -> string"});
  r.add({"upper", 1, 1, fixed_rule<kUpper>, upper, true, "upper(string) -> string"});
  r.add({"trim", 1, 1, fixed_rule<kTrim>, trim, true, "trim(string) -> string"});
  r.add({"contains", 2, 2, fixed_rule<kContains>, string_predicate<has_sub>, true,
         "contains(string, string) -> bool"});
  r.add({"starts_with", 2, 2, fixed_rule<kStartsWith>, string_predicate<has_prefix>, true,
         "starts_with(string, string) -> bool"});
  r.add({"ends_with", 2, 2, fixed_rule<kEndsWith>, string_predicate<has_suffix>, true,
         "ends_with(string, string) -> bool"});
}

}  // namespace kairos::stdlib
