#pragma once
/// Runtime values: 16 bytes, no ownership. Strings and lists point into the
/// input buffer, the constant pool or a per-record Arena, so evaluating a
/// record allocates nothing on the heap once the arena has warmed up.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "base/calendar.hpp"

namespace kairos {

/// The longest string evaluation may build (by `+`, interpolation, lower or
/// upper): a longer one is null and counts a warning (docs/limits.md).
inline constexpr uint32_t kMaxStringBytes = uint32_t{1} << 20;
/// The most memory evaluating one record may take for the strings and lists
/// it builds: past it they are null and count a warning (docs/limits.md).
inline constexpr size_t kMaxRecordBytes = size_t{64} << 20;

enum class ValueKind : uint8_t { Null, Bool, Int, Number, Date, String, List };

/// A tagged value. Enums are strings at run time.
struct Value {
  ValueKind kind = ValueKind::Null;
  uint32_t size = 0;  ///< String: bytes; List: elements
  union {
    bool b;
    int64_t i;
    double n;
    int32_t d;  ///< Date: days since 1970-01-01
    const char* s;
    const Value* l;
  };

  Value() : i(0) {}
  static Value null() { return Value(); }
  static Value boolean(bool v) { Value x; x.kind = ValueKind::Bool; x.b = v; return x; }
  static Value integer(int64_t v) { Value x; x.kind = ValueKind::Int; x.i = v; return x; }
  static Value number(double v) { Value x; x.kind = ValueKind::Number; x.n = v; return x; }
  static Value date(int32_t days) { Value x; x.kind = ValueKind::Date; x.d = days; return x; }
  /// A string viewing memory that must outlive the value.
  static Value string(std::string_view v) {
    Value x; x.kind = ValueKind::String; x.s = v.data(); x.size = static_cast<uint32_t>(v.size()); return x;
  }
  /// A list viewing `count` values that must outlive it.
  static Value list(const Value* items, uint32_t count) {
    Value x; x.kind = ValueKind::List; x.l = items; x.size = count; return x;
  }

  bool is_null() const { return kind == ValueKind::Null; }
  std::string_view str() const { return {s, size}; }
  /// Int or Number as a double.
  double as_number() const { return kind == ValueKind::Int ? static_cast<double>(i) : n; }
};

static_assert(sizeof(Value) == 16, "Value must stay two words");

/// A bump allocator reset between records. Blocks are kept across resets.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) = default;
  Arena& operator=(Arena&&) = default;
  ~Arena();

  /// `n` bytes aligned for any value.
  void* allocate(size_t n);
  /// A copy of `s` that lives until the next reset.
  std::string_view copy(std::string_view s);
  /// Room for `n` values.
  Value* values(size_t n) { return static_cast<Value*>(allocate(n * sizeof(Value))); }
  /// Forgets everything allocated; keeps the memory.
  void reset();
  /// Bytes allocated since the last reset.
  size_t allocated() const { return allocated_; }
  /// True when `n` more bytes keep the total within kMaxRecordBytes.
  bool fits(size_t n) const { return n <= kMaxRecordBytes && allocated_ <= kMaxRecordBytes - n; }

 private:
  struct Block { char* data; size_t size; };
  std::vector<Block> blocks_;
  size_t block_ = 0;  ///< the block being filled
  size_t used_ = 0;   ///< bytes used in that block
  size_t allocated_ = 0;  ///< bytes handed out since the last reset
};

}  // namespace kairos
