#pragma once
/// Lowering: one declaration's PEGTL parse tree in, ast::Decl out. Private to
/// the parser (grammar/parser.cpp).

#include <tao/pegtl/contrib/parse_tree.hpp>

#include <optional>
#include <string>

#include "grammar/ast.hpp"
#include "grammar/diagnostic.hpp"

namespace kairos::grammar {

/// A node of the parse tree the parser keeps (see the selector in parser.cpp).
using ParseNode = tao::pegtl::parse_tree::node;

/// Turns parse-tree declarations of one file into AST declarations. Problems
/// found on the way (an invalid date, an integer too large, an expression too
/// deep) become "syntax-error" diagnostics.
class Lowerer {
 public:
  /// `base` is the first byte of the file's text; node offsets are measured from it.
  Lowerer(uint32_t file, const char* base, Diagnostics& diags) : file_(file), base_(base), diags_(diags) {}

  /// The declaration for a `declaration` node, or nothing when it cannot be
  /// built (the reason is already a diagnostic).
  std::optional<ast::Decl> declaration(const ParseNode& n);

 private:
  struct Built {
    ast::ExprPtr expr;
    int height = 1;  ///< nodes on the longest path down from this one
  };
  /// Thrown when a declaration cannot be built at all.
  struct Failure {
    Span span;
    std::string message;
  };

  Span span(const ParseNode& n) const;
  Span span_of(const char* begin, size_t size) const;
  void error(Span at, std::string message);
  void check_height(int height, Span at) const;
  ast::ExprPtr make(ast::ExprKind kind, Span s) const;

  void header(ast::Decl& d, const ParseNode& n, const char* what);
  void named_value(ast::Decl& d, const ParseNode& n);
  void def(ast::Decl& d, const ParseNode& n);
  std::unique_ptr<ast::Rule> rule(const ParseNode& n);
  ast::Action action(const ParseNode& n);
  std::string plain_string(const ParseNode& n, const char* what);
  int64_t priority(const ParseNode& n);

  Built expr(const ParseNode& n);
  Built chain(const ParseNode& n);
  Built comparison(const ParseNode& n);
  Built prefix(const ParseNode& n);
  Built range(const ParseNode& n);
  Built call(const ParseNode& n);
  Built list(const ParseNode& n);
  Built conditional(const ParseNode& n);
  Built string(const ParseNode& n);
  Built binary(const ParseNode& op, Built lhs, Built rhs);
  Built integer(const ParseNode& n);
  Built days(const ParseNode& n);
  Built number(const ParseNode& n);
  Built percent(const ParseNode& n);
  Built date(const ParseNode& n);

  uint32_t file_;
  const char* base_;
  Diagnostics& diags_;
  int anonymous_rules_ = 0;
};

}  // namespace kairos::grammar
