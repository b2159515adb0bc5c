#pragma once
/// `kairos fmt`: prints a parsed playbook in the canonical layout
/// (docs/formatting.md), keeping every comment, without changing its meaning.

#include <optional>
#include <string>

#include "grammar/ast.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

namespace kairos::grammar {

/// The canonical text of `module`, parsed without errors from `file`. Every
/// comment of the input is kept; when one would be lost or reordered, the
/// result is the input unchanged and an error "fmt-lost-comment" is reported
/// ("fmt-internal" when the module cannot be laid out at all).
std::string format_module(const SourceFile& file, const ast::Module& module, Diagnostics& diags);

/// Parses file `file` of `sources` and formats it. Syntax errors are reported
/// and give no result. The formatted text is parsed again and must give the
/// same AST (error "fmt-changed-meaning" otherwise), so the result never
/// changes what the playbook does. Every error code of the formatter itself
/// starts with "fmt-".
std::optional<std::string> format_file(const SourceManager& sources, uint32_t file, Diagnostics& diags);

/// Structural equality of two expressions, ignoring spans and checker annotations.
bool same_expr(const ast::Expr* a, const ast::Expr* b);
/// Structural equality of two modules' declarations, ignoring spans and comments.
bool same_ast(const ast::Module& a, const ast::Module& b);

}  // namespace kairos::grammar
