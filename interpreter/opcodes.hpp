#pragma once
/// The instruction set: one X-macro list generates the enum, the name table,
/// the operand kinds, the stack effects used by the compiler's depth check and
/// the disassembler.
///
/// An instruction is 8 bytes:
///
///     0       8       16              32                              63
///     +-------+-------+---------------+-------------------------------+
///     |  op   |   -   |       b       |               a               |
///     +-------+-------+---------------+-------------------------------+
///
/// `a` is a constant, field, let, local, builtin, rule or group index, a
/// segment entry or a jump target (an absolute code offset); `b` is an
/// argument or element count, or for the fused instructions the constant's
/// index (InRangeConst: `b` the low end, `a` the high end).
///
/// Conditions of rules are compiled for control flow: a *test* instruction
/// (the second list) computes a truth value and is always followed by a Jump;
/// unless the value is true it takes that Jump, otherwise it skips it. The
/// Jump is not dispatched on its own, and a test never pushes: `health >= 80
/// and phase == adoption` is two tests and no stack traffic. Null and values
/// of the wrong kind are "not true", as Kleene logic needs for a rule to fire.

#include <cstdint>

namespace kairos {

enum class Operand : uint8_t { None, Constant, Field, Let, Local, Jump, Builtin, Count, Range, Rule, Group, Entry };

//        name             operand            stack  meaning
#define KAIROS_OPCODES(X)                                                                           \
  X(Const,           Operand::Constant, +1, "push constant a")                                      \
  X(Field,           Operand::Field,    +1, "push field a of the record")                           \
  X(Let,             Operand::Let,      +1, "push let a, evaluated at most once per record")        \
  X(Local,           Operand::Local,    +1, "push local a (a def parameter)")                       \
  X(SetLocal,        Operand::Local,    -1, "pop into local a")                                     \
  X(Neg,             Operand::None,      0, "negate a number; null stays null")                     \
  X(Not,             Operand::None,      0, "three-valued not")                                     \
  X(Add,             Operand::None,     -1, "add numbers, concatenate strings, or date + days")     \
  X(Sub,             Operand::None,     -1, "subtract numbers, date - days, or date - date")        \
  X(Mul,             Operand::None,     -1, "multiply")                                             \
  X(Div,             Operand::None,     -1, "divide, always a number; by zero gives null")          \
  X(Mod,             Operand::None,     -1, "remainder, truncated toward zero; by zero null")       \
  X(Eq,              Operand::None,     -1, "equal (null if either is null)")                       \
  X(Ne,              Operand::None,     -1, "not equal (null if either is null)")                   \
  X(Lt,              Operand::None,     -1, "less than")                                            \
  X(Le,              Operand::None,     -1, "less than or equal")                                   \
  X(Gt,              Operand::None,     -1, "greater than")                                         \
  X(Ge,              Operand::None,     -1, "greater than or equal")                                \
  X(In,              Operand::None,     -1, "x in list (an equal item) or in string (substring)")   \
  X(InRange,         Operand::None,     -2, "lo <= x <= hi for x, lo, hi on the stack")             \
  X(IsNull,          Operand::None,      0, "true when null")                                       \
  X(IsNotNull,       Operand::None,      0, "true when not null")                                   \
  X(And,             Operand::None,     -1, "Kleene and of the two top values")                     \
  X(Or,              Operand::None,     -1, "Kleene or of the two top values")                      \
  X(JumpIfFalseKeep, Operand::Jump,      0, "jump to a if the top is false, keeping it")            \
  X(JumpIfTrueKeep,  Operand::Jump,      0, "jump to a if the top is true, keeping it")             \
  X(JumpUnlessTrue,  Operand::Jump,     -1, "pop; jump to a unless it was true")                    \
  X(JumpUnlessFalse, Operand::Jump,     -1, "pop; jump to a unless it was false (Not; JumpUnlessTrue)") \
  X(Jump,            Operand::Jump,      0, "jump to a")                                            \
  X(Call,            Operand::Builtin,   1, "call builtin a with the b top values (pops b)")        \
  X(MakeList,        Operand::Count,     1, "pop b values into a list")                             \
  X(Interpolate,     Operand::Count,     1, "pop b values and join their text into a string")       \
  X(Return,          Operand::None,     -1, "end of the segment: pop the result")                   \
  X(ReturnTrue,      Operand::None,      0, "leave the segment with the result true (a condition)") \
  X(ReturnFalse,     Operand::None,      0, "end of a condition's segment: the result is false")    \
  X(FieldEqConst,    Operand::Field,    +1, "push field a == constant b (Field, Const, Eq fused)")  \
  X(FieldNeConst,    Operand::Field,    +1, "push field a != constant b")                           \
  X(FieldLtConst,    Operand::Field,    +1, "push field a < constant b")                            \
  X(FieldLeConst,    Operand::Field,    +1, "push field a <= constant b")                           \
  X(FieldGtConst,    Operand::Field,    +1, "push field a > constant b")                            \
  X(FieldGeConst,    Operand::Field,    +1, "push field a >= constant b")                           \
  X(EqConst,         Operand::Constant,  0, "top == constant a (Const, Eq fused)")                  \
  X(NeConst,         Operand::Constant,  0, "top != constant a")                                    \
  X(LtConst,         Operand::Constant,  0, "top < constant a")                                     \
  X(LeConst,         Operand::Constant,  0, "top <= constant a")                                    \
  X(GtConst,         Operand::Constant,  0, "top > constant a")                                     \
  X(GeConst,         Operand::Constant,  0, "top >= constant a")                                    \
  X(FieldInConst,    Operand::Field,    +1, "push field a in constant b (Field, Const, In fused)")  \
  X(FieldNotInConst, Operand::Field,    +1, "push field a not in constant b")                       \
  X(ConstInField,    Operand::Field,    +1, "push constant b in field a (Const, Field, In fused)")  \
  X(ConstNotInField, Operand::Field,    +1, "push constant b not in field a")                       \
  X(InRangeConst,    Operand::Range,     0, "constant b <= top <= constant a (Const, Const, InRange)") \
  X(FieldMulConst,   Operand::Field,    +1, "push field a * constant b (Field, Const, Mul fused)")  \
  X(Fire,            Operand::Rule,      0, "rule a fired: close its group, emit its actions; leave at its stop") \
  X(LetCached,       Operand::Jump,      0, "let b known for this record: push it, jump to a (+1 then)") \
  X(LetStore,        Operand::Let,       0, "keep the top as let a's value for this record")          \
  /* the tests: each is followed by a Jump that it takes unless its value is true */               \
  X(FieldTest,        Operand::Field,    0, "test field a")                                         \
  X(FieldEqConstTest, Operand::Field,    0, "test field a == constant b")                           \
  X(FieldNeConstTest, Operand::Field,    0, "test field a != constant b")                           \
  X(FieldLtConstTest, Operand::Field,    0, "test field a < constant b")                            \
  X(FieldLeConstTest, Operand::Field,    0, "test field a <= constant b")                           \
  X(FieldGtConstTest, Operand::Field,    0, "test field a > constant b")                            \
  X(FieldGeConstTest, Operand::Field,    0, "test field a >= constant b")                           \
  X(EqTest,           Operand::None,    -2, "pop two; test ==")                                     \
  X(NeTest,           Operand::None,    -2, "pop two; test !=")                                     \
  X(LtTest,           Operand::None,    -2, "pop two; test <")                                      \
  X(LeTest,           Operand::None,    -2, "pop two; test <=")                                     \
  X(GtTest,           Operand::None,    -2, "pop two; test >")                                      \
  X(GeTest,           Operand::None,    -2, "pop two; test >=")                                     \
  X(EqConstTest,      Operand::Constant, -1, "pop; test == constant a")                             \
  X(NeConstTest,      Operand::Constant, -1, "pop; test != constant a")                             \
  X(LtConstTest,      Operand::Constant, -1, "pop; test < constant a")                              \
  X(LeConstTest,      Operand::Constant, -1, "pop; test <= constant a")                             \
  X(GtConstTest,      Operand::Constant, -1, "pop; test > constant a")                              \
  X(GeConstTest,      Operand::Constant, -1, "pop; test >= constant a")                             \
  X(FieldInConstTest, Operand::Field,    0, "test field a in constant b")                           \
  X(FieldNotInConstTest, Operand::Field, 0, "test field a not in constant b")                       \
  X(ConstInFieldTest, Operand::Field,    0, "test constant b in field a")                           \
  X(ConstNotInFieldTest, Operand::Field, 0, "test constant b not in field a")                       \
  X(InRangeConstTest, Operand::Range,   -1, "pop; test constant b <= it <= constant a")               \
  /* tests specialized by the constant's kind; other kinds take the general way */                 \
  X(FieldEqStrTest,   Operand::Field,    0, "test field a == string constant b (pointer, length, bytes)") \
  X(FieldNeStrTest,   Operand::Field,    0, "test field a != string constant b")                     \
  X(FieldLtIntTest,   Operand::Field,    0, "test field a < int constant b (an int field compared directly)") \
  X(FieldLeIntTest,   Operand::Field,    0, "test field a <= int constant b")                        \
  X(FieldGtIntTest,   Operand::Field,    0, "test field a > int constant b")                         \
  X(FieldGeIntTest,   Operand::Field,    0, "test field a >= int constant b")                        \
  X(FieldInStrsTest,  Operand::Field,    0, "test field a in constant b, a list of strings")         \
  X(FieldNotInStrsTest, Operand::Field,  0, "test field a not in constant b, a list of strings")     \
  X(StrInFieldTest,   Operand::Field,    0, "test string constant b in field a (items by length first)") \
  X(StrNotInFieldTest, Operand::Field,   0, "test string constant b not in field a")                 \
  X(FieldEqTopTest,   Operand::Field,   -1, "pop; test field a == it (Field; X; Eq reordered: X pushes one value)") \
  X(FieldNeTopTest,   Operand::Field,   -1, "pop; test field a != it")                              \
  X(FieldLtTopTest,   Operand::Field,   -1, "pop; test field a < it")                               \
  X(FieldLeTopTest,   Operand::Field,   -1, "pop; test field a <= it")                              \
  X(FieldGtTopTest,   Operand::Field,   -1, "pop; test field a > it")                               \
  X(FieldGeTopTest,   Operand::Field,   -1, "pop; test field a >= it (seats >= 0.9 * seat_limit)")  \
  /* only in the rules linked into one stream for Vm::run (link_rules) */                         \
  X(GroupTest,        Operand::Group,    0, "test that no rule of group a has fired for this record") \
  X(EvalTest,         Operand::Entry,    0, "test the value of the segment at a (a condition's value form)")

enum class Op : uint8_t {
#define KAIROS_OP_ENUM(name, operand, stack, meaning) name,
  KAIROS_OPCODES(KAIROS_OP_ENUM)
#undef KAIROS_OP_ENUM
};

/// One instruction.
struct Instr {
  Op op;
  uint8_t unused = 0;
  uint16_t b = 0;
  uint32_t a = 0;
};
static_assert(sizeof(Instr) == 8, "instructions are 8 bytes");

/// The name of an opcode, e.g. "JumpIfFalseKeep".
const char* op_name(Op op);
/// The kind of operand `a` of an opcode.
Operand op_operand(Op op);
/// The stack effect; for Call, MakeList and Interpolate add -b.
int op_stack_effect(Op op);
/// The one-line meaning of an opcode.
const char* op_meaning(Op op);
/// True for the test instructions, which are always followed by a Jump that
/// they take unless their value is true (and skip otherwise).
inline bool op_is_test(Op op) { return op >= Op::FieldTest; }
/// True for the instructions that leave a segment.
inline bool op_returns(Op op) { return op == Op::Return || op == Op::ReturnTrue || op == Op::ReturnFalse; }

}  // namespace kairos
