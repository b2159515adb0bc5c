#pragma once
/// The playbook AST: what the parser produces and the checker, compiler and
/// formatter consume. Every node carries the span of its source text.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grammar/source.hpp"

namespace kairos::ast {

using grammar::Span;

enum class ExprKind {
  Int,       ///< 42, and day counts 90d / 2w (int_value holds days); `text` keeps the spelling
  Number,    ///< 3.5, and percentages 10% (number_value 0.10); `text` keeps the spelling
  Date,      ///< 2026-01-15 (int_value = days since 1970-01-01)
  String,    ///< "..." with parts (literal text and interpolated expressions)
  Bool,      ///< true / false (bool_value)
  Null,      ///< null
  List,      ///< [a, b, c]: elements in args
  Range,     ///< lo..hi, only as the right operand of in / not in: args = {lo, hi}
  Name,      ///< identifier or dotted path (`usage.api_calls`) in text
  Call,      ///< text = function name, args = arguments
  Unary,     ///< op = Neg or Not, args = {operand}
  Binary,    ///< op = arithmetic, comparison, And, Or, In, NotIn; args = {lhs, rhs}
  IsNull,    ///< args = {operand}; negated = true for `is not null`
  If,        ///< if C then A else B: args = {C, A, B}
};

enum class Op {
  None,
  Neg, Not,                           // unary
  Add, Sub, Mul, Div, Mod,            // arithmetic
  Eq, Ne, Lt, Le, Gt, Ge,             // comparison
  In, NotIn,                          // membership
  And, Or,                            // logic
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// One piece of a string literal: literal text, or an interpolated `{expr}`.
struct StringPart {
  std::string text;  ///< the literal text with escapes decoded (when expr is null)
  ExprPtr expr;      ///< the interpolated expression, or null for literal text
};

/// An expression node. The checker fills in the annotation fields at the end.
struct Expr {
  ExprKind kind = ExprKind::Null;
  Span span;
  Op op = Op::None;
  bool bool_value = false;
  bool negated = false;            ///< IsNull: `is not null`
  int64_t int_value = 0;
  double number_value = 0;
  std::string text;                ///< Name/Call: the name; Int/Number: the spelling as written
  Span name_span;                  ///< Call: the span of the function name
  std::vector<StringPart> parts;   ///< String
  std::vector<ExprPtr> args;       ///< operands, elements or arguments
  bool parenthesized = false;      ///< written inside ( ) (the formatter keeps them)
};

/// One `name value` option after an action (owner, due, discount, reason, steps, score).
struct Option {
  std::string name;
  Span name_span;
  ExprPtr value;
};

enum class ActionVerb { Propose, Task, Notify, Tag, Stop };

/// One action after `then`.
struct Action {
  ActionVerb verb = ActionVerb::Tag;
  Span span;              ///< the whole action including its options
  Span verb_span;
  std::string kind;       ///< propose: upgrade|cross_sell|bundle|addon|downsell|renewal
  Span kind_span;
  ExprPtr to;             ///< notify: the recipient
  ExprPtr subject;        ///< propose: offer; task: title; notify: message; tag: tag; stop: null
  std::vector<Option> options;
};

/// A rule, named or anonymous.
struct Rule {
  std::string name;              ///< empty for an anonymous rule
  Span name_span;                ///< for an anonymous rule: the span of `when`
  std::string description;       ///< optional "description" after the name
  bool has_description = false;
  std::optional<int64_t> priority;
  Span priority_span;
  std::string group;             ///< empty when none
  Span group_span;
  ExprPtr when;
  std::vector<Action> actions;
  Span span;                     ///< the whole rule
  int anonymous_index = 0;       ///< N of `rule#N` for anonymous rules (1-based), else 0
};

enum class DeclKind { Playbook, Schema, Import, Policy, Const, Let, Def, Rule };

/// A top-level declaration in source order.
struct Decl {
  DeclKind kind = DeclKind::Rule;
  Span span;                         ///< the whole declaration
  std::string name;                  ///< Playbook/Schema/Import: the string; Policy/Const/Let/Def: the name
  Span name_span;
  std::vector<std::string> params;   ///< Def: parameter names
  std::vector<Span> param_spans;
  ExprPtr value;                     ///< Policy/Const/Let/Def: the value or body
  std::unique_ptr<Rule> rule;        ///< Rule
};

/// A `# ...` comment with its span (text includes the leading '#').
struct Comment {
  std::string text;
  Span span;
};

/// One parsed file.
struct Module {
  uint32_t file = 0;                 ///< index in the SourceManager
  std::vector<Decl> decls;
  std::vector<Comment> comments;     ///< in source order
};

}  // namespace kairos::ast
