#pragma once
/// A peephole pass over one expression segment before it joins the chunk.

#include <vector>

#include "grammar/source.hpp"
#include "interpreter/opcodes.hpp"
#include "data/value.hpp"

namespace kairos {

/// Rewrites a segment (jump targets relative to its start) in place:
/// - a jump to a `JumpIfFalseKeep`/`JumpIfTrueKeep` of the same kind (the kept
///   value is the same) goes straight to that jump's target, and a jump to a
///   `Jump` goes to its target;
/// - short sequences become one fused instruction: `Field; Const; <compare>`
///   becomes `Field<Cmp>Const`, `Const; <compare>` becomes `<Cmp>Const`,
///   `Field; Const; In [; Not]` becomes `Field[Not]InConst`, `Const; Field;
///   In [; Not]` becomes `Const[Not]InField`, `Const; Const; InRange` becomes
///   `InRangeConst`, `Field; Const; Mul` and `Const; Field; Mul` become
///   `FieldMulConst`, `Not; JumpUnlessTrue` becomes `JumpUnlessFalse`;
/// - a comparison, a membership test or a field followed by `JumpUnlessTrue`
///   becomes the matching test instruction followed by a `Jump`, and
///   `Field x; P; <compare>; JumpUnlessTrue` (P pushes one value) becomes
///   `P; Field<Cmp>TopTest x; Jump`;
/// - a test against a constant whose kind is known takes the specialized
///   instruction for it (`constants` is the chunk's pool): `field == "x"`
///   becomes FieldEqStrTest, `field in ["a", "b"]` FieldInStrsTest, `"x" in
///   field` StrInFieldTest (and their negations), `field >= 80`
///   FieldGeIntTest (and <, <=, >).
/// Instructions that are jump targets are never fused away.
void optimize_segment(std::vector<Instr>& code, std::vector<grammar::Span>& spans, const std::vector<Value>& constants);

}  // namespace kairos
