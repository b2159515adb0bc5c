#include "interpreter/opcodes.hpp"

namespace kairos {

namespace {
struct OpInfo {
  const char* name;
  Operand operand;
  int stack;
  const char* meaning;
};
constexpr OpInfo kOps[] = {
#define KAIROS_OP_INFO(name, operand, stack, meaning) {#name, operand, stack, meaning},
    KAIROS_OPCODES(KAIROS_OP_INFO)
#undef KAIROS_OP_INFO
};
}  // namespace

const char* op_name(Op op) { return kOps[static_cast<int>(op)].name; }
Operand op_operand(Op op) { return kOps[static_cast<int>(op)].operand; }
int op_stack_effect(Op op) { return kOps[static_cast<int>(op)].stack; }
const char* op_meaning(Op op) { return kOps[static_cast<int>(op)].meaning; }

}  // namespace kairos
