#pragma once
/// The disassembler: a readable listing of a compiled playbook.

#include <string>

#include "grammar/source.hpp"
#include "interpreter/builtins.hpp"
#include "interpreter/program.hpp"

namespace kairos {

/// Lists the rules in evaluation order, the lets, the constants and every
/// instruction with its source line and what its operand refers to.
std::string disassemble(const Program& program, const grammar::SourceManager& sources, const Registry& registry);

}  // namespace kairos
