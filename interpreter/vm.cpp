// The VM is a stack machine over 16-byte Values. Null propagates through
// arithmetic and comparisons; and/or/not use Kleene logic; int overflow and
// division by zero give null and count a warning for the running rule.

#include "interpreter/vm.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "interpreter/text.hpp"

namespace kairos {

Vm::Vm(const Program& program, const Registry& registry) : program_(program), registry_(registry) {
  ctx_.arena = &arena_;
}

void Vm::begin(const Record* record) {
  record_ = record;
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

Value Vm::eval(uint32_t entry) { return execute(program_.chunk.code.data(), entry); }

void Vm::reserve(size_t stack, size_t locals) {
  if (stack_.size() < sp_ + stack + 64) stack_.resize(sp_ + stack + 64);
  if (locals_.size() < locals) locals_.resize(locals);
}

namespace {

bool equal(const Value& a, const Value& b) {
  if (a.kind == ValueKind::Int && b.kind == ValueKind::Int) return a.i == b.i;
  const bool an = a.kind == ValueKind::Int || a.kind == ValueKind::Number;
  const bool bn = b.kind == ValueKind::Int || b.kind == ValueKind::Number;
  if (an && bn) return a.as_number() == b.as_number();
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
    default: return false;
  }
}

/// -1, 0 or 1; 2 when the values cannot be ordered.
int compare(const Value& a, const Value& b) {
  if (a.kind == ValueKind::Int && b.kind == ValueKind::Int) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
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

Value bool_or_null(int c, bool (*test)(int)) {
  if (c == 2) return Value::null();
  return Value::boolean(test(c));
}

}  // namespace

Value Vm::execute(const Instr* code, uint32_t pc) {
  // begin() (or reserve()) sized the stack for the deepest evaluation: the
  // sum of every segment's depth bounds any chain of nested lets.
  const size_t base = sp_;
  Value* stack = stack_.data();
  size_t sp = sp_;
  const Value* constants = program_.chunk.constants.data();
  for (;;) {
    const Instr in = code[pc++];
    switch (in.op) {
      case Op::Const:
        stack[sp++] = constants[in.a];
        break;
      case Op::Field:
        stack[sp++] = record_ != nullptr && in.a < record_->values.size() ? record_->values[in.a] : Value::null();
        break;
      case Op::Let: {
        if (let_epoch_[in.a] != epoch_) {
          sp_ = sp;
          const Value v = execute(program_.chunk.code.data(), program_.lets[in.a].entry);
          let_values_[in.a] = v;
          let_epoch_[in.a] = epoch_;
        }
        stack[sp++] = let_values_[in.a];
        break;
      }
      case Op::Local:
        stack[sp++] = locals_[in.a];
        break;
      case Op::SetLocal:
        locals_[in.a] = stack[--sp];
        break;
      case Op::Neg: {
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
        break;
      }
      case Op::Not: {
        Value& v = stack[sp - 1];
        v = v.kind == ValueKind::Bool ? Value::boolean(!v.b) : Value::null();
        break;
      }
      case Op::Add:
      case Op::Sub:
      case Op::Mul:
      case Op::Div:
      case Op::Mod: {
        const Value b = stack[--sp];
        Value& a = stack[sp - 1];
        a = arithmetic(in.op, a, b);
        break;
      }
      case Op::Eq:
      case Op::Ne: {
        const Value b = stack[--sp];
        Value& a = stack[sp - 1];
        if (a.is_null() || b.is_null()) {
          a = Value::null();
        } else {
          const bool eq = equal(a, b);
          a = Value::boolean(in.op == Op::Eq ? eq : !eq);
        }
        break;
      }
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge: {
        const Value b = stack[--sp];
        Value& a = stack[sp - 1];
        const int c = compare(a, b);
        switch (in.op) {
          case Op::Lt: a = bool_or_null(c, [](int x) { return x < 0; }); break;
          case Op::Le: a = bool_or_null(c, [](int x) { return x <= 0; }); break;
          case Op::Gt: a = bool_or_null(c, [](int x) { return x > 0; }); break;
          default: a = bool_or_null(c, [](int x) { return x >= 0; }); break;
        }
        break;
      }
      case Op::In: {
        const Value container = stack[--sp];
        Value& x = stack[sp - 1];
        if (x.is_null() || container.is_null()) {
          x = Value::null();
        } else if (container.kind == ValueKind::List) {
          bool found = false;
          for (uint32_t i = 0; i < container.size && !found; ++i) found = equal(x, container.l[i]);
          x = Value::boolean(found);
        } else if (container.kind == ValueKind::String && x.kind == ValueKind::String) {
          x = Value::boolean(container.str().find(x.str()) != std::string_view::npos);
        } else {
          x = Value::null();
        }
        break;
      }
      case Op::InRange: {
        const Value hi = stack[--sp];
        const Value lo = stack[--sp];
        Value& x = stack[sp - 1];
        const int a = compare(lo, x), b = compare(x, hi);
        x = a == 2 || b == 2 ? Value::null() : Value::boolean(a <= 0 && b <= 0);
        break;
      }
      case Op::IsNull:
        stack[sp - 1] = Value::boolean(stack[sp - 1].is_null());
        break;
      case Op::IsNotNull:
        stack[sp - 1] = Value::boolean(!stack[sp - 1].is_null());
        break;
      case Op::And: {
        const Value b = stack[--sp];
        stack[sp - 1] = kleene_and(stack[sp - 1], b);
        break;
      }
      case Op::Or: {
        const Value b = stack[--sp];
        stack[sp - 1] = kleene_or(stack[sp - 1], b);
        break;
      }
      case Op::JumpIfFalseKeep:
        if (stack[sp - 1].kind == ValueKind::Bool && !stack[sp - 1].b) pc = in.a;
        break;
      case Op::JumpIfTrueKeep:
        if (stack[sp - 1].kind == ValueKind::Bool && stack[sp - 1].b) pc = in.a;
        break;
      case Op::JumpUnlessTrue: {
        const Value v = stack[--sp];
        if (!(v.kind == ValueKind::Bool && v.b)) pc = in.a;
        break;
      }
      case Op::Jump:
        pc = in.a;
        break;
      case Op::Call: {
        sp -= in.b;
        stack[sp] = registry_.get(in.a).fn(stack + sp, in.b, ctx_);
        ++sp;
        break;
      }
      case Op::MakeList: {
        sp -= in.b;
        if (!arena_.fits(in.b * sizeof(Value))) {
          ++ctx_.warnings;
          stack[sp++] = Value::null();
          break;
        }
        Value* items = in.b ? arena_.values(in.b) : nullptr;
        if (in.b) std::memcpy(static_cast<void*>(items), stack + sp, in.b * sizeof(Value));
        stack[sp++] = Value::list(items, in.b);
        break;
      }
      case Op::Interpolate: {
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
        break;
      }
      case Op::FieldEqConst:
      case Op::FieldNeConst: {
        const Value v = record_ != nullptr ? record_->values[in.a] : Value::null();
        const Value& c = constants[in.b];
        if (v.is_null() || c.is_null()) {
          stack[sp++] = Value::null();
        } else {
          const bool eq = equal(v, c);
          stack[sp++] = Value::boolean(in.op == Op::FieldEqConst ? eq : !eq);
        }
        break;
      }
      case Op::FieldLtConst:
      case Op::FieldLeConst:
      case Op::FieldGtConst:
      case Op::FieldGeConst: {
        const Value v = record_ != nullptr ? record_->values[in.a] : Value::null();
        const int c = compare(v, constants[in.b]);
        switch (in.op) {
          case Op::FieldLtConst: stack[sp++] = bool_or_null(c, [](int x) { return x < 0; }); break;
          case Op::FieldLeConst: stack[sp++] = bool_or_null(c, [](int x) { return x <= 0; }); break;
          case Op::FieldGtConst: stack[sp++] = bool_or_null(c, [](int x) { return x > 0; }); break;
          default: stack[sp++] = bool_or_null(c, [](int x) { return x >= 0; }); break;
        }
        break;
      }
      case Op::Return: {
        const Value result = stack[--sp];
        sp_ = base;
        return result;
      }
    }
  }
}

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
    if (overflow || d < -3000000 || d > 3000000) {
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

void Vm::run(const Record& record, ActionSink& sink, RuleTrace* trace) {
  begin(&record);
  const std::vector<CompiledRule>& rules = program_.rules;
  int64_t proposals = 0;
  bool stopped = false;
  Emitted emitted;
  for (size_t i = 0; i < rules.size(); ++i) {
    const CompiledRule& rule = rules[i];
    if (stopped) {
      if (trace) trace->rule(i, false, Skipped::Stop);
      continue;
    }
    if (rule.group >= 0 && group_epoch_[static_cast<size_t>(rule.group)] == epoch_) {
      if (trace) trace->rule(i, false, Skipped::Group);
      continue;
    }
    const uint64_t warnings_before = ctx_.warnings;
    const Value c = eval(rule.condition);
    const bool fired = c.kind == ValueKind::Bool && c.b;
    if (trace) trace->rule(i, fired, Skipped::No);
    if (fired) {
      if (rule.group >= 0) group_epoch_[static_cast<size_t>(rule.group)] = epoch_;
      emitted.rule = &rule;
      for (const CompiledAction& action : rule.actions) {
        if (action.verb == ast::ActionVerb::Propose && program_.max_proposals) {
          if (proposals >= *program_.max_proposals) {
            ++dropped_;
            continue;
          }
          ++proposals;
        }
        emitted.action = &action;
        emitted.to = action.verb == ast::ActionVerb::Notify ? eval(action.to) : Value::null();
        emitted.subject = eval(action.subject);
        for (size_t o = 0; o < action.options.size(); ++o) {
          Value v = eval(action.options[o].entry);
          if (action.options[o].name == OptionName::Discount) v = clamp_discount(v);
          emitted.options[o] = v;
        }
        sink.action(program_, record, emitted);
        ++actions_[i];
      }
      if (rule.has_stop) stopped = true;
    }
    warnings_[i] += ctx_.warnings - warnings_before;
  }
}

}  // namespace kairos
