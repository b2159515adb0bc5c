#include "grammar/formatter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "base/calendar.hpp"
#include "grammar/parser.hpp"

namespace kairos::grammar {

namespace {

using ast::Comment;
using ast::Decl;
using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;
using ast::Op;

/// Something the formatter cannot lay out safely; format_module reports it and
/// returns the input unchanged.
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// A light lexer over playbook text, for what the AST has no span for
/// (keywords such as `when`/`then`, a rule's description) and for finding the
/// comments of the formatted text. It only has to be right on text that parsed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  size_t size() const { return text_.size(); }
  char at(size_t pos) const { return pos < text_.size() ? text_[pos] : '\0'; }

  /// The first position at or after `pos` that is neither whitespace nor a comment.
  size_t skip_trivia(size_t pos) const {
    while (pos < text_.size()) {
      if (is_space(text_[pos])) {
        ++pos;
      } else if (text_[pos] == '#') {
        pos = line_end(pos);
      } else {
        break;
      }
    }
    return pos;
  }

  /// One past the last character of the line holding `pos` (before its '\n' or '\r').
  size_t line_end(size_t pos) const {
    while (pos < text_.size() && text_[pos] != '\n' && text_[pos] != '\r') ++pos;
    return pos;
  }

  /// True when the whole word `w` (not the start of a longer identifier) is at `pos`.
  bool word_at(size_t pos, std::string_view w) const {
    return text_.substr(pos, w.size()) == w && !is_ident(at(pos + w.size()));
  }

  /// One past the word (an identifier, or a whole number with an optional '-') at `pos`.
  size_t skip_word(size_t pos) const {
    if (at(pos) == '-') ++pos;
    while (is_ident(at(pos))) ++pos;
    return pos;
  }

  /// `pos` is at a '"': one past the closing quote of that string literal,
  /// interpolations (with their nested strings and comments) included.
  size_t skip_string(size_t pos) const {
    ++pos;
    while (pos < text_.size()) {
      const char c = text_[pos];
      if (c == '"') return pos + 1;
      if (c == '\\') {
        pos += 2;
      } else if (c == '{' && at(pos + 1) == '{') {
        pos += 2;
      } else if (c == '{') {
        pos = skip_interpolation(pos + 1);
      } else if (c == '\n') {
        return pos;  // unterminated: cannot happen in text that parsed
      } else {
        ++pos;
      }
    }
    return pos;
  }

  /// True when the line holding `pos` has something other than whitespace before it.
  bool code_before_on_line(size_t pos) const {
    while (pos > 0) {
      const char c = text_[pos - 1];
      if (c == '\n' || c == '\r') return false;
      if (!is_space(c)) return true;
      --pos;
    }
    return false;
  }

  /// True when at least one empty line separates `pos` from the text before it.
  bool blank_line_before(size_t pos) const {
    int newlines = 0;
    while (pos > 0 && is_space(text_[pos - 1])) {
      if (text_[pos - 1] == '\n') ++newlines;
      --pos;
    }
    return pos > 0 && newlines >= 2;
  }

  /// The text of every comment, in order, with trailing whitespace removed.
  std::vector<std::string> comments() const {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text_.size()) {
      const char c = text_[pos];
      if (c == '"') {
        pos = skip_string(pos);
      } else if (c == '#') {
        const size_t end = line_end(pos);
        out.emplace_back(trim_right(text_.substr(pos, end - pos)));
        pos = end;
      } else {
        ++pos;
      }
    }
    return out;
  }

  static std::string trim_right(std::string_view s) {
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return std::string(s);
  }

 private:
  /// After the '{' of an interpolation: one past its closing '}'.
  size_t skip_interpolation(size_t pos) const {
    while (pos < text_.size()) {
      const char c = text_[pos];
      if (c == '}') return pos + 1;
      if (c == '"') {
        pos = skip_string(pos);
      } else if (c == '#') {
        pos = line_end(pos);
      } else {
        ++pos;
      }
    }
    return pos;
  }

  std::string_view text_;
};

/// A date as YYYY-MM-DD from days since 1970-01-01.
std::string iso_date(int64_t days) {
  char buf[16];
  return std::string(buf, format_iso_date(days, buf));
}

/// Literal string text written back with escapes (used when the source
/// spelling of a string cannot be copied).
std::string escape_text(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '{': out += "{{"; break;
      case '}': out += "}}"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{{{:x}}}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  return out;
}

/// Lines longer than this are broken at `and`, `or` and `else` (docs/formatting.md).
constexpr size_t kWidth = 80;

/// The display width of UTF-8 text: its code points.
size_t width(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// The column after `text` printed from column `col` (its last line holds absolute columns).
size_t end_column(std::string_view text, size_t col) {
  const size_t nl = text.rfind('\n');
  return nl == std::string_view::npos ? col + width(text) : width(text.substr(nl + 1));
}

std::string spaces(size_t n) { return std::string(n, ' '); }

const char* binary_op(Op op) {
  switch (op) {
    case Op::Add: return "+";
    case Op::Sub: return "-";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::Mod: return "%";
    case Op::Eq: return "==";
    case Op::Ne: return "!=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::In: return "in";
    case Op::NotIn: return "not in";
    case Op::And: return "and";
    case Op::Or: return "or";
    default: throw FormatError("an operator the formatter does not know");
  }
}

/// One output line of code, with the comments that go with it.
struct Line {
  int indent = 0;
  std::string text;
  size_t begin = 0;                     ///< source offset of the line's first token
  size_t decl = 0;                      ///< index of its declaration
  bool first = false;                   ///< the first line of its declaration
  bool last_of_rule = false;            ///< the last line of a rule
  std::vector<const Comment*> before;   ///< own-line comments written before the line in the source
  std::vector<const Comment*> inside;   ///< comments between the line's own tokens: printed above it
  const Comment* trailing = nullptr;    ///< the comment at the end of the line
  std::vector<const Comment*> after;    ///< indented comments closing a rule, kept inside it
  int after_indent = 0;                 ///< their indentation: the rule's action column
};

/// Lays out one module: expressions on one line, declarations and rules
/// as docs/formatting.md describes, then places the comments.
class Formatter {
 public:
  Formatter(const SourceFile& file, const ast::Module& module)
      : file_(file), module_(module), src_(file.text()) {}

  std::string run() {
    for (size_t i = 0; i < module_.decls.size(); ++i) layout_decl(i, module_.decls[i]);
    for (size_t i = 1; i < lines_.size(); ++i) {
      if (lines_[i].begin <= lines_[i - 1].begin) throw FormatError("lines out of source order");
    }
    for (const Comment& c : module_.comments) place(c);
    return emit();
  }

 private:
  // ---- expressions ---------------------------------------------------------

  std::string expr(const Expr* e) const {
    if (!e) throw FormatError("a declaration without its expression");
    std::string s = bare_expr(*e);
    return e->parenthesized ? "(" + s + ")" : s;
  }

  /// A compound expression: a range around it gets spaces (`a + 1 .. b`).
  static bool compound(const Expr& e) {
    return !e.parenthesized && (e.kind == ExprKind::Binary || e.kind == ExprKind::If || e.kind == ExprKind::IsNull);
  }

  // ---- line breaking ---------------------------------------------------------

  /// True for what `wrap` may break: an `and`/`or` chain or an `if`.
  static bool breakable(const Expr& e) {
    return (e.kind == ExprKind::Binary && (e.op == Op::And || e.op == Op::Or)) || e.kind == ExprKind::If;
  }

  /// The operands of a chain of one operator (`a or b or c`), parenthesized ones kept whole.
  static void chain(const Expr& e, Op op, std::vector<const Expr*>& out) {
    for (const ast::ExprPtr& arg : e.args) {
      if (arg->kind == ExprKind::Binary && arg->op == op && !arg->parenthesized) {
        chain(*arg, op, out);
      } else {
        out.push_back(arg.get());
      }
    }
  }

  /// `e` printed from column `col`: on one line when it fits in kWidth,
  /// else broken before `and`/`or` (continuation lines aligned under the
  /// chain's start) and before `else`. Other expressions never break.
  std::string wrap(const Expr* e, size_t col) const {
    std::string flat = expr(e);
    if (col + width(flat) <= kWidth || !breakable(*e)) return flat;
    if (e->parenthesized) return "(" + wrap_bare(*e, col + 1) + ")";
    return wrap_bare(*e, col);
  }

  std::string wrap_bare(const Expr& e, size_t col) const {
    if (e.kind == ExprKind::If) {
      // An `else if` chain stays flat: each `else` starts a line under the first `if`.
      std::string out = "if " + wrap(e.args[0].get(), col + 3);
      const Expr* branch = &e;
      for (;;) {
        out += " then " + wrap(branch->args[1].get(), end_column(out, col) + 6);
        const Expr* rest = branch->args[2].get();
        if (rest->kind != ExprKind::If || rest->parenthesized) {
          return out + "\n" + spaces(col) + "else " + wrap(rest, col + 5);
        }
        out += "\n" + spaces(col) + "else if " + wrap(rest->args[0].get(), col + 8);
        branch = rest;
      }
    }
    // A chain fills each line with as many operands as fit; an operand that
    // had to be broken itself ends its line.
    std::vector<const Expr*> operands;
    chain(e, e.op, operands);
    const std::string op = binary_op(e.op);
    std::string out = wrap(operands[0], col);
    bool ended = out.find('\n') != std::string::npos;
    for (size_t i = 1; i < operands.size(); ++i) {
      const std::string piece = op + " " + expr(operands[i]);
      if (!ended && end_column(out, col) + 1 + width(piece) <= kWidth) {
        out += " " + piece;
      } else {
        const std::string next = wrap(operands[i], col + op.size() + 1);
        out += "\n" + spaces(col) + op + " " + next;
        ended = next.find('\n') != std::string::npos;
      }
    }
    return out;
  }

  /// `prefix` then `value`, on a line indented by `indent`.
  std::string with_value(size_t indent, const std::string& prefix, const Expr* value) const {
    return prefix + wrap(value, indent + width(prefix));
  }

  /// `NAME = value` of const, let and def. A value that does not fit moves
  /// to the next line, indented by two, and breaks there if it still does not fit.
  std::string definition(const std::string& prefix, const Expr* value) const {
    const std::string flat = expr(value);
    if (width(prefix) + 3 + width(flat) <= kWidth) return prefix + " = " + flat;
    return prefix + " =\n  " + wrap(value, 2);
  }

  std::string list(const std::vector<ast::ExprPtr>& items) const {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      out += expr(items[i].get());
    }
    return out;
  }

  std::string bare_expr(const Expr& e) const {
    switch (e.kind) {
      case ExprKind::Int:
      case ExprKind::Number:
        if (!e.text.empty()) return e.text;
        return std::string(file_.slice(e.span));
      case ExprKind::Date: return iso_date(e.int_value);
      case ExprKind::String: return string_literal(e);
      case ExprKind::Bool: return e.bool_value ? "true" : "false";
      case ExprKind::Null: return "null";
      case ExprKind::List: return "[" + list(e.args) + "]";
      case ExprKind::Range: {
        if (e.args.size() != 2) throw FormatError("a range without two ends");
        const bool spaced = compound(*e.args[0]) || compound(*e.args[1]);
        return expr(e.args[0].get()) + (spaced ? " .. " : "..") + expr(e.args[1].get());
      }
      case ExprKind::Name: return e.text;
      case ExprKind::Call: return e.text + "(" + list(e.args) + ")";
      case ExprKind::Unary: {
        if (e.args.size() != 1) throw FormatError("a unary operator without its operand");
        const std::string operand = expr(e.args[0].get());
        if (e.op == Op::Not) return "not " + operand;
        return (operand.starts_with("-") ? "- " : "-") + operand;
      }
      case ExprKind::Binary:
        if (e.args.size() != 2) throw FormatError("a binary operator without two operands");
        return expr(e.args[0].get()) + " " + binary_op(e.op) + " " + expr(e.args[1].get());
      case ExprKind::IsNull:
        if (e.args.size() != 1) throw FormatError("'is null' without its operand");
        return expr(e.args[0].get()) + (e.negated ? " is not null" : " is null");
      case ExprKind::If:
        if (e.args.size() != 3) throw FormatError("an 'if' without its three parts");
        return "if " + expr(e.args[0].get()) + " then " + expr(e.args[1].get()) + " else " +
               expr(e.args[2].get());
    }
    throw FormatError("an expression the formatter does not know");
  }

  /// A string literal as written (inside the parentheses its span may
  /// include), unless its source runs over several lines (an interpolation
  /// holding a comment): then it is written back from its parts.
  std::string string_literal(const Expr& e) const {
    size_t pos = e.span.begin;
    while (pos < e.span.end && (src_.at(pos) == '(' || is_space(src_.at(pos)) || src_.at(pos) == '#')) {
      pos = src_.at(pos) == '(' ? pos + 1 : src_.skip_trivia(pos);
    }
    if (src_.at(pos) == '"') {
      const size_t end = src_.skip_string(pos);
      const std::string_view s = std::string_view(file_.text()).substr(pos, end - pos);
      if (end <= e.span.end && s.size() >= 2 && s.back() == '"' && s.find_first_of("\r\n") == std::string_view::npos) {
        return std::string(s);
      }
    }
    std::string out = "\"";
    for (const ast::StringPart& p : e.parts) {
      out += p.expr ? "{" + expr(p.expr.get()) + "}" : escape_text(p.text);
    }
    return out + "\"";
  }

  /// The string literal starting at the first token at or after `pos`, as
  /// written; `decoded` written back with escapes when it cannot be copied.
  std::string quoted_at(size_t pos, const std::string& decoded, size_t* end = nullptr) const {
    pos = src_.skip_trivia(pos);
    if (src_.at(pos) == '"') {
      const size_t stop = src_.skip_string(pos);
      if (end) *end = stop;
      const std::string_view s = std::string_view(file_.text()).substr(pos, stop - pos);
      if (s.size() >= 2 && s.back() == '"' && s.find_first_of("\r\n") == std::string_view::npos) {
        return std::string(s);
      }
    }
    return "\"" + escape_text(decoded) + "\"";
  }

  // ---- declarations ----------------------------------------------------------

  void add_line(size_t decl, int indent, std::string text, size_t begin) {
    Line l;
    l.indent = indent;
    l.text = std::move(text);
    l.begin = begin;
    l.decl = decl;
    l.first = lines_.empty() || lines_.back().decl != decl;
    lines_.push_back(std::move(l));
  }

  void layout_decl(size_t index, const Decl& d) {
    const size_t begin = d.span.begin;
    switch (d.kind) {
      case DeclKind::Playbook: add_line(index, 0, "playbook " + quoted_at(begin + 8, d.name), begin); break;
      case DeclKind::Schema: add_line(index, 0, "schema " + quoted_at(begin + 6, d.name), begin); break;
      case DeclKind::Import: add_line(index, 0, "import " + quoted_at(begin + 6, d.name), begin); break;
      case DeclKind::Policy: add_line(index, 0, with_value(0, "policy " + d.name + " ", d.value.get()), begin); break;
      case DeclKind::Const: add_line(index, 0, definition("const " + d.name, d.value.get()), begin); break;
      case DeclKind::Let: add_line(index, 0, definition("let " + d.name, d.value.get()), begin); break;
      case DeclKind::Def: {
        std::string params;
        for (size_t i = 0; i < d.params.size(); ++i) params += (i ? ", " : "") + d.params[i];
        add_line(index, 0, definition("def " + d.name + "(" + params + ")", d.value.get()), begin);
        break;
      }
      case DeclKind::Rule:
        if (!d.rule) throw FormatError("a rule declaration without its rule");
        layout_rule(index, d, *d.rule);
        break;
    }
  }

  void layout_rule(size_t index, const Decl& d, const ast::Rule& r) {
    const bool named = !r.name.empty();
    const int indent = named ? 2 : 0;
    size_t when_pos = r.when ? r.when->span.begin : d.span.begin;
    if (named) {
      std::string header = "rule " + r.name;
      size_t pos = r.name_span.end;
      if (r.has_description) {
        size_t end = pos;
        header += " " + quoted_at(pos, r.description, &end);
        pos = end;
      }
      add_line(index, 0, std::move(header), d.span.begin);
      // The `priority` and `group` clauses, in the order they were written.
      bool priority_done = false, group_done = false;
      for (;;) {
        const size_t p = src_.skip_trivia(pos);
        if (src_.word_at(p, "priority") && r.priority && !priority_done) {
          add_line(index, indent, fmt::format("priority {}", *r.priority), p);
          pos = src_.skip_word(src_.skip_trivia(p + 8));
          priority_done = true;
        } else if (src_.word_at(p, "group") && !r.group.empty() && !group_done) {
          add_line(index, indent, "group " + r.group, p);
          pos = src_.skip_word(src_.skip_trivia(p + 5));
          group_done = true;
        } else {
          if (src_.word_at(p, "when")) when_pos = p;
          break;
        }
      }
      if (r.priority && !priority_done) {
        add_line(index, indent, fmt::format("priority {}", *r.priority), r.priority_span.begin);
      }
      if (!r.group.empty() && !group_done) add_line(index, indent, "group " + r.group, r.group_span.begin);
    } else {
      when_pos = d.span.begin;
    }
    add_line(index, indent, with_value(indent, "when ", r.when.get()), when_pos);
    if (r.actions.empty()) throw FormatError("a rule without actions");

    // `then` follows the condition, after any closing parentheses the condition's span leaves out.
    size_t then_pos = src_.skip_trivia(r.when->span.end);
    while (src_.at(then_pos) == ')') then_pos = src_.skip_trivia(then_pos + 1);
    if (!src_.word_at(then_pos, "then")) then_pos = r.actions[0].verb_span.begin;

    const int action_indent = indent + 5;  // under the first action, after "then "
    for (size_t i = 0; i < r.actions.size(); ++i) {
      const ast::Action& a = r.actions[i];
      if (i == 0) {
        add_line(index, indent, "then " + action(a, action_indent), then_pos);
      } else {
        add_line(index, action_indent, action(a, action_indent), a.verb_span.begin);
      }
      for (const ast::Option& o : a.options) {
        add_line(index, action_indent + 2, with_value(action_indent + 2, o.name + " ", o.value.get()),
                 o.name_span.begin);
      }
    }
    lines_.back().last_of_rule = true;
    lines_.back().after_indent = action_indent;
  }

  /// An action without its options, starting at column `col`.
  std::string action(const ast::Action& a, size_t col) const {
    switch (a.verb) {
      case ast::ActionVerb::Propose: return with_value(col, "propose " + a.kind + " ", a.subject.get());
      case ast::ActionVerb::Task: return with_value(col, "task ", a.subject.get());
      case ast::ActionVerb::Notify: return with_value(col, "notify " + expr(a.to.get()) + " ", a.subject.get());
      case ast::ActionVerb::Tag: return with_value(col, "tag ", a.subject.get());
      case ast::ActionVerb::Stop: return "stop";
    }
    throw FormatError("an action the formatter does not know");
  }

  // ---- comments --------------------------------------------------------------

  /// Attaches a comment to the line it belongs to (docs/formatting.md, "Comments").
  void place(const Comment& c) {
    const size_t pos = c.span.begin;
    auto it = std::upper_bound(lines_.begin(), lines_.end(), pos,
                               [](size_t p, const Line& l) { return p < l.begin; });
    if (it == lines_.begin()) {
      if (lines_.empty()) {
        tail_.push_back(&c);
      } else {
        lines_.front().before.push_back(&c);
      }
      return;
    }
    const size_t i = static_cast<size_t>(it - lines_.begin()) - 1;
    Line& line = lines_[i];
    const size_t next_token = src_.skip_trivia(c.span.end);
    const size_t next_line = i + 1 < lines_.size() ? lines_[i + 1].begin : src_.size();
    if (next_token < next_line && next_token < src_.size()) {
      line.inside.push_back(&c);  // more of this line's tokens follow the comment
      return;
    }
    if (src_.code_before_on_line(pos) && !line.trailing) {
      line.trailing = &c;
      return;
    }
    // An own-line comment after the line. Indented comments right under a
    // rule's last line stay inside the rule (a commented-out action).
    const bool nothing_placed_after = i + 1 < lines_.size() ? lines_[i + 1].before.empty() : tail_.empty();
    if (line.last_of_rule && nothing_placed_after && !src_.code_before_on_line(pos) && column_of(pos) > 0 &&
        !src_.blank_line_before(pos)) {
      line.after.push_back(&c);
      return;
    }
    if (i + 1 < lines_.size()) {
      lines_[i + 1].before.push_back(&c);
    } else {
      tail_.push_back(&c);
    }
  }

  size_t column_of(size_t pos) const {
    size_t col = 0;
    while (pos > 0 && src_.at(pos - 1) != '\n' && src_.at(pos - 1) != '\r') {
      --pos;
      ++col;
    }
    return col;
  }

  // ---- output ------------------------------------------------------------------

  /// Kinds whose declarations are kept together without a blank line.
  static int group_of(DeclKind k) {
    switch (k) {
      case DeclKind::Playbook:
      case DeclKind::Schema:
      case DeclKind::Import:
      case DeclKind::Policy: return 0;
      case DeclKind::Const: return 1;
      case DeclKind::Let: return 2;
      case DeclKind::Def: return 3;
      case DeclKind::Rule: return 4;
    }
    return 5;
  }

  /// A blank line is required between declarations of different groups and around rules.
  bool separated(size_t decl) const {
    if (decl == 0) return false;
    const DeclKind a = module_.decls[decl - 1].kind, b = module_.decls[decl].kind;
    return a == DeclKind::Rule || b == DeclKind::Rule || group_of(a) != group_of(b);
  }

  void put(int indent, std::string_view text, bool blank) {
    if (blank && !out_.empty()) out_ += '\n';
    out_.append(static_cast<size_t>(indent), ' ');
    out_ += text;
    out_ += '\n';
  }

  static std::string comment_text(const Comment& c) { return Scanner::trim_right(c.text); }

  std::string emit() {
    for (const Line& l : lines_) {
      // At the top level, the first thing printed for a declaration (its first
      // comment or its first line) gets the blank line that separates it from
      // the one before; anything else keeps a blank line of the source.
      bool block_start = l.first;
      auto blank = [&](std::optional<size_t> pos) {
        bool b = false;
        if (l.first) b = (block_start && separated(l.decl)) || (pos && src_.blank_line_before(*pos));
        block_start = false;
        return b;
      };
      for (const Comment* c : l.before) put(l.indent, comment_text(*c), blank(c->span.begin));
      for (size_t k = 0; k < l.inside.size(); ++k) {
        put(l.indent, comment_text(*l.inside[k]), blank(k == 0 ? std::optional<size_t>(l.begin) : std::nullopt));
      }
      std::string text = l.text;
      if (l.trailing) text += "  " + comment_text(*l.trailing);
      put(l.indent, text, blank(l.inside.empty() ? std::optional<size_t>(l.begin) : std::nullopt));
      for (const Comment* c : l.after) put(l.after_indent, comment_text(*c), false);
    }
    for (size_t k = 0; k < tail_.size(); ++k) {
      const bool after_rule = k == 0 && !module_.decls.empty() && module_.decls.back().kind == DeclKind::Rule;
      put(0, comment_text(*tail_[k]), after_rule || src_.blank_line_before(tail_[k]->span.begin));
    }
    return out_;
  }

  const SourceFile& file_;
  const ast::Module& module_;
  Scanner src_;
  std::vector<Line> lines_;
  std::vector<const Comment*> tail_;  ///< comments after the last line
  std::string out_;
};

bool same_string(const ast::StringPart& a, const ast::StringPart& b) {
  return a.text == b.text && same_expr(a.expr.get(), b.expr.get());
}

template <typename T, typename Eq>
bool same_list(const std::vector<T>& a, const std::vector<T>& b, Eq eq) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!eq(a[i], b[i])) return false;
  }
  return true;
}

bool same_rule(const ast::Rule& a, const ast::Rule& b) {
  if (a.name != b.name || a.description != b.description || a.has_description != b.has_description ||
      a.priority != b.priority || a.group != b.group || a.anonymous_index != b.anonymous_index ||
      !same_expr(a.when.get(), b.when.get())) {
    return false;
  }
  return same_list(a.actions, b.actions, [](const ast::Action& x, const ast::Action& y) {
    return x.verb == y.verb && x.kind == y.kind && same_expr(x.to.get(), y.to.get()) &&
           same_expr(x.subject.get(), y.subject.get()) &&
           same_list(x.options, y.options, [](const ast::Option& p, const ast::Option& q) {
             return p.name == q.name && same_expr(p.value.get(), q.value.get());
           });
  });
}

}  // namespace

bool same_expr(const ast::Expr* a, const ast::Expr* b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind || a->op != b->op || a->bool_value != b->bool_value || a->negated != b->negated ||
      a->int_value != b->int_value || a->text != b->text || a->parenthesized != b->parenthesized ||
      std::memcmp(&a->number_value, &b->number_value, sizeof(double)) != 0) {
    return false;
  }
  return same_list(a->parts, b->parts, same_string) &&
         same_list(a->args, b->args,
                   [](const ast::ExprPtr& x, const ast::ExprPtr& y) { return same_expr(x.get(), y.get()); });
}

bool same_ast(const ast::Module& a, const ast::Module& b) {
  return same_list(a.decls, b.decls, [](const Decl& x, const Decl& y) {
    if (x.kind != y.kind || x.name != y.name || x.params != y.params || !same_expr(x.value.get(), y.value.get())) {
      return false;
    }
    if (!x.rule || !y.rule) return x.rule == y.rule;
    return same_rule(*x.rule, *y.rule);
  });
}

std::string format_module(const SourceFile& file, const ast::Module& module, Diagnostics& diags) {
  const Span whole{module.file, 0, 0};
  std::string out;
  try {
    out = Formatter(file, module).run();
  } catch (const FormatError& e) {
    diags.error("fmt-internal", whole, fmt::format("cannot format this playbook: {}; it is left unchanged", e.what()),
                "please report this as a bug of 'kairos fmt'");
    return file.text();
  }
  // The safety net: the comments of the result, in order, must be the input's.
  const std::vector<std::string> kept = Scanner(out).comments();
  for (size_t i = 0; i < module.comments.size(); ++i) {
    const ast::Comment& c = module.comments[i];
    if (i >= kept.size() || kept[i] != Scanner::trim_right(c.text)) {
      diags.error("fmt-lost-comment", c.span,
                  "formatting would lose or move this comment; the file is left unchanged",
                  "please report this as a bug of 'kairos fmt'");
      return file.text();
    }
  }
  if (kept.size() != module.comments.size()) {
    diags.error("fmt-lost-comment", whole, "formatting would add a comment; the file is left unchanged",
                "please report this as a bug of 'kairos fmt'");
    return file.text();
  }
  return out;
}

std::optional<std::string> format_file(const SourceManager& sources, uint32_t file, Diagnostics& diags) {
  Diagnostics found;
  const ast::Module module = parse(sources, file, found);
  if (found.has_errors()) {
    for (const Diagnostic& d : found.items()) diags.add(d);
    return std::nullopt;
  }
  const SourceFile& source = sources.file(file);
  std::string out = format_module(source, module, found);
  if (found.has_errors()) {
    for (const Diagnostic& d : found.items()) diags.add(d);
    return std::nullopt;
  }
  if (out == source.text()) return out;

  // Parse the result again: it must be the same program.
  SourceManager again;
  const uint32_t id = again.add(source.path(), out);
  Diagnostics reparse;
  const ast::Module formatted = parse(again, id, reparse);
  if (reparse.has_errors() || !same_ast(module, formatted)) {
    std::string why = reparse.has_errors() ? "the formatted text does not parse: " + reparse.items().front().message
                                           : "the formatted text parses to a different program";
    diags.error("fmt-changed-meaning", Span{file, 0, 0},
                "formatting would change this playbook; it is left unchanged (" + why + ")",
                "please report this as a bug of 'kairos fmt'");
    return std::nullopt;
  }
  return out;
}

}  // namespace kairos::grammar
