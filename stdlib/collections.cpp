// List builtins: contains_any, contains_all.
//
// Semantics where SPEC §4 is silent:
// - contains_any(list, wanted) is true when some element of `wanted` is in
//   `list`; contains_all(list, wanted) when every element of `wanted` is.
//   So contains_any(x, []) is false and contains_all(x, []) is true.
// - Element equality is the language's `==`: ints and numbers compare by
//   value (1 == 1.0), strings (and enums) bytewise, dates by day, lists
//   element by element; different kinds are never equal. A null element
//   equals nothing, not even another null, as `null == null` is not true.
// - A null list gives null. A non-list at run time (only possible through an
//   argument of unknown static type) gives null and a warning.
// - The type rule accepts lists of any element types; it does not reject
//   lists whose elements can never be equal.

#include "stdlib/builtin_support.hpp"
#include "stdlib/stdlib.hpp"

namespace kairos::stdlib {
namespace {

using namespace detail;

constexpr Signature kContainsAny{"contains_any", {kList, kList}, TypeKind::Bool};
constexpr Signature kContainsAll{"contains_all", {kList, kList}, TypeKind::Bool};

bool equal(const Value& a, const Value& b) {
  if (is_numeric(a) && is_numeric(b)) {
    if (a.kind == ValueKind::Int && b.kind == ValueKind::Int) return a.i == b.i;
    return a.as_number() == b.as_number();
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::Null: return false;
    case ValueKind::Bool: return a.b == b.b;
    case ValueKind::Date: return a.d == b.d;
    case ValueKind::String: return a.str() == b.str();
    case ValueKind::List:
      if (a.size != b.size) return false;
      for (uint32_t i = 0; i < a.size; ++i) {
        if (!equal(a.l[i], b.l[i])) return false;
      }
      return true;
    case ValueKind::Int:
    case ValueKind::Number: break;  // handled above
  }
  return false;
}

bool has(const Value& list, const Value& x) {
  for (uint32_t i = 0; i < list.size; ++i) {
    if (equal(list.l[i], x)) return true;
  }
  return false;
}

// True when every element (WantAll) or at least one element (!WantAll) of
// args[1] is in args[0].
template <bool WantAll>
Value contains_elements(const Value* args, uint32_t, EvalContext& ctx) {
  if (any_null(args, 2)) return Value::null();
  if (args[0].kind != ValueKind::List || args[1].kind != ValueKind::List) return warn(ctx);
  const Value& wanted = args[1];
  for (uint32_t i = 0; i < wanted.size; ++i) {
    const bool found = has(args[0], wanted.l[i]);
    if (WantAll && !found) return Value::boolean(false);
    if (!WantAll && found) return Value::boolean(true);
  }
  return Value::boolean(WantAll);
}

}  // namespace

void register_collections(Registry& r) {
  r.add({"contains_any", 2, 2, fixed_rule<kContainsAny>, contains_elements<false>, true,
         "contains_any(list, list) -> bool"});
  r.add({"contains_all", 2, 2, fixed_rule<kContainsAll>, contains_elements<true>, true,
         "contains_all(list, list) -> bool"});
}

}  // namespace kairos::stdlib
