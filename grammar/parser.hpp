#pragma once
/// The PEGTL parser: playbook text in, AST out, syntax errors as diagnostics.

#include "grammar/ast.hpp"
#include "grammar/diagnostic.hpp"

namespace kairos::grammar {

/// Hard limits that keep hostile input from exhausting the stack.
inline constexpr int kMaxNestingDepth = 200;  ///< nested expressions, parentheses, lists

/// Parses file `file` of `sources`. Every syntax error found becomes a
/// diagnostic (parsing resumes at the next declaration, so several can be
/// reported); the module holds every declaration that parsed.
ast::Module parse(const SourceManager& sources, uint32_t file, Diagnostics& diags);

}  // namespace kairos::grammar
