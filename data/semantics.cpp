#include "data/semantics.hpp"

namespace kairos {

bool equal_slow(const Value& a, const Value& b) {
  const bool an = a.kind == ValueKind::Int || a.kind == ValueKind::Number;
  const bool bn = b.kind == ValueKind::Int || b.kind == ValueKind::Number;
  if (an && bn) {
    if (a.kind == ValueKind::Int && b.kind == ValueKind::Int) return a.i == b.i;
    return a.as_number() == b.as_number();
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::Null: return true;
    case ValueKind::Bool: return a.b == b.b;
    case ValueKind::Date: return a.d == b.d;
    case ValueKind::String: return a.size == b.size && std::memcmp(a.s, b.s, a.size) == 0;
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

int compare_slow(const Value& a, const Value& b) {
  const bool an = a.kind == ValueKind::Int || a.kind == ValueKind::Number;
  const bool bn = b.kind == ValueKind::Int || b.kind == ValueKind::Number;
  if (an && bn) {
    const double x = a.as_number(), y = b.as_number();
    if (std::isnan(x) || std::isnan(y)) return 2;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind != b.kind) return 2;
  if (a.kind == ValueKind::Date) return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
  if (a.kind == ValueKind::String) {
    const int c = std::memcmp(a.s, b.s, std::min(a.size, b.size));
    if (c != 0) return c < 0 ? -1 : 1;
    return a.size < b.size ? -1 : a.size > b.size ? 1 : 0;
  }
  return 2;
}

}  // namespace kairos
