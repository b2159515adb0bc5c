#include "interpreter/optimize.hpp"

#include <limits>

namespace kairos {

namespace {

bool is_jump(Op op) { return op_operand(op) == Operand::Jump; }

bool is_compare(Op op) { return op >= Op::Eq && op <= Op::Ge; }

/// After a rewrite of `old_size` instructions into `out`, where `moved[i]`
/// is the new index of old instruction i: points every jump at its new
/// target (a jump may target the end, old_size).
void retarget_jumps(std::vector<Instr>& out, std::vector<uint32_t>& moved, size_t old_size) {
  moved[old_size] = static_cast<uint32_t>(out.size());
  for (Instr& in : out) {
    if (is_jump(in.op)) in.a = moved[in.a];
  }
}

/// `Field; Const; <compare>` fused: FieldEqConst … FieldGeConst.
Op field_const(Op compare) { return static_cast<Op>(static_cast<int>(Op::FieldEqConst) + (static_cast<int>(compare) - static_cast<int>(Op::Eq))); }

/// `Const; <compare>` fused: EqConst … GeConst.
Op top_const(Op compare) { return static_cast<Op>(static_cast<int>(Op::EqConst) + (static_cast<int>(compare) - static_cast<int>(Op::Eq))); }

/// The test form of an instruction that leaves a truth value, or Return when
/// it has none.
Op test_form(Op op) {
  switch (op) {
    case Op::Field: return Op::FieldTest;
    case Op::FieldEqConst: return Op::FieldEqConstTest;
    case Op::FieldNeConst: return Op::FieldNeConstTest;
    case Op::FieldLtConst: return Op::FieldLtConstTest;
    case Op::FieldLeConst: return Op::FieldLeConstTest;
    case Op::FieldGtConst: return Op::FieldGtConstTest;
    case Op::FieldGeConst: return Op::FieldGeConstTest;
    case Op::Eq: return Op::EqTest;
    case Op::Ne: return Op::NeTest;
    case Op::Lt: return Op::LtTest;
    case Op::Le: return Op::LeTest;
    case Op::Gt: return Op::GtTest;
    case Op::Ge: return Op::GeTest;
    case Op::EqConst: return Op::EqConstTest;
    case Op::NeConst: return Op::NeConstTest;
    case Op::LtConst: return Op::LtConstTest;
    case Op::LeConst: return Op::LeConstTest;
    case Op::GtConst: return Op::GtConstTest;
    case Op::GeConst: return Op::GeConstTest;
    case Op::FieldInConst: return Op::FieldInConstTest;
    case Op::FieldNotInConst: return Op::FieldNotInConstTest;
    case Op::ConstInField: return Op::ConstInFieldTest;
    case Op::ConstNotInField: return Op::ConstNotInFieldTest;
    case Op::InRangeConst: return Op::InRangeConstTest;
    default: return Op::Return;
  }
}

constexpr uint32_t kMaxB = std::numeric_limits<uint16_t>::max();

/// Jump threading: a value kept by JumpIfFalseKeep is false, so landing on
/// another JumpIfFalseKeep always jumps again (the same for true); landing on
/// a Jump goes on to its target.
void thread_jumps(std::vector<Instr>& code) {
  for (size_t i = 0; i < code.size(); ++i) {
    Instr& in = code[i];
    if (!is_jump(in.op)) continue;
    // The Jump after a test belongs to it: only its own target moves.
    for (int hops = 0; hops < 64 && in.a < code.size(); ++hops) {
      const Instr& to = code[in.a];
      const bool same_keep = (in.op == Op::JumpIfFalseKeep || in.op == Op::JumpIfTrueKeep) && to.op == in.op;
      const bool plain = to.op == Op::Jump && (in.a == 0 || !op_is_test(code[in.a - 1].op));
      if (!same_keep && !plain) break;
      in.a = to.a;
    }
  }
}

/// True for an instruction that pushes one value and reads nothing from the stack.
bool pushes_one(const Instr& in) {
  return op_stack_effect(in.op) == 1 && in.op != Op::Call && in.op != Op::MakeList && in.op != Op::Interpolate &&
         !op_is_test(in.op);
}

/// `Field x; P; <Cmp>; JumpUnlessTrue L`, where P pushes one value, becomes
/// `P; Field<Cmp>TopTest x; Jump L`: reading a field has no effect, so it
/// can come after P, and the field is read where it is compared. Neither P
/// nor what follows may be a jump target.
void reorder_field_compares(std::vector<Instr>& code, std::vector<grammar::Span>& spans) {
  std::vector<bool> target(code.size() + 1, false);
  for (const Instr& in : code) {
    if (is_jump(in.op)) target[in.a] = true;
  }
  std::vector<Instr> out;
  std::vector<grammar::Span> out_spans;
  std::vector<uint32_t> moved(code.size() + 1, 0);
  for (size_t i = 0; i < code.size();) {
    moved[i] = static_cast<uint32_t>(out.size());
    if (i + 3 < code.size() && code[i].op == Op::Field && pushes_one(code[i + 1]) && is_compare(code[i + 2].op) &&
        code[i + 3].op == Op::JumpUnlessTrue && !target[i + 1] && !target[i + 2] && !target[i + 3]) {
      const Op top = static_cast<Op>(static_cast<int>(Op::FieldEqTopTest) +
                                     (static_cast<int>(code[i + 2].op) - static_cast<int>(Op::Eq)));
      out.push_back(code[i + 1]);
      out_spans.push_back(spans[i + 1]);
      out.push_back(Instr{top, 0, 0, code[i].a});
      out_spans.push_back(grammar::Span::cover(spans[i], spans[i + 2]));
      out.push_back(Instr{Op::Jump, 0, 0, code[i + 3].a});
      out_spans.push_back(spans[i + 3]);
      for (size_t k = 1; k < 4; ++k) moved[i + k] = moved[i];
      i += 4;
      continue;
    }
    out.push_back(code[i]);
    out_spans.push_back(spans[i]);
    ++i;
  }
  retarget_jumps(out, moved, code.size());
  code.swap(out);
  spans.swap(out_spans);
}

/// The specialized form of a test against constant `k`, or the test itself.
Op specialize(Op op, const Value& k) {
  const bool str = k.kind == ValueKind::String;
  const bool integer = k.kind == ValueKind::Int;
  bool strs = k.kind == ValueKind::List;
  for (uint32_t i = 0; strs && i < k.size; ++i) strs = k.l[i].kind == ValueKind::String;
  switch (op) {
    case Op::FieldEqConstTest: return str ? Op::FieldEqStrTest : op;
    case Op::FieldNeConstTest: return str ? Op::FieldNeStrTest : op;
    case Op::FieldLtConstTest: return integer ? Op::FieldLtIntTest : op;
    case Op::FieldLeConstTest: return integer ? Op::FieldLeIntTest : op;
    case Op::FieldGtConstTest: return integer ? Op::FieldGtIntTest : op;
    case Op::FieldGeConstTest: return integer ? Op::FieldGeIntTest : op;
    case Op::FieldInConstTest: return strs ? Op::FieldInStrsTest : op;
    case Op::FieldNotInConstTest: return strs ? Op::FieldNotInStrsTest : op;
    case Op::ConstInFieldTest: return str ? Op::StrInFieldTest : op;
    case Op::ConstNotInFieldTest: return str ? Op::StrNotInFieldTest : op;
    default: return op;
  }
}

}  // namespace

void optimize_segment(std::vector<Instr>& code, std::vector<grammar::Span>& spans, const std::vector<Value>& constants) {
  thread_jumps(code);

  std::vector<bool> target(code.size() + 1, false);
  for (const Instr& in : code) {
    if (is_jump(in.op)) target[in.a] = true;
  }
  // Fusion: each rule below replaces `n` instructions, none of them but the
  // first a jump target, by one.
  std::vector<Instr> out;
  std::vector<grammar::Span> out_spans;
  std::vector<uint32_t> moved(code.size() + 1, 0);  // old index -> new index
  out.reserve(code.size());
  auto free_run = [&](size_t i, size_t n) {
    if (i + n > code.size()) return false;
    for (size_t k = i + 1; k < i + n; ++k) {
      if (target[k]) return false;
    }
    return true;
  };
  auto op_at = [&](size_t i) { return i < code.size() ? code[i].op : Op::Return; };
  for (size_t i = 0; i < code.size();) {
    moved[i] = static_cast<uint32_t>(out.size());
    const Op o0 = op_at(i), o1 = op_at(i + 1), o2 = op_at(i + 2), o3 = op_at(i + 3);
    Instr fused{Op::Return, 0, 0, 0};
    size_t n = 0;
    if (o0 == Op::Field && o1 == Op::Const && code[i + 1].a <= kMaxB) {
      const uint16_t k = static_cast<uint16_t>(code[i + 1].a);
      if (is_compare(o2) && free_run(i, 3)) {
        fused = Instr{field_const(o2), 0, k, code[i].a}, n = 3;
      } else if (o2 == Op::In && o3 == Op::Not && free_run(i, 4)) {
        fused = Instr{Op::FieldNotInConst, 0, k, code[i].a}, n = 4;
      } else if (o2 == Op::In && free_run(i, 3)) {
        fused = Instr{Op::FieldInConst, 0, k, code[i].a}, n = 3;
      } else if (o2 == Op::Mul && free_run(i, 3)) {
        fused = Instr{Op::FieldMulConst, 0, k, code[i].a}, n = 3;
      }
    } else if (o0 == Op::Const && o1 == Op::Field && code[i].a <= kMaxB) {
      const uint16_t k = static_cast<uint16_t>(code[i].a);
      if (o2 == Op::In && o3 == Op::Not && free_run(i, 4)) {
        fused = Instr{Op::ConstNotInField, 0, k, code[i + 1].a}, n = 4;
      } else if (o2 == Op::In && free_run(i, 3)) {
        fused = Instr{Op::ConstInField, 0, k, code[i + 1].a}, n = 3;
      } else if (o2 == Op::Mul && free_run(i, 3)) {
        fused = Instr{Op::FieldMulConst, 0, k, code[i + 1].a}, n = 3;
      }
    }
    if (n == 0 && o0 == Op::Const && o1 == Op::Const && o2 == Op::InRange && code[i].a <= kMaxB && free_run(i, 3)) {
      fused = Instr{Op::InRangeConst, 0, static_cast<uint16_t>(code[i].a), code[i + 1].a}, n = 3;
    }
    if (n == 0 && o0 == Op::Const && is_compare(o1) && free_run(i, 2)) {
      fused = Instr{top_const(o1), 0, 0, code[i].a}, n = 2;
    }
    if (n == 0 && o0 == Op::Not && o1 == Op::JumpUnlessTrue && free_run(i, 2)) {
      fused = Instr{Op::JumpUnlessFalse, 0, 0, code[i + 1].a}, n = 2;
    }
    if (n > 0) {
      out.push_back(fused);
      out_spans.push_back(grammar::Span::cover(spans[i], spans[i + n - 1]));
      for (size_t k = 1; k < n; ++k) moved[i + k] = moved[i];
      i += n;
      continue;
    }
    out.push_back(code[i]);
    out_spans.push_back(spans[i]);
    ++i;
  }
  retarget_jumps(out, moved, code.size());
  reorder_field_compares(out, out_spans);

  // Tests: `X; JumpUnlessTrue L` becomes `XTest; Jump L` in place, unless
  // something jumps to the JumpUnlessTrue itself (it would find no value).
  std::vector<bool> out_target(out.size() + 1, false);
  for (const Instr& in : out) {
    if (is_jump(in.op)) out_target[in.a] = true;
  }
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i + 1].op != Op::JumpUnlessTrue || out_target[i + 1]) continue;
    const Op t = test_form(out[i].op);
    if (t == Op::Return) continue;
    out[i].op = op_operand(t) == Operand::Field && out[i].b < constants.size() ? specialize(t, constants[out[i].b]) : t;
    out[i + 1].op = Op::Jump;
  }
  thread_jumps(out);
  code.swap(out);
  spans.swap(out_spans);
}

}  // namespace kairos
