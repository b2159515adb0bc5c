#include "interpreter/optimize.hpp"

#include <limits>

namespace kairos {

namespace {

bool is_jump(Op op) { return op_operand(op) == Operand::Jump; }

/// The fused opcode for `Field; Const; op`, or Return when there is none.
Op fused(Op compare) {
  switch (compare) {
    case Op::Eq: return Op::FieldEqConst;
    case Op::Ne: return Op::FieldNeConst;
    case Op::Lt: return Op::FieldLtConst;
    case Op::Le: return Op::FieldLeConst;
    case Op::Gt: return Op::FieldGtConst;
    case Op::Ge: return Op::FieldGeConst;
    default: return Op::Return;
  }
}

}  // namespace

void optimize_segment(std::vector<Instr>& code, std::vector<grammar::Span>& spans) {
  // Jump threading: a value kept by JumpIfFalseKeep is false, so landing on
  // another JumpIfFalseKeep always jumps again (the same for true).
  for (Instr& in : code) {
    if (in.op != Op::JumpIfFalseKeep && in.op != Op::JumpIfTrueKeep) continue;
    for (int hops = 0; hops < 64 && in.a < code.size() && code[in.a].op == in.op; ++hops) in.a = code[in.a].a;
  }

  std::vector<bool> target(code.size() + 1, false);
  for (const Instr& in : code) {
    if (is_jump(in.op)) target[in.a] = true;
  }
  std::vector<Instr> out;
  std::vector<grammar::Span> out_spans;
  std::vector<uint32_t> moved(code.size() + 1, 0);  // old index -> new index
  out.reserve(code.size());
  for (size_t i = 0; i < code.size();) {
    moved[i] = static_cast<uint32_t>(out.size());
    if (i + 2 < code.size() && code[i].op == Op::Field && code[i + 1].op == Op::Const &&
        fused(code[i + 2].op) != Op::Return && !target[i + 1] && !target[i + 2] &&
        code[i + 1].a <= std::numeric_limits<uint16_t>::max()) {
      out.push_back(Instr{fused(code[i + 2].op), 0, static_cast<uint16_t>(code[i + 1].a), code[i].a});
      out_spans.push_back(grammar::Span::cover(spans[i], spans[i + 2]));
      moved[i + 1] = moved[i + 2] = moved[i];
      i += 3;
      continue;
    }
    out.push_back(code[i]);
    out_spans.push_back(spans[i]);
    ++i;
  }
  moved[code.size()] = static_cast<uint32_t>(out.size());
  for (Instr& in : out) {
    if (is_jump(in.op)) in.a = moved[in.a];
  }
  code.swap(out);
  spans.swap(out_spans);
}

}  // namespace kairos
