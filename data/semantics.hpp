#pragma once
/// The value semantics of the language, in one place: equality, ordering
/// and membership, used by the VM, the constant folder (which runs the VM)
/// and the stdlib alike.
///
/// Null: an *operand* that is null makes `==`, `<`, `in` null (the callers
/// check that before calling these); an *item* of a list is a value like any
/// other, so lists compare item by item and a null item equals a null item:
/// `[1, null] == [1, null]` is true, and contains_all([1, null], [1, null])
/// is true (as PostgreSQL compares arrays). Ints and numbers compare by
/// value (1 == 1.0), two ints exactly; NaN equals and orders with nothing;
/// values of other kinds are never equal.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "data/value.hpp"

namespace kairos {

/// True when the `n` bytes at `a` and `b` are the same. Enum values and
/// list items are short: a first-byte check and a loop beat a memcmp call.
inline bool same_bytes(const char* a, const char* b, uint32_t n) {
  if (n == 0) return true;
  if (a[0] != b[0]) return false;
  if (n > 32) return std::memcmp(a, b, n) == 0;
  for (uint32_t i = 1; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

/// equal() for the kinds it does not handle inline.
bool equal_slow(const Value& a, const Value& b);

/// Equality of two values as list items (null equals null), with the
/// common kinds inline.
inline bool equal(const Value& a, const Value& b) {
  if (a.kind == b.kind) {
    if (a.kind == ValueKind::String) return a.size == b.size && same_bytes(a.s, b.s, a.size);
    if (a.kind == ValueKind::Int) return a.i == b.i;
  }
  return equal_slow(a, b);
}

/// compare() for the kinds it does not handle inline.
int compare_slow(const Value& a, const Value& b);

/// -1, 0 or 1; 2 when the values cannot be ordered (null, NaN, other kinds).
/// Ints, and an int with a number (`seats >= 0.9 * seat_limit`), inline.
[[gnu::always_inline]] inline int compare(const Value& a, const Value& b) {
  if (a.kind == ValueKind::Int && b.kind == ValueKind::Int) return (a.i > b.i) - (a.i < b.i);
  if ((a.kind == ValueKind::Int || a.kind == ValueKind::Number) && (b.kind == ValueKind::Int || b.kind == ValueKind::Number)) {
    const double x = a.as_number(), y = b.as_number();
    return x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;  // NaN: none of the three
  }
  return compare_slow(a, b);
}

}  // namespace kairos
