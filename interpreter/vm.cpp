// The VM is a stack machine over 16-byte Values. Null propagates through
// arithmetic and comparisons; and/or/not use Kleene logic; int overflow and
// division by zero give null and count a warning for the running rule.

#include "interpreter/vm.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "data/semantics.hpp"
#include "data/text.hpp"

namespace kairos {

Vm::Vm(const Program& program, const Registry& registry) : program_(program), registry_(registry) {
  ctx_.arena = &arena_;
}

void Vm::set_record(const Record* record) {
  record_ = record;
  const size_t need = field_slots_;
  if (record != nullptr && record->values.size() >= need) {
    fields_ = record->values.data();
    return;
  }
  pad_record(record);
}

void Vm::pad_record(const Record* record) {
  const size_t need = field_slots_;
  padded_.assign(std::max<size_t>(need, 1), Value::null());
  if (record != nullptr) std::copy(record->values.begin(), record->values.end(), padded_.begin());
  fields_ = padded_.data();
}

void Vm::begin(const Record* record) {
  field_slots_ = program_.schema ? program_.schema->fields.size() : 0;
  set_record(record);
  ++epoch_;
  arena_.reset();
  // The program may have grown since the last record (the compiler folds
  // constants with a VM while it is still emitting code).
  const size_t stack = program_.max_stack + 64;
  if (stack_.size() < stack) stack_.resize(stack);
  if (locals_.size() < program_.locals) locals_.resize(program_.locals);
  if (let_values_.size() < program_.lets.size()) {
    let_values_.resize(program_.lets.size());
    let_epoch_.resize(program_.lets.size(), 0);
  }
  if (group_epoch_.size() < program_.groups.size()) group_epoch_.resize(program_.groups.size(), 0);
  if (warnings_.size() < program_.rules.size()) warnings_.resize(program_.rules.size(), 0);
  if (actions_.size() < program_.rules.size()) actions_.resize(program_.rules.size(), 0);
}

Value Vm::eval(uint32_t entry) {
  // Most action parts are a constant ("nurture", owner csm): no need to run them.
  const Instr* code = program_.chunk.code.data();
  if (code[entry].op == Op::Const && code[entry + 1].op == Op::Return) return program_.chunk.constants[code[entry].a];
  return execute(code, entry);
}

void Vm::reserve(size_t stack, size_t locals) {
  if (stack_.size() < sp_ + stack + 64) stack_.resize(sp_ + stack + 64);
  if (locals_.size() < locals) locals_.resize(locals);
}

namespace {

/// `a == b` (or `!=`): null when either is null.
inline Value equality(const Value& a, const Value& b, bool eq) {
  if (a.is_null() || b.is_null()) return Value::null();
  return Value::boolean(equal(a, b) == eq);
}

/// True when `a == b` (or `!=`) is true: false for null.
inline bool equal_truth(const Value& a, const Value& b, bool eq) {
  if (a.is_null() || b.is_null()) return false;
  return equal(a, b) == eq;
}

/// The value of an ordering comparison from compare()'s result.
template <typename Test>
inline Value ordered(int c, Test test) {
  if (c == 2) return Value::null();
  return Value::boolean(test(c));
}

/// True when strings `a` and `b` are equal. An enum value read from data and
/// an enum symbol of the playbook both point at the schema's copy of the
/// value, so equal ones are usually the same pointer.
inline bool same_string(const Value& a, const Value& b) {
  return a.size == b.size && (a.s == b.s || same_bytes(a.s, b.s, a.size));
}

/// `x in container`: 1 found, 0 not found, 2 null (either is null, or the
/// kinds do not fit).
inline int member(const Value& x, const Value& container) {
  if (x.is_null() || container.is_null()) return 2;
  if (container.kind == ValueKind::List) {
    for (uint32_t i = 0; i < container.size; ++i) {
      if (equal(x, container.l[i])) return 1;
    }
    return 0;
  }
  if (container.kind == ValueKind::String && x.kind == ValueKind::String) {
    return container.str().find(x.str()) != std::string_view::npos ? 1 : 0;
  }
  return 2;
}

/// member() for a string `needle` (a constant): a list's items are compared
/// by length first, so most never have their bytes read.
inline int string_member(const Value& needle, const Value& container) {
  if (container.kind != ValueKind::List) return member(needle, container);
  const uint32_t n = needle.size;
  for (uint32_t i = 0; i < container.size; ++i) {
    const Value& item = container.l[i];
    if (item.size == n && item.kind == ValueKind::String && same_bytes(item.s, needle.s, n)) return 1;
  }
  return 0;
}

/// member() for a list of strings (a constant) as the container.
inline int member_of_strings(const Value& x, const Value& strings) {
  if (x.kind != ValueKind::String) return x.kind == ValueKind::Null ? 2 : member(x, strings);
  for (uint32_t i = 0; i < strings.size; ++i) {
    if (same_string(x, strings.l[i])) return 1;
  }
  return 0;
}

/// The value of `in` (or `not in`) from member()'s result.
inline Value membership(int m, bool negate) {
  if (m == 2) return Value::null();
  return Value::boolean((m == 1) != negate);
}

/// `lo <= x <= hi`; null when either comparison cannot be made.
inline Value in_range(const Value& x, const Value& lo, const Value& hi) {
  const int a = compare(lo, x), b = compare(x, hi);
  return a == 2 || b == 2 ? Value::null() : Value::boolean(a <= 0 && b <= 0);
}

/// True when `lo <= x <= hi` is true.
inline bool in_range_truth(const Value& x, const Value& lo, const Value& hi) {
  if (x.kind == ValueKind::Int && lo.kind == ValueKind::Int && hi.kind == ValueKind::Int) {
    return lo.i <= x.i && x.i <= hi.i;
  }
  const Value r = in_range(x, lo, hi);
  return r.kind == ValueKind::Bool && r.b;
}

bool is_numeric(const Value& v) { return v.kind == ValueKind::Int || v.kind == ValueKind::Number; }

/// Kleene and: false wins, then null.
Value kleene_and(const Value& a, const Value& b) {
  const bool af = a.kind == ValueKind::Bool && !a.b;
  const bool bf = b.kind == ValueKind::Bool && !b.b;
  if (af || bf) return Value::boolean(false);
  if (a.kind == ValueKind::Bool && b.kind == ValueKind::Bool) return Value::boolean(true);
  return Value::null();
}

/// Kleene or: true wins, then null.
Value kleene_or(const Value& a, const Value& b) {
  const bool at = a.kind == ValueKind::Bool && a.b;
  const bool bt = b.kind == ValueKind::Bool && b.b;
  if (at || bt) return Value::boolean(true);
  if (a.kind == ValueKind::Bool && b.kind == ValueKind::Bool) return Value::boolean(false);
  return Value::null();
}

/// Appends the interpolation text of `v` unless that makes `out` longer than
/// kMaxStringBytes; false then (`out` is left partly written). Checked piece
/// by piece, so a list of many long strings never builds the whole text.
bool append_capped(std::string& out, const Value& v) {
  if (v.kind == ValueKind::List) {
    for (uint32_t i = 0; i < v.size; ++i) {
      if (i) out += ", ";
      if (!append_capped(out, v.l[i])) return false;
    }
    return out.size() <= kMaxStringBytes;
  }
  if (v.kind == ValueKind::String && out.size() + v.size > kMaxStringBytes) return false;
  append_text(out, v);
  return out.size() <= kMaxStringBytes;
}


}  // namespace

// Dispatch is threaded (a computed goto per handler, GCC and Clang), so each
// instruction's indirect jump is predicted on its own. A handler that tests
// reads the target of the Jump after it directly.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
Value Vm::execute(const Instr* code, uint32_t pc) {
  // begin() (or reserve()) sized the stack for the deepest evaluation: the
  // sum of every segment's depth bounds any chain of nested lets.
  const size_t base = sp_;
  Value* stack = stack_.data();
  size_t sp = sp_;
  const Value* constants = program_.chunk.constants.data();
  const Value* fields = fields_;
  auto field = [fields](uint32_t a) -> const Value& { return fields[a]; };

  static const void* const kHandlers[] = {
#define KAIROS_OP_LABEL(name, operand, stack, meaning) &&op_##name,
      KAIROS_OPCODES(KAIROS_OP_LABEL)
#undef KAIROS_OP_LABEL
  };
  Instr in;
#define NEXT()                                        \
  do {                                                \
    in = code[pc++];                                  \
    goto* kHandlers[static_cast<uint8_t>(in.op)];     \
  } while (0)
  // Takes the Jump after the test unless `truth`; skips it otherwise.
#define TEST(truth)                                   \
  do {                                                \
    pc = (truth) ? pc + 1 : code[pc].a;               \
    NEXT();                                           \
  } while (0)

  // After an instruction that may count a warning: in the linked rules, the
  // rule running it gets it (note_warnings).
#define NOTE_WARNINGS()                                                   \
  do {                                                                    \
    if (__builtin_expect(ctx_.warnings != warnings_seen_, 0)) note_warnings(code, pc); \
  } while (0)

  NEXT();

op_Const:
  stack[sp++] = constants[in.a];
  NEXT();
op_Field:
  stack[sp++] = field(in.a);
  NEXT();
op_Let:
  if (let_epoch_[in.a] != epoch_) {
    sp_ = sp;
    const Value v = execute(program_.chunk.code.data(), program_.lets[in.a].entry);
    let_values_[in.a] = v;
    let_epoch_[in.a] = epoch_;
    NOTE_WARNINGS();
  }
  stack[sp++] = let_values_[in.a];
  NEXT();
op_LetCached:
  if (let_epoch_[in.b] == epoch_) {
    stack[sp++] = let_values_[in.b];
    pc = in.a;
  }
  NEXT();
op_LetStore:
  let_values_[in.a] = stack[sp - 1];
  let_epoch_[in.a] = epoch_;
  NEXT();
op_Local:
  stack[sp++] = locals_[in.a];
  NEXT();
op_SetLocal:
  locals_[in.a] = stack[--sp];
  NEXT();
op_Neg: {
  Value& v = stack[sp - 1];
  if (v.kind == ValueKind::Int) {
    if (v.i == std::numeric_limits<int64_t>::min()) {
      v = Value::null();
      ++ctx_.warnings;
    } else {
      v.i = -v.i;
    }
  } else if (v.kind == ValueKind::Number) {
    v.n = -v.n;
  } else {
    v = Value::null();
  }
  NOTE_WARNINGS();
  NEXT();
}
op_Not: {
  Value& v = stack[sp - 1];
  v = v.kind == ValueKind::Bool ? Value::boolean(!v.b) : Value::null();
  NEXT();
}
op_Add:
op_Sub:
op_Div:
op_Mod: {
  const Value b = stack[--sp];
  Value& a = stack[sp - 1];
  a = arithmetic(in.op, a, b);
  NOTE_WARNINGS();
  NEXT();
}
op_Mul: {
  const Value b = stack[--sp];
  Value& a = stack[sp - 1];
  a = multiply(a, b);
  NOTE_WARNINGS();
  NEXT();
}
op_Eq:
  --sp;
  stack[sp - 1] = equality(stack[sp - 1], stack[sp], true);
  NEXT();
op_Ne:
  --sp;
  stack[sp - 1] = equality(stack[sp - 1], stack[sp], false);
  NEXT();
op_Lt:
  --sp;
  stack[sp - 1] = ordered(compare(stack[sp - 1], stack[sp]), [](int c) { return c < 0; });
  NEXT();
op_Le:
  --sp;
  stack[sp - 1] = ordered(compare(stack[sp - 1], stack[sp]), [](int c) { return c <= 0; });
  NEXT();
op_Gt:
  --sp;
  stack[sp - 1] = ordered(compare(stack[sp - 1], stack[sp]), [](int c) { return c > 0; });
  NEXT();
op_Ge:
  --sp;
  stack[sp - 1] = ordered(compare(stack[sp - 1], stack[sp]), [](int c) { return c >= 0; });
  NEXT();
op_In:
  --sp;
  stack[sp - 1] = membership(member(stack[sp - 1], stack[sp]), false);
  NEXT();
op_InRange: {
  sp -= 2;
  Value& x = stack[sp - 1];
  x = in_range(x, stack[sp], stack[sp + 1]);
  NEXT();
}
op_IsNull:
  stack[sp - 1] = Value::boolean(stack[sp - 1].is_null());
  NEXT();
op_IsNotNull:
  stack[sp - 1] = Value::boolean(!stack[sp - 1].is_null());
  NEXT();
op_And: {
  const Value b = stack[--sp];
  stack[sp - 1] = kleene_and(stack[sp - 1], b);
  NEXT();
}
op_Or: {
  const Value b = stack[--sp];
  stack[sp - 1] = kleene_or(stack[sp - 1], b);
  NEXT();
}
op_JumpIfFalseKeep:
  if (stack[sp - 1].kind == ValueKind::Bool && !stack[sp - 1].b) pc = in.a;
  NEXT();
op_JumpIfTrueKeep:
  if (stack[sp - 1].kind == ValueKind::Bool && stack[sp - 1].b) pc = in.a;
  NEXT();
op_JumpUnlessTrue:
  --sp;
  if (!(stack[sp].kind == ValueKind::Bool && stack[sp].b)) pc = in.a;
  NEXT();
op_JumpUnlessFalse:
  --sp;
  if (!(stack[sp].kind == ValueKind::Bool && !stack[sp].b)) pc = in.a;
  NEXT();
op_Jump:
  pc = in.a;
  NEXT();
op_Call:
  sp -= in.b;
  stack[sp] = registry_.get(in.a).fn(stack + sp, in.b, ctx_);
  ++sp;
  NOTE_WARNINGS();
  NEXT();
op_MakeList: {
  sp -= in.b;
  if (!arena_.fits(in.b * sizeof(Value))) {
    ++ctx_.warnings;
    stack[sp++] = Value::null();
    NOTE_WARNINGS();
    NEXT();
  }
  Value* items = in.b ? arena_.values(in.b) : nullptr;
  if (in.b) std::memcpy(static_cast<void*>(items), stack + sp, in.b * sizeof(Value));
  stack[sp++] = Value::list(items, in.b);
  NEXT();
}
op_Interpolate: {
  sp -= in.b;
  scratch_.clear();
  bool fits = true;
  for (uint32_t i = 0; i < in.b && fits; ++i) fits = append_capped(scratch_, stack[sp + i]);
  if (fits && arena_.fits(scratch_.size())) {
    stack[sp++] = Value::string(arena_.copy(scratch_));
  } else {
    ++ctx_.warnings;
    stack[sp++] = Value::null();
  }
  NOTE_WARNINGS();
  NEXT();
}
op_Return: {
  const Value result = stack[--sp];
  sp_ = base;
  return result;
}
op_ReturnTrue:
  sp_ = base;
  return Value::boolean(true);
op_ReturnFalse:
  sp_ = base;
  return Value::boolean(false);
op_FieldEqConst:
  stack[sp++] = equality(field(in.a), constants[in.b], true);
  NEXT();
op_FieldNeConst:
  stack[sp++] = equality(field(in.a), constants[in.b], false);
  NEXT();
op_FieldLtConst:
  stack[sp++] = ordered(compare(field(in.a), constants[in.b]), [](int c) { return c < 0; });
  NEXT();
op_FieldLeConst:
  stack[sp++] = ordered(compare(field(in.a), constants[in.b]), [](int c) { return c <= 0; });
  NEXT();
op_FieldGtConst:
  stack[sp++] = ordered(compare(field(in.a), constants[in.b]), [](int c) { return c > 0; });
  NEXT();
op_FieldGeConst:
  stack[sp++] = ordered(compare(field(in.a), constants[in.b]), [](int c) { return c >= 0; });
  NEXT();
op_EqConst:
  stack[sp - 1] = equality(stack[sp - 1], constants[in.a], true);
  NEXT();
op_NeConst:
  stack[sp - 1] = equality(stack[sp - 1], constants[in.a], false);
  NEXT();
op_LtConst:
  stack[sp - 1] = ordered(compare(stack[sp - 1], constants[in.a]), [](int c) { return c < 0; });
  NEXT();
op_LeConst:
  stack[sp - 1] = ordered(compare(stack[sp - 1], constants[in.a]), [](int c) { return c <= 0; });
  NEXT();
op_GtConst:
  stack[sp - 1] = ordered(compare(stack[sp - 1], constants[in.a]), [](int c) { return c > 0; });
  NEXT();
op_GeConst:
  stack[sp - 1] = ordered(compare(stack[sp - 1], constants[in.a]), [](int c) { return c >= 0; });
  NEXT();
op_FieldInConst:
  stack[sp++] = membership(member(field(in.a), constants[in.b]), false);
  NEXT();
op_FieldNotInConst:
  stack[sp++] = membership(member(field(in.a), constants[in.b]), true);
  NEXT();
op_ConstInField:
  stack[sp++] = membership(member(constants[in.b], field(in.a)), false);
  NEXT();
op_ConstNotInField:
  stack[sp++] = membership(member(constants[in.b], field(in.a)), true);
  NEXT();
op_InRangeConst:
  stack[sp - 1] = in_range(stack[sp - 1], constants[in.b], constants[in.a]);
  NEXT();
op_FieldMulConst: {
  // The workload's `0.9 * seat_limit` inline; everything else as multiply().
  const Value& x = field(in.a);
  const Value& k = constants[in.b];
  if (k.kind == ValueKind::Number && (x.kind == ValueKind::Int || x.kind == ValueKind::Number)) {
    const double r = x.as_number() * k.n;
    if (std::isfinite(r)) {
      stack[sp++] = Value::number(r);
      NEXT();
    }
  }
  stack[sp++] = multiply(x, k);
  NOTE_WARNINGS();
  NEXT();
}
op_Fire: {
  // Actions that are all constants (most are) are handed over here; the
  // others are evaluated by emit_computed().
  const Firing& f = firing_[in.a];
  if (f.group >= 0) group_epoch_[static_cast<size_t>(f.group)] = epoch_;
  if (f.actions != nullptr) {
    for (uint32_t k = 0; k < f.count; ++k) sink_->action(program_, *record_, f.actions[k]);
    actions_[in.a] += f.count;
  } else {
    sp_ = sp;
    emit_computed(in.a);
  }
  if (f.stop) {
    sp_ = base;
    return Value::boolean(true);
  }
  NEXT();
}
op_FieldTest: {
  const Value v = field(in.a);
  TEST(v.kind == ValueKind::Bool && v.b);
}
op_FieldEqConstTest:
  TEST(equal_truth(field(in.a), constants[in.b], true));
op_FieldNeConstTest:
  TEST(equal_truth(field(in.a), constants[in.b], false));
op_FieldLtConstTest:
  TEST(compare(field(in.a), constants[in.b]) == -1);
op_FieldLeConstTest: {
  const int c = compare(field(in.a), constants[in.b]);
  TEST(c <= 0);
}
op_FieldGtConstTest:
  TEST(compare(field(in.a), constants[in.b]) == 1);
op_FieldGeConstTest: {
  const int c = compare(field(in.a), constants[in.b]);
  TEST(c == 0 || c == 1);
}
op_EqTest:
  sp -= 2;
  TEST(equal_truth(stack[sp], stack[sp + 1], true));
op_NeTest:
  sp -= 2;
  TEST(equal_truth(stack[sp], stack[sp + 1], false));
op_LtTest:
  sp -= 2;
  TEST(compare(stack[sp], stack[sp + 1]) == -1);
op_LeTest: {
  sp -= 2;
  const int c = compare(stack[sp], stack[sp + 1]);
  TEST(c <= 0);
}
op_GtTest:
  sp -= 2;
  TEST(compare(stack[sp], stack[sp + 1]) == 1);
op_GeTest: {
  sp -= 2;
  const int c = compare(stack[sp], stack[sp + 1]);
  TEST(c == 0 || c == 1);
}
op_EqConstTest:
  --sp;
  TEST(equal_truth(stack[sp], constants[in.a], true));
op_NeConstTest:
  --sp;
  TEST(equal_truth(stack[sp], constants[in.a], false));
op_LtConstTest:
  --sp;
  TEST(compare(stack[sp], constants[in.a]) == -1);
op_LeConstTest: {
  --sp;
  const int c = compare(stack[sp], constants[in.a]);
  TEST(c <= 0);
}
op_GtConstTest:
  --sp;
  TEST(compare(stack[sp], constants[in.a]) == 1);
op_GeConstTest: {
  --sp;
  const int c = compare(stack[sp], constants[in.a]);
  TEST(c == 0 || c == 1);
}
op_FieldInConstTest:
  TEST(member(field(in.a), constants[in.b]) == 1);
op_FieldNotInConstTest:
  TEST(member(field(in.a), constants[in.b]) == 0);
op_ConstInFieldTest:
  TEST(member(constants[in.b], field(in.a)) == 1);
op_ConstNotInFieldTest:
  TEST(member(constants[in.b], field(in.a)) == 0);
op_InRangeConstTest:
  --sp;
  TEST(in_range_truth(stack[sp], constants[in.b], constants[in.a]));
op_FieldEqStrTest: {
  const Value& v = field(in.a);
  TEST(v.kind == ValueKind::String ? same_string(v, constants[in.b]) : equal_truth(v, constants[in.b], true));
}
op_FieldNeStrTest: {
  const Value& v = field(in.a);
  TEST(v.kind == ValueKind::String ? !same_string(v, constants[in.b]) : equal_truth(v, constants[in.b], false));
}
// An int field against an int constant, the common case, compares the two
// ints; anything else (null, a number, ...) takes compare().
op_FieldLtIntTest: {
  const Value& v = field(in.a);
  if (v.kind == ValueKind::Int) TEST(v.i < constants[in.b].i);
  TEST(compare(v, constants[in.b]) == -1);
}
op_FieldLeIntTest: {
  const Value& v = field(in.a);
  if (v.kind == ValueKind::Int) TEST(v.i <= constants[in.b].i);
  const int c = compare(v, constants[in.b]);
  TEST(c <= 0);
}
op_FieldGtIntTest: {
  const Value& v = field(in.a);
  if (v.kind == ValueKind::Int) TEST(v.i > constants[in.b].i);
  TEST(compare(v, constants[in.b]) == 1);
}
op_FieldGeIntTest: {
  const Value& v = field(in.a);
  if (v.kind == ValueKind::Int) TEST(v.i >= constants[in.b].i);
  const int c = compare(v, constants[in.b]);
  TEST(c == 0 || c == 1);
}
op_FieldInStrsTest:
  TEST(member_of_strings(field(in.a), constants[in.b]) == 1);
op_FieldNotInStrsTest:
  TEST(member_of_strings(field(in.a), constants[in.b]) == 0);
op_StrInFieldTest:
  TEST(string_member(constants[in.b], field(in.a)) == 1);
op_StrNotInFieldTest:
  TEST(string_member(constants[in.b], field(in.a)) == 0);
op_FieldEqTopTest:
  --sp;
  TEST(equal_truth(field(in.a), stack[sp], true));
op_FieldNeTopTest:
  --sp;
  TEST(equal_truth(field(in.a), stack[sp], false));
op_FieldLtTopTest:
  --sp;
  TEST(compare(field(in.a), stack[sp]) == -1);
op_FieldLeTopTest: {
  --sp;
  const int c = compare(field(in.a), stack[sp]);
  TEST(c <= 0);
}
op_FieldGtTopTest:
  --sp;
  TEST(compare(field(in.a), stack[sp]) == 1);
op_FieldGeTopTest: {
  --sp;
  const int c = compare(field(in.a), stack[sp]);
  TEST(c == 0 || c == 1);
}
op_GroupTest:
  TEST(group_epoch_[in.a] != epoch_);
op_EvalTest: {
  sp_ = sp;
  const Value v = execute(program_.chunk.code.data(), in.a);
  NOTE_WARNINGS();
  TEST(v.kind == ValueKind::Bool && v.b);
}
#undef NOTE_WARNINGS
#undef TEST
#undef NEXT
}
#pragma GCC diagnostic pop

Value Vm::arithmetic(Op op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  if (a.kind == ValueKind::Int && b.kind == ValueKind::Int) {
    int64_t r = 0;
    switch (op) {
      case Op::Add:
        if (__builtin_add_overflow(a.i, b.i, &r)) break;
        return Value::integer(r);
      case Op::Sub:
        if (__builtin_sub_overflow(a.i, b.i, &r)) break;
        return Value::integer(r);
      case Op::Mul:
        if (__builtin_mul_overflow(a.i, b.i, &r)) break;
        return Value::integer(r);
      case Op::Div:
        if (b.i == 0) break;
        return Value::number(static_cast<double>(a.i) / static_cast<double>(b.i));
      case Op::Mod:
        if (b.i == 0) break;
        if (b.i == -1) return Value::integer(0);
        return Value::integer(a.i % b.i);
      default:
        return Value::null();
    }
    ++ctx_.warnings;
    return Value::null();
  }
  if (is_numeric(a) && is_numeric(b)) {
    const double x = a.as_number(), y = b.as_number();
    double r = 0;
    switch (op) {
      case Op::Add: r = x + y; break;
      case Op::Sub: r = x - y; break;
      case Op::Mul: r = x * y; break;
      case Op::Div:
        if (y == 0) {
          ++ctx_.warnings;
          return Value::null();
        }
        r = x / y;
        break;
      case Op::Mod:
        if (y == 0) {
          ++ctx_.warnings;
          return Value::null();
        }
        r = std::fmod(x, y);
        break;
      default: return Value::null();
    }
    if (!std::isfinite(r)) {
      ++ctx_.warnings;
      return Value::null();
    }
    return Value::number(r);
  }
  if (a.kind == ValueKind::String && b.kind == ValueKind::String && op == Op::Add) {
    if (uint64_t{a.size} + b.size > kMaxStringBytes || !arena_.fits(a.size + b.size + 1)) {
      ++ctx_.warnings;
      return Value::null();
    }
    char* p = static_cast<char*>(arena_.allocate(a.size + b.size + 1));
    std::memcpy(p, a.s, a.size);
    std::memcpy(p + a.size, b.s, b.size);
    return Value::string(std::string_view(p, a.size + b.size));
  }
  if (a.kind == ValueKind::Date && b.kind == ValueKind::Int && (op == Op::Add || op == Op::Sub)) {
    int64_t d = 0;
    const bool overflow = op == Op::Add ? __builtin_add_overflow(int64_t{a.d}, b.i, &d)
                                        : __builtin_sub_overflow(int64_t{a.d}, b.i, &d);
    if (overflow || d < kFirstDate || d > kLastDate) {
      ++ctx_.warnings;
      return Value::null();
    }
    return Value::date(static_cast<int32_t>(d));
  }
  if (a.kind == ValueKind::Int && b.kind == ValueKind::Date && op == Op::Add) return arithmetic(op, b, a);
  if (a.kind == ValueKind::Date && b.kind == ValueKind::Date && op == Op::Sub) {
    return Value::integer(static_cast<int64_t>(a.d) - b.d);
  }
  return Value::null();
}

Value Vm::multiply(const Value& a, const Value& b) {
  // The workload's `0.9 * seat_limit`: a number times an int or a number.
  if ((a.kind == ValueKind::Number || b.kind == ValueKind::Number) && is_numeric(a) && is_numeric(b)) {
    const double r = a.as_number() * b.as_number();
    if (std::isfinite(r)) return Value::number(r);
  }
  return arithmetic(Op::Mul, a, b);
}

Value Vm::clamp_discount(Value v) {
  if (!is_numeric(v)) return v;
  double d = v.as_number();
  const double max = program_.max_discount.value_or(1.0);
  if (d > max || d < 0) {
    ++ctx_.warnings;
    d = d < 0 ? 0 : max;
    return Value::number(d);
  }
  return v;
}

void Vm::prepare() {
  linked_ = link_rules(program_);
  begin(nullptr);
  const Instr* code = program_.chunk.code.data();
  auto constant = [&](uint32_t entry, Value& v) {
    if (code[entry].op != Op::Const || code[entry + 1].op != Op::Return) return false;
    v = program_.chunk.constants[code[entry].a];
    return true;
  };
  constant_actions_.assign(program_.rules.size(), {});
  firing_.assign(program_.rules.size(), {});
  for (size_t r = 0; r < program_.rules.size(); ++r) {
    const CompiledRule& rule = program_.rules[r];
    for (const CompiledAction& action : rule.actions) {
      Emitted e;
      bool all = action.verb != ast::ActionVerb::Notify || constant(action.to, e.to);
      all = all && constant(action.subject, e.subject);
      for (size_t o = 0; all && o < action.options.size(); ++o) {
        all = constant(action.options[o].entry, e.options[o]);
        // A discount the policy clamps counts a warning each time: leave it to emit_actions.
        if (all && action.options[o].name == OptionName::Discount && is_numeric(e.options[o])) {
          const double d = e.options[o].as_number();
          all = d >= 0 && d <= program_.max_discount.value_or(1.0);
        }
      }
      if (all) {
        e.rule = &rule;
        e.action = &action;
      }
      constant_actions_[r].push_back(e);
    }
    // Every action constant, none counted against max_proposals: Fire hands them over.
    bool constant = true;
    for (size_t k = 0; k < rule.actions.size(); ++k) {
      constant = constant && constant_actions_[r][k].rule != nullptr &&
                 !(rule.actions[k].verb == ast::ActionVerb::Propose && program_.max_proposals);
    }
    Firing& f = firing_[r];
    if (constant && !rule.actions.empty()) {
      f.actions = constant_actions_[r].data();
      f.count = static_cast<uint32_t>(constant_actions_[r].size());
    }
    f.group = rule.group;
    f.stop = rule.has_stop;
  }
  prepared_ = true;
}

void Vm::run(const Record& record, ActionSink& sink, RuleTrace* trace) {
  if (trace) {
    run_traced(record, sink, *trace);
    return;
  }
  if (!prepared_) prepare();
  // begin() without the sizing prepare() did.
  set_record(&record);
  ++epoch_;
  arena_.reset();
  sink_ = &sink;
  proposals_ = 0;
  warnings_seen_ = ctx_.warnings;
  execute(linked_.code.data(), 0);
}

void Vm::emit_computed(uint32_t index) {
  const CompiledRule& rule = program_.rules[index];
  if (rule.actions.empty()) return;
  emit_actions(rule, index, *record_, *sink_, proposals_, &constant_actions_[index]);
  if (ctx_.warnings != warnings_seen_) {
    warnings_[index] += ctx_.warnings - warnings_seen_;
    warnings_seen_ = ctx_.warnings;
  }
}

void Vm::note_warnings(const Instr* code, uint32_t pc) {
  if (code != linked_.code.data() || linked_.rule_begin.empty()) return;
  const auto& begins = linked_.rule_begin;
  const size_t rule = static_cast<size_t>(std::upper_bound(begins.begin(), begins.end(), pc - 1) - begins.begin()) - 1;
  warnings_[rule] += ctx_.warnings - warnings_seen_;
  warnings_seen_ = ctx_.warnings;
}

void Vm::run_traced(const Record& record, ActionSink& sink, RuleTrace& trace) {
  begin(&record);
  const CompiledRule* rules = program_.rules.data();
  const size_t count = program_.rules.size();
  const Instr* code = program_.chunk.code.data();
  int64_t proposals = 0;
  for (size_t i = 0; i < count; ++i) {
    const CompiledRule& rule = rules[i];
    if (rule.group >= 0 && group_epoch_[static_cast<size_t>(rule.group)] == epoch_) {
      trace.rule(i, false, Skipped::Group);
      continue;
    }
    const uint64_t warnings_before = ctx_.warnings;
    const Value c = execute(code, rule.condition);
    const bool fired = c.kind == ValueKind::Bool && c.b;
    trace.rule(i, fired, Skipped::No);
    if (fired) {
      if (rule.group >= 0) group_epoch_[static_cast<size_t>(rule.group)] = epoch_;
      if (!rule.actions.empty()) emit_actions(rule, i, record, sink, proposals);
    }
    if (ctx_.warnings != warnings_before) warnings_[i] += ctx_.warnings - warnings_before;
    if (fired && rule.has_stop) {
      for (size_t j = i + 1; j < count; ++j) trace.rule(j, false, Skipped::Stop);
      return;
    }
  }
}

namespace {

/// The end of the segment at `entry`: its last instruction, a return that no
/// jump of the segment passes.
uint32_t segment_end(const std::vector<Instr>& code, uint32_t entry) {
  uint32_t reach = entry;
  for (uint32_t pc = entry; pc < code.size(); ++pc) {
    const Instr& in = code[pc];
    if (op_operand(in.op) == Operand::Jump) reach = std::max(reach, in.a);
    if (op_returns(in.op) && pc >= reach) return pc;
  }
  return static_cast<uint32_t>(code.size() - 1);
}

/// The longest let code copied into the linked stream at each use.
constexpr uint32_t kInlineLet = 16;

/// Whether the code of let `l` can run inside the linked stream: a short
/// segment that ends in its only return and uses no locals (those of a def
/// are set up by the segment's own frame).
bool inlinable(const Program& program, const CompiledLet& l) {
  const std::vector<Instr>& code = program.chunk.code;
  const uint32_t end = segment_end(code, l.entry);
  if (code[end].op != Op::Return || end - l.entry > kInlineLet) return false;
  for (uint32_t pc = l.entry; pc < end; ++pc) {
    const Op op = code[pc].op;
    if (op_returns(op) || op == Op::Local || op == Op::SetLocal) return false;
  }
  return true;
}

}  // namespace

LinkedRules link_rules(const Program& program) {
  LinkedRules out;
  const std::vector<Instr>& code = program.chunk.code;
  const std::vector<grammar::Span>& spans = program.chunk.spans;
  auto emit = [&](Instr in, const grammar::Span& span) {
    out.code.push_back(in);
    out.spans.push_back(span);
    return out.code.size() - 1;
  };
  std::vector<int8_t> inline_let(program.lets.size(), -1);  // unknown, no, yes
  // Copies code[from, to). In a rule's code (`lets`), each Let that can be
  // inlined becomes its code between LetCached (which skips it once the let
  // is known for the record) and LetStore, so a let costs no nested
  // execute(); lets inside it keep the nested way, so the code grows at
  // most by kInlineLet instructions per use. Jumps are retargeted to where
  // their target went: one to `to` goes to what is emitted next, one to
  // `to + 1` (a condition's ReturnFalse) past that.
  const auto copy = [&](uint32_t from, uint32_t to, bool lets, const auto& self) -> void {
    std::vector<uint32_t> moved(to - from + 1);
    std::vector<size_t> jumps;
    for (uint32_t pc = from; pc < to; ++pc) {
      moved[pc - from] = static_cast<uint32_t>(out.code.size());
      const Instr& in = code[pc];
      if (lets && in.op == Op::Let && in.a < inline_let.size()) {
        int8_t& ok = inline_let[in.a];
        if (ok < 0) ok = in.a <= UINT16_MAX && inlinable(program, program.lets[in.a]) ? 1 : 0;
        if (ok == 1) {
          const uint32_t entry = program.lets[in.a].entry;
          const size_t cached = emit(Instr{Op::LetCached, 0, static_cast<uint16_t>(in.a), 0}, spans[pc]);
          self(entry, segment_end(code, entry), false, self);
          emit(Instr{Op::LetStore, 0, 0, in.a}, spans[pc]);
          out.code[cached].a = static_cast<uint32_t>(out.code.size());
          continue;
        }
      }
      if (op_operand(in.op) == Operand::Jump) jumps.push_back(out.code.size());
      emit(in, spans[pc]);
    }
    moved[to - from] = static_cast<uint32_t>(out.code.size());
    for (size_t j : jumps) {
      const uint32_t at = out.code[j].a - from;
      out.code[j].a = at < moved.size() ? moved[at] : moved.back() + 1;
    }
  };
  for (uint32_t r = 0; r < program.rules.size(); ++r) {
    const CompiledRule& rule = program.rules[r];
    out.rule_begin.push_back(static_cast<uint32_t>(out.code.size()));
    const uint32_t entry = rule.condition;
    const uint32_t end = segment_end(code, entry);
    std::vector<size_t> to_next;  // jumps to the next rule's code
    if (rule.group >= 0) {
      emit(Instr{Op::GroupTest, 0, 0, static_cast<uint32_t>(rule.group)}, rule.span);
      to_next.push_back(emit(Instr{Op::Jump, 0, 0, 0}, rule.span));
    }
    bool tested = end > entry && code[end].op == Op::ReturnFalse && code[end - 1].op == Op::ReturnTrue;
    for (uint32_t pc = entry; tested && pc + 1 < end; ++pc) tested = !op_returns(code[pc].op);
    if (tested) {
      // Copied as it is but for the ends: ReturnTrue becomes Fire, and the
      // place of ReturnFalse is where the next rule starts.
      copy(entry, end - 1, true, copy);
      emit(Instr{Op::Fire, 0, 0, r}, spans[end - 1]);
    } else if (code[entry].op == Op::Const && code[entry + 1].op == Op::Return) {
      const Value& v = program.chunk.constants[code[entry].a];
      if (v.kind == ValueKind::Bool && v.b) emit(Instr{Op::Fire, 0, 0, r}, spans[entry]);
    } else {
      emit(Instr{Op::EvalTest, 0, 0, entry}, spans[entry]);
      to_next.push_back(emit(Instr{Op::Jump, 0, 0, 0}, spans[entry]));
      emit(Instr{Op::Fire, 0, 0, r}, spans[entry]);
    }
    for (size_t j : to_next) out.code[j].a = static_cast<uint32_t>(out.code.size());
  }
  emit(Instr{Op::ReturnFalse, 0, 0, 0}, grammar::Span{});
  return out;
}

void Vm::emit_actions(const CompiledRule& rule, size_t index, const Record& record, ActionSink& sink,
                      int64_t& proposals, const std::vector<Emitted>* constant) {
  Emitted& emitted = emitted_;
  emitted.rule = &rule;
  for (size_t k = 0; k < rule.actions.size(); ++k) {
    const CompiledAction& action = rule.actions[k];
    if (action.verb == ast::ActionVerb::Propose && program_.max_proposals) {
      if (proposals >= *program_.max_proposals) {
        ++dropped_;
        continue;
      }
      ++proposals;
    }
    if (constant && (*constant)[k].rule) {
      sink.action(program_, record, (*constant)[k]);
      ++actions_[index];
      continue;
    }
    emitted.rule = &rule;
    emitted.action = &action;
    emitted.to = action.verb == ast::ActionVerb::Notify ? eval(action.to) : Value::null();
    emitted.subject = eval(action.subject);
    for (size_t o = 0; o < action.options.size(); ++o) {
      Value v = eval(action.options[o].entry);
      if (action.options[o].name == OptionName::Discount) v = clamp_discount(v);
      emitted.options[o] = v;
    }
    sink.action(program_, record, emitted);
    ++actions_[index];
  }
}

}  // namespace kairos
