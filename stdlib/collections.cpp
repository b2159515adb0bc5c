// List builtins: contains_any, contains_all.
//
// Semantics where SPEC §4 is silent:
// - contains_any(list, wanted) is true when some element of `wanted` is in
//   `list`; contains_all(list, wanted) when every element of `wanted` is.
//   So contains_any(x, []) is false and contains_all(x, []) is true.
// - Element equality is the language's, data/semantics.hpp's equal(): ints
//   and numbers compare by value (1 == 1.0), strings (and enums) bytewise,
//   dates by day, lists element by element; different kinds are never
//   equal. A null element is an item like any other: it is found when the
//   list holds a null element, as `[1, null] == [1, null]` is true.
// - Both take time linear in the lengths of the two lists: the elements of
//   the first are put in hash sets, unless the lists are tiny.
// - A null list gives null. A non-list at run time (only possible through an
//   argument of unknown static type) gives null and a warning.
// - The type rule accepts lists of any element types; it does not reject
//   lists whose elements can never be equal.

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "data/semantics.hpp"
#include "stdlib/builtin_support.hpp"
#include "stdlib/stdlib.hpp"

namespace kairos::stdlib {
namespace {

using namespace detail;

constexpr Signature kContainsAny{"contains_any", {kList, kList}, TypeKind::Bool};
constexpr Signature kContainsAll{"contains_all", {kList, kList}, TypeKind::Bool};

bool has(const Value& list, const Value& x) {
  for (uint32_t i = 0; i < list.size; ++i) {
    if (equal(list.l[i], x)) return true;
  }
  return false;
}

/// The elements of a list by value, so that membership is one hash lookup
/// and both builtins take time linear in the lengths of their lists (a
/// record's lists can hold a million items). Equality is equal()'s: an int
/// and a number are equal when their values are, two ints only when they
/// are the same int (2^53 + 1 is not 2^53, though both are 2^53 as doubles).
class Members {
 public:
  explicit Members(const Value& list) {
    for (uint32_t i = 0; i < list.size; ++i) {
      const Value& v = list.l[i];
      switch (v.kind) {
        case ValueKind::Null: has_null_ = true; break;
        case ValueKind::Bool: (v.b ? has_true_ : has_false_) = true; break;
        case ValueKind::Int:
          ints_.insert(v.i);
          numeric_.insert(v.as_number());
          break;
        case ValueKind::Number:
          if (v.n != v.n) break;  // NaN equals nothing (and would crowd one bucket)
          numbers_.insert(v.n);
          numeric_.insert(v.n);
          break;
        case ValueKind::Date: dates_.insert(v.d); break;
        case ValueKind::String: strings_.insert(v.str()); break;
        case ValueKind::List: lists_.push_back(&v); break;
      }
    }
  }

  bool contains(const Value& x) const {
    switch (x.kind) {
      case ValueKind::Null: return has_null_;
      case ValueKind::Bool: return x.b ? has_true_ : has_false_;
      case ValueKind::Int: return ints_.count(x.i) != 0 || numbers_.count(x.as_number()) != 0;
      case ValueKind::Number: return numeric_.count(x.n) != 0;
      case ValueKind::Date: return dates_.count(x.d) != 0;
      case ValueKind::String: return strings_.count(x.str()) != 0;
      case ValueKind::List:
        // Lists of lists only come from list literals: as many as the code has.
        return std::any_of(lists_.begin(), lists_.end(), [&](const Value* l) { return equal(*l, x); });
    }
    return false;
  }

 private:
  bool has_null_ = false, has_true_ = false, has_false_ = false;
  std::unordered_set<int64_t> ints_;
  std::unordered_set<double> numbers_;  ///< the values of the Number elements
  std::unordered_set<double> numeric_;  ///< the values of the Int and Number elements
  std::unordered_set<int32_t> dates_;
  std::unordered_set<std::string_view> strings_;
  std::vector<const Value*> lists_;
};

/// Below this many comparisons, comparing each pair is faster than hashing.
constexpr uint64_t kPairwiseComparisons = 64;

// True when every element (WantAll) or at least one element (!WantAll) of
// args[1] is in args[0].
template <bool WantAll>
Value contains_elements(const Value* args, uint32_t, EvalContext& ctx) {
  if (any_null(args, 2)) return Value::null();
  if (args[0].kind != ValueKind::List || args[1].kind != ValueKind::List) return warn(ctx);
  const Value& wanted = args[1];
  if (uint64_t{args[0].size} * wanted.size <= kPairwiseComparisons) {
    for (uint32_t i = 0; i < wanted.size; ++i) {
      const bool found = has(args[0], wanted.l[i]);
      if (WantAll && !found) return Value::boolean(false);
      if (!WantAll && found) return Value::boolean(true);
    }
    return Value::boolean(WantAll);
  }
  const Members members(args[0]);
  for (uint32_t i = 0; i < wanted.size; ++i) {
    const bool found = members.contains(wanted.l[i]);
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
