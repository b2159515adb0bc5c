#pragma once
/// A peephole pass over one expression segment before it joins the chunk.

#include <vector>

#include "grammar/source.hpp"
#include "interpreter/opcodes.hpp"

namespace kairos {

/// Rewrites a segment (jump targets relative to its start) in place:
/// - `Field a; Const b; <comparison>` becomes one fused `Field<Cmp>Const a, b`;
/// - a jump to a `JumpIfFalseKeep`/`JumpIfTrueKeep` of the same kind (the kept
///   value is the same) goes straight to that jump's target.
/// Instructions that are jump targets are never fused away.
void optimize_segment(std::vector<Instr>& code, std::vector<grammar::Span>& spans);

}  // namespace kairos
