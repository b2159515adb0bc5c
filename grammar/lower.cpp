#include "grammar/lower.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "base/calendar.hpp"
#include "grammar/grammar.hpp"
#include "grammar/parser.hpp"

namespace kairos::grammar {

using ast::ExprKind;
using ast::Op;

namespace {

/// The operator a parse-tree operator node stands for.
Op op_of(const ParseNode& n) {
  using namespace peg;
  if (n.is_type<op_or>()) return Op::Or;
  if (n.is_type<op_and>()) return Op::And;
  if (n.is_type<op_not>()) return Op::Not;
  if (n.is_type<op_eq>()) return Op::Eq;
  if (n.is_type<op_ne>()) return Op::Ne;
  if (n.is_type<op_lt>()) return Op::Lt;
  if (n.is_type<op_le>()) return Op::Le;
  if (n.is_type<op_gt>()) return Op::Gt;
  if (n.is_type<op_ge>()) return Op::Ge;
  if (n.is_type<op_in>()) return Op::In;
  if (n.is_type<op_not_in>()) return Op::NotIn;
  if (n.is_type<op_add>()) return Op::Add;
  if (n.is_type<op_sub>()) return Op::Sub;
  if (n.is_type<op_mul>()) return Op::Mul;
  if (n.is_type<op_div>()) return Op::Div;
  if (n.is_type<op_mod>()) return Op::Mod;
  if (n.is_type<op_neg>()) return Op::Neg;
  return Op::None;
}

/// The value of a run of ASCII digits, or nothing when it does not fit an int64.
std::optional<int64_t> parse_digits(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// The option word of an `*_option` node.
const char* option_name(const ParseNode& n) {
  using namespace peg;
  if (n.is_type<owner_option>()) return "owner";
  if (n.is_type<due_option>()) return "due";
  if (n.is_type<discount_option>()) return "discount";
  if (n.is_type<reason_option>()) return "reason";
  if (n.is_type<steps_option>()) return "steps";
  if (n.is_type<score_option>()) return "score";
  return nullptr;
}

}  // namespace

Span Lowerer::span(const ParseNode& n) const {
  return {file_, static_cast<uint32_t>(n.m_begin.data - base_), static_cast<uint32_t>(n.m_end.data - base_)};
}

Span Lowerer::span_of(const char* begin, size_t size) const {
  const auto b = static_cast<uint32_t>(begin - base_);
  return {file_, b, b + static_cast<uint32_t>(size)};
}

void Lowerer::error(Span at, std::string message) { diags_.error("syntax-error", at, std::move(message)); }

// The AST is walked recursively by every later stage, so its height is
// bounded like the parser's nesting (a flat `a + b + ...` or `not not ...`
// run is cheap to parse but builds a deep tree).
void Lowerer::check_height(int height, Span at) const {
  if (height > kMaxNestingDepth) {
    throw Failure{at, fmt::format("expression nested too deeply (limit {})", kMaxNestingDepth)};
  }
}

ast::ExprPtr Lowerer::make(ExprKind kind, Span s) const {
  auto e = std::make_unique<ast::Expr>();
  e->kind = kind;
  e->span = s;
  return e;
}

std::optional<ast::Decl> Lowerer::declaration(const ParseNode& n) {
  using namespace peg;
  try {
    ast::Decl d;
    d.span = span(n);
    if (n.is_type<playbook_decl>()) {
      d.kind = ast::DeclKind::Playbook;
      header(d, n, "the playbook name");
    } else if (n.is_type<schema_decl>()) {
      d.kind = ast::DeclKind::Schema;
      header(d, n, "a schema path");
    } else if (n.is_type<import_decl>()) {
      d.kind = ast::DeclKind::Import;
      header(d, n, "an import path");
    } else if (n.is_type<policy_decl>()) {
      d.kind = ast::DeclKind::Policy;
      named_value(d, n);
    } else if (n.is_type<const_decl>()) {
      d.kind = ast::DeclKind::Const;
      named_value(d, n);
    } else if (n.is_type<let_decl>()) {
      d.kind = ast::DeclKind::Let;
      named_value(d, n);
    } else if (n.is_type<def_decl>()) {
      d.kind = ast::DeclKind::Def;
      def(d, n);
    } else {
      d.kind = ast::DeclKind::Rule;
      d.rule = rule(n);
      d.name = d.rule->name;
      d.name_span = d.rule->name_span;
    }
    return d;
  } catch (const Failure& f) {
    error(f.span, f.message);
    return std::nullopt;
  }
}

void Lowerer::header(ast::Decl& d, const ParseNode& n, const char* what) {
  const ParseNode& s = *n.children.at(0);
  d.name = plain_string(s, what);
  d.name_span = span(s);
}

void Lowerer::named_value(ast::Decl& d, const ParseNode& n) {
  const ParseNode& name = *n.children.at(0);
  d.name = name.string();
  d.name_span = span(name);
  d.value = expr(*n.children.at(1)).expr;
}

void Lowerer::def(ast::Decl& d, const ParseNode& n) {
  const ParseNode& name = *n.children.at(0);
  d.name = name.string();
  d.name_span = span(name);
  for (size_t i = 1; i + 1 < n.children.size(); ++i) {
    d.params.push_back(n.children[i]->string());
    d.param_spans.push_back(span(*n.children[i]));
  }
  d.value = expr(*n.children.back()).expr;
}

std::unique_ptr<ast::Rule> Lowerer::rule(const ParseNode& n) {
  using namespace peg;
  auto r = std::make_unique<ast::Rule>();
  r->span = span(n);
  if (n.is_type<anonymous_rule>()) {
    r->name_span = span_of(n.m_begin.data, 4);  // `when`
    r->anonymous_index = ++anonymous_rules_;
  }
  for (const auto& child : n.children) {
    const ParseNode& c = *child;
    if (c.is_type<rule_name>()) {
      r->name = c.string();
      r->name_span = span(c);
    } else if (c.is_type<description>()) {
      r->description = plain_string(*c.children.at(0), "a rule description");
      r->has_description = true;
    } else if (c.is_type<priority_clause>()) {
      if (r->priority) {
        error(span(c), "a rule has only one 'priority'");
        continue;
      }
      const ParseNode& value = *c.children.at(0);
      r->priority = priority(value);
      r->priority_span = span(value);
    } else if (c.is_type<group_clause>()) {
      if (!r->group.empty()) {
        error(span(c), "a rule belongs to only one 'group'");
        continue;
      }
      const ParseNode& group = *c.children.at(0);
      r->group = group.string();
      r->group_span = span(group);
    } else if (c.is_type<condition>()) {
      r->when = expr(*c.children.at(0)).expr;
    } else {
      r->actions.push_back(action(c));
    }
  }
  return r;
}

int64_t Lowerer::priority(const ParseNode& n) {
  const std::string_view text = n.string_view();
  const bool negative = text.front() == '-';
  const auto value = parse_digits(text.substr(negative ? 1 : 0));
  if (!value) {
    error(span(n), fmt::format("priority '{}' is too large", text));
    return 0;
  }
  return negative ? -*value : *value;
}

ast::Action Lowerer::action(const ParseNode& n) {
  using namespace peg;
  ast::Action a;
  a.span = span(n);
  size_t first_option = 0;
  if (n.is_type<propose_action>()) {
    a.verb = ast::ActionVerb::Propose;
    a.verb_span = span_of(n.m_begin.data, 7);
    const ParseNode& kind = *n.children.at(0);
    a.kind = kind.string();
    a.kind_span = span(kind);
    a.subject = expr(*n.children.at(1)).expr;
    first_option = 2;
  } else if (n.is_type<task_action>()) {
    a.verb = ast::ActionVerb::Task;
    a.verb_span = span_of(n.m_begin.data, 4);
    a.subject = expr(*n.children.at(0)).expr;
    first_option = 1;
  } else if (n.is_type<notify_action>()) {
    a.verb = ast::ActionVerb::Notify;
    a.verb_span = span_of(n.m_begin.data, 6);
    a.to = expr(*n.children.at(0)).expr;
    a.subject = expr(*n.children.at(1)).expr;
    first_option = 2;
  } else if (n.is_type<tag_action>()) {
    a.verb = ast::ActionVerb::Tag;
    a.verb_span = span_of(n.m_begin.data, 3);
    a.subject = expr(*n.children.at(0)).expr;
    first_option = 1;
  } else {
    a.verb = ast::ActionVerb::Stop;
    a.verb_span = span_of(n.m_begin.data, 4);
  }
  for (size_t i = first_option; i < n.children.size(); ++i) {
    const ParseNode& o = *n.children[i];
    ast::Option option;
    option.name = option_name(o);
    option.name_span = span_of(o.m_begin.data, option.name.size());
    option.value = expr(*o.children.at(0)).expr;
    a.options.push_back(std::move(option));
  }
  return a;
}

std::string Lowerer::plain_string(const ParseNode& n, const char* what) {
  Built s = string(n);
  std::string text;
  for (const ast::StringPart& part : s.expr->parts) {
    if (part.expr) {
      error(part.expr->span, fmt::format("{} cannot contain '{{...}}'; write '{{{{' for a literal brace", what));
    } else {
      text += part.text;
    }
  }
  return text;
}

// Expressions. Recursion here follows the parse tree, whose depth the
// parser already bounds (kMaxNestingDepth nested expressions); flat runs
// (chains, prefix operators, lists, string parts) are loops.

Lowerer::Built Lowerer::expr(const ParseNode& n) {
  using namespace peg;
  if (n.is_type<or_expr>() || n.is_type<and_expr>() || n.is_type<add_expr>() || n.is_type<mul_expr>()) {
    return chain(n);
  }
  if (n.is_type<cmp_expr>()) return comparison(n);
  if (n.is_type<not_expr>() || n.is_type<neg_expr>()) return prefix(n);
  if (n.is_type<in_operand>()) return range(n);
  if (n.is_type<paren>()) {
    Built inner = expr(*n.children.at(0));
    inner.expr->parenthesized = true;
    inner.expr->span = span(n);
    return inner;
  }
  if (n.is_type<name_or_call>()) return call(n);
  if (n.is_type<name>()) {
    auto e = make(ExprKind::Name, span(n));
    e->text = n.string();
    return {std::move(e)};
  }
  if (n.is_type<string_lit>()) return string(n);
  if (n.is_type<list_lit>()) return list(n);
  if (n.is_type<if_expr>()) return conditional(n);
  if (n.is_type<int_lit>()) return integer(n);
  if (n.is_type<days_lit>()) return days(n);
  if (n.is_type<number_lit>()) return number(n);
  if (n.is_type<percent_lit>()) return percent(n);
  if (n.is_type<date_lit>()) return date(n);
  if (n.is_type<true_lit>() || n.is_type<false_lit>()) {
    auto e = make(ExprKind::Bool, span(n));
    e->bool_value = n.is_type<true_lit>();
    return {std::move(e)};
  }
  if (n.is_type<null_lit>()) return {make(ExprKind::Null, span(n))};
  throw Failure{span(n), fmt::format("internal error: unexpected '{}' in an expression", n.type)};
}

Lowerer::Built Lowerer::binary(const ParseNode& op, Built lhs, Built rhs) {
  const int height = std::max(lhs.height, rhs.height) + 1;
  check_height(height, span(op));
  auto e = make(ExprKind::Binary, Span::cover(lhs.expr->span, rhs.expr->span));
  e->op = op_of(op);
  e->args.push_back(std::move(lhs.expr));
  e->args.push_back(std::move(rhs.expr));
  return {std::move(e), height};
}

// children: operand (operator operand)*, folded to the left.
Lowerer::Built Lowerer::chain(const ParseNode& n) {
  Built acc = expr(*n.children.at(0));
  for (size_t i = 1; i + 1 < n.children.size(); i += 2) {
    Built rhs = expr(*n.children[i + 1]);
    acc = binary(*n.children[i], std::move(acc), std::move(rhs));
  }
  return acc;
}

// children: lhs op rhs, or lhs is-null-op.
Lowerer::Built Lowerer::comparison(const ParseNode& n) {
  const ParseNode& op = *n.children.at(1);
  Built lhs = expr(*n.children.at(0));
  if (n.children.size() == 3) return binary(op, std::move(lhs), expr(*n.children[2]));
  const int height = lhs.height + 1;
  check_height(height, span(op));
  auto e = make(ExprKind::IsNull, Span::cover(lhs.expr->span, span(op)));
  e->negated = op.is_type<peg::op_is_not_null>();
  e->args.push_back(std::move(lhs.expr));
  return {std::move(e), height};
}

// children: op+ operand; the first operator is the outermost node.
Lowerer::Built Lowerer::prefix(const ParseNode& n) {
  const size_t ops = n.children.size() - 1;
  Built acc = expr(*n.children.back());
  check_height(acc.height + static_cast<int>(std::min<size_t>(ops, kMaxNestingDepth)), span(*n.children.front()));
  for (size_t i = ops; i-- > 0;) {
    const ParseNode& op = *n.children[i];
    auto e = make(ExprKind::Unary, Span::cover(span(op), acc.expr->span));
    e->op = op_of(op);
    e->args.push_back(std::move(acc.expr));
    acc = {std::move(e), acc.height + 1};
  }
  return acc;
}

// children: lo .. hi
Lowerer::Built Lowerer::range(const ParseNode& n) {
  Built lo = expr(*n.children.at(0));
  Built hi = expr(*n.children.at(2));
  const int height = std::max(lo.height, hi.height) + 1;
  check_height(height, span(n));
  auto e = make(ExprKind::Range, Span::cover(lo.expr->span, hi.expr->span));
  e->args.push_back(std::move(lo.expr));
  e->args.push_back(std::move(hi.expr));
  return {std::move(e), height};
}

// children: name arguments
Lowerer::Built Lowerer::call(const ParseNode& n) {
  const ParseNode& name = *n.children.at(0);
  const ParseNode& arguments = *n.children.at(1);
  auto e = make(ExprKind::Call, span(n));
  e->text = name.string();
  e->name_span = span(name);
  int height = 1;
  for (const auto& a : arguments.children) {
    Built arg = expr(*a);
    height = std::max(height, arg.height + 1);
    e->args.push_back(std::move(arg.expr));
  }
  check_height(height, span(n));
  return {std::move(e), height};
}

Lowerer::Built Lowerer::list(const ParseNode& n) {
  auto e = make(ExprKind::List, span(n));
  int height = 1;
  for (const auto& child : n.children) {
    Built element = expr(*child);
    height = std::max(height, element.height + 1);
    e->args.push_back(std::move(element.expr));
  }
  check_height(height, span(n));
  return {std::move(e), height};
}

Lowerer::Built Lowerer::conditional(const ParseNode& n) {
  auto e = make(ExprKind::If, span(n));
  int height = 1;
  for (const auto& child : n.children) {
    Built part = expr(*child);
    height = std::max(height, part.height + 1);
    e->args.push_back(std::move(part.expr));
  }
  check_height(height, span(n));
  return {std::move(e), height};
}

// children: text runs, escapes, `{{`, `}}` and interpolated expressions;
// adjacent literal pieces merge into one part.
Lowerer::Built Lowerer::string(const ParseNode& n) {
  using namespace peg;
  auto e = make(ExprKind::String, span(n));
  int height = 1;
  auto literal = [&]() -> std::string& {
    if (e->parts.empty() || e->parts.back().expr) e->parts.emplace_back();
    return e->parts.back().text;
  };
  for (const auto& child : n.children) {
    const ParseNode& c = *child;
    if (c.is_type<str_text>()) {
      literal() += c.string_view();
    } else if (c.is_type<str_lbrace>()) {
      literal() += '{';
    } else if (c.is_type<str_rbrace>()) {
      literal() += '}';
    } else if (c.is_type<str_escape>()) {
      const std::string_view esc = c.string_view();
      switch (esc[1]) {
        case 'n': literal() += '\n'; break;
        case 't': literal() += '\t'; break;
        case 'u': {
          uint32_t cp = 0;
          std::from_chars(esc.data() + 3, esc.data() + esc.size() - 1, cp, 16);
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            error(span(c), fmt::format("'{}' is not a valid Unicode code point", esc));
          } else {
            append_utf8(literal(), cp);
          }
          break;
        }
        default: literal() += esc[1]; break;  // \" and \\ stand for themselves
      }
    } else {
      Built part = expr(c);
      height = std::max(height, part.height + 1);
      e->parts.push_back({std::string(), std::move(part.expr)});
    }
  }
  check_height(height, span(n));
  return {std::move(e), height};
}

Lowerer::Built Lowerer::integer(const ParseNode& n) {
  auto e = make(ExprKind::Int, span(n));
  e->text = n.string();
  if (const auto v = parse_digits(e->text)) {
    e->int_value = *v;
  } else {
    error(span(n), fmt::format("integer '{}' is too large", e->text));
  }
  return {std::move(e)};
}

Lowerer::Built Lowerer::days(const ParseNode& n) {
  auto e = make(ExprKind::Int, span(n));
  e->text = n.string();
  const std::string_view digits = std::string_view(e->text).substr(0, e->text.size() - 1);
  const int64_t unit = e->text.back() == 'w' ? 7 : 1;
  const auto v = parse_digits(digits);
  if (v && *v <= std::numeric_limits<int64_t>::max() / unit) {
    e->int_value = *v * unit;
  } else {
    error(span(n), fmt::format("day count '{}' is too large", e->text));
  }
  return {std::move(e)};
}

Lowerer::Built Lowerer::number(const ParseNode& n) {
  auto e = make(ExprKind::Number, span(n));
  e->text = n.string();
  std::from_chars(e->text.data(), e->text.data() + e->text.size(), e->number_value);
  return {std::move(e)};
}

// `12.5%` is 12.5e-2: parsing the shifted decimal keeps the result correctly rounded.
Lowerer::Built Lowerer::percent(const ParseNode& n) {
  auto e = make(ExprKind::Number, span(n));
  e->text = n.string();
  const std::string scaled = e->text.substr(0, e->text.size() - 1) + "e-2";
  std::from_chars(scaled.data(), scaled.data() + scaled.size(), e->number_value);
  return {std::move(e)};
}

Lowerer::Built Lowerer::date(const ParseNode& n) {
  auto e = make(ExprKind::Date, span(n));
  e->text = n.string();
  const std::string_view t = e->text;  // YYYY-MM-DD
  const int64_t y = *parse_digits(t.substr(0, 4));
  const auto m = static_cast<unsigned>(*parse_digits(t.substr(5, 2)));
  const auto d = static_cast<unsigned>(*parse_digits(t.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
    error(span(n), fmt::format("'{}' is not a valid date", t));
  } else {
    e->int_value = days_from_civil(y, m, d);
  }
  return {std::move(e)};
}

}  // namespace kairos::grammar
