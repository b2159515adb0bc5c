#include "grammar/parser.hpp"

#include <fmt/format.h>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string_view>

#include "grammar/grammar.hpp"
#include "grammar/lower.hpp"

namespace kairos::grammar {

namespace pegtl = tao::pegtl;
namespace parse_tree = tao::pegtl::parse_tree;

namespace {

/// What the grammar's actions and control hooks share during one parse.
struct ParseState {
  const char* base = nullptr;                ///< the first byte of the file
  int depth = 0;                             ///< expressions currently open
  std::map<uint32_t, std::string> comments;  ///< by offset: a comment seen twice is kept once
};

/// Replaces a node by its only child: a chain like `add_expr` with a single
/// operand is just that operand. Unlike parse_tree::fold_one it keeps the
/// node's content, which the lowering uses for spans.
struct fold_single : parse_tree::apply<fold_single> {
  template <typename Node, typename... States>
  static void transform(std::unique_ptr<Node>& n, States&&... /*unused*/) {
    if (n->children.size() == 1) n = std::move(n->children.front());
  }
};

/// The rules that become parse-tree nodes; everything else only structures the grammar.
template <typename Rule>
using selector = parse_tree::selector<
    Rule,
    parse_tree::store_content::on<
        // declarations
        peg::playbook_decl, peg::schema_decl, peg::import_decl, peg::policy_decl, peg::const_decl, peg::let_decl,
        peg::def_decl, peg::rule_decl, peg::anonymous_rule, peg::policy_name, peg::const_name, peg::let_name,
        peg::def_name, peg::parameter,
        // rules and actions
        peg::rule_name, peg::description, peg::priority_clause, peg::priority_value, peg::group_clause,
        peg::group_name, peg::condition, peg::propose_action, peg::task_action, peg::notify_action,
        peg::tag_action, peg::stop_action, peg::proposal_kind, peg::owner_option, peg::due_option,
        peg::discount_option, peg::reason_option, peg::steps_option, peg::score_option,
        // expressions
        peg::paren, peg::list_lit, peg::if_expr, peg::name, peg::arguments, peg::string_lit, peg::str_text,
        peg::str_escape, peg::str_lbrace, peg::str_rbrace, peg::date_lit, peg::percent_lit, peg::days_lit,
        peg::number_lit, peg::int_lit, peg::true_lit, peg::false_lit, peg::null_lit,
        // operators
        peg::op_or, peg::op_and, peg::op_not, peg::op_eq, peg::op_ne, peg::op_le, peg::op_lt, peg::op_ge,
        peg::op_gt, peg::op_in, peg::op_not_in, peg::op_is_null, peg::op_is_not_null, peg::op_range, peg::op_add,
        peg::op_sub, peg::op_mul, peg::op_div, peg::op_mod, peg::op_neg>,
    fold_single::on<peg::expression, peg::or_expr, peg::and_expr, peg::not_expr, peg::cmp_expr, peg::in_operand,
                    peg::add_expr, peg::mul_expr, peg::neg_expr, peg::name_or_call>>;

/// Error messages come from peg::error_message. A committed rule (one with a
/// message) that fails is reported where it began: `must<>` matches with
/// rewind_mode::dontcare, which would report `rule r whenever` at "ever".
template <typename Rule>
struct committed_control : pegtl::must_if<peg::errors>::control<Rule> {
  template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  static bool match(ParseInput& in, States&&... st) {
    constexpr auto mode = peg::error_message<Rule> != nullptr ? pegtl::rewind_mode::required : M;
    return pegtl::must_if<peg::errors>::control<Rule>::template match<A, mode, Action, Control>(in, st...);
  }
};

template <typename Rule>
struct control : committed_control<Rule> {};

/// `expression` also counts nesting, so hostile input like 100000 '(' stops
/// long before the stack does.
template <>
struct control<peg::expression> : committed_control<peg::expression> {
  template <typename ParseInput>
  static void start(const ParseInput& in, ParseState& state) {
    if (++state.depth > kMaxNestingDepth) {
      throw pegtl::parse_error(fmt::format("expression nested too deeply (limit {})", kMaxNestingDepth), in);
    }
  }
  template <typename ParseInput>
  static void success(const ParseInput& /*unused*/, ParseState& state) {
    --state.depth;
  }
  template <typename ParseInput>
  static void failure(const ParseInput& /*unused*/, ParseState& state) {
    --state.depth;
  }
};

template <typename Rule>
struct parse_action : pegtl::nothing<Rule> {};

/// Keeps every comment (the formatter needs them). Backtracking may match
/// one twice, hence the map by offset.
template <>
struct parse_action<peg::comment> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParseState& state) {
    state.comments.try_emplace(static_cast<uint32_t>(in.begin() - state.base), in.string());
  }
};

template <>
struct parse_action<peg::reserved_as_name> {
  template <typename ActionInput>
  static void apply(const ActionInput& in, ParseState& /*unused*/) {
    throw pegtl::parse_error(fmt::format("'{}' is a reserved word and cannot be used as a name", in.string_view()),
                             in.position());
  }
};

/// The offset of the first byte that is not valid UTF-8 (overlong forms,
/// surrogates and code points above U+10FFFF are invalid too).
std::optional<uint32_t> invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0Fu, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07u, min = 0x10000;
    } else {
      return static_cast<uint32_t>(i);
    }
    if (i + len > s.size()) return static_cast<uint32_t>(i);
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return static_cast<uint32_t>(i);
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return static_cast<uint32_t>(i);
    i += len;
  }
  return std::nullopt;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Parses one file declaration by declaration, resuming after syntax errors.
class Parser {
 public:
  Parser(const SourceFile& source, uint32_t file, Diagnostics& diags)
      : text_(source.text()), path_(source.path()), file_(file), diags_(diags),
        lowerer_(file, source.text().data(), diags) {
    state_.base = text_.data();
  }

  ast::Module run();

 private:
  uint32_t size() const { return static_cast<uint32_t>(text_.size()); }
  uint32_t skip_blanks(uint32_t at) const;
  uint32_t back_to_last_token(uint32_t at) const;
  uint32_t token_end(uint32_t at) const;
  bool starts_declaration(uint32_t at) const;
  uint32_t resume_offset(uint32_t start, uint32_t error_at) const;
  void report(uint32_t at, std::string_view message);

  std::string_view text_;
  const std::string& path_;
  uint32_t file_;
  Diagnostics& diags_;
  Lowerer lowerer_;
  ParseState state_;
};

ast::Module Parser::run() {
  ast::Module module;
  module.file = file_;
  uint32_t pos = text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a UTF-8 byte order mark
  while (pos <= size()) {
    pegtl::memory_input in(text_.data() + pos, text_.data() + text_.size(), path_, pos, 1, 1);
    state_.depth = 0;
    try {
      const auto root =
          parse_tree::parse<peg::file_item, ParseNode, selector, parse_action, control>(in, state_);
      if (!root || root->children.empty()) break;  // the end of the file
      if (auto decl = lowerer_.declaration(*root->children.front())) module.decls.push_back(std::move(*decl));
      pos = static_cast<uint32_t>(in.current() - text_.data());
    } catch (const pegtl::parse_error& e) {
      const uint32_t at = e.positions().empty() ? pos : static_cast<uint32_t>(e.positions().front().byte);
      report(at, e.message());
      pos = resume_offset(pos, at);
      if (pos >= size()) break;
    } catch (const std::exception& e) {
      // A bug of ours must not take the whole tool down: report it and go on.
      report(pos, fmt::format("internal error in the parser: {}", e.what()));
      pos = resume_offset(pos, skip_blanks(pos) + 1);
      if (pos >= size()) break;
    }
  }
  for (auto& [offset, text] : state_.comments) {
    module.comments.push_back({text, {file_, offset, offset + static_cast<uint32_t>(text.size())}});
  }
  return module;
}

/// The first offset at or after `at` that is not whitespace or a comment.
uint32_t Parser::skip_blanks(uint32_t at) const {
  while (at < size()) {
    const char c = text_[at];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++at;
    } else if (c == '#') {
      while (at < size() && text_[at] != '\n') ++at;
    } else {
      break;
    }
  }
  return at;
}

/// From the end of the file back to just after the last token, so that
/// "expected ..." at the end points after the last thing written.
uint32_t Parser::back_to_last_token(uint32_t at) const {
  while (true) {
    while (at > 0 && (text_[at - 1] == ' ' || text_[at - 1] == '\t' || text_[at - 1] == '\r' || text_[at - 1] == '\n')) {
      --at;
    }
    const auto comment = std::find_if(state_.comments.begin(), state_.comments.end(), [&](const auto& c) {
      return c.first + c.second.size() == at && c.first < at;
    });
    if (comment == state_.comments.end()) return at;
    at = comment->first;
  }
}

/// The end of the token at `at`: a whole word or number, else one character.
uint32_t Parser::token_end(uint32_t at) const {
  if (at >= size()) return at;
  uint32_t end = at;
  while (end < size() && is_word_char(text_[end])) ++end;
  if (end > at) return end;
  ++end;
  while (end < size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
  return end;
}

bool Parser::starts_declaration(uint32_t at) const {
  pegtl::memory_input in(text_.data() + at, text_.data() + text_.size(), path_);
  return pegtl::parse<peg::declaration_start>(in);
}

// Resumes at the next line whose first token begins a declaration. The line
// of the error itself counts when the error is at such a token (`let a = x +`
// followed by `rule ...`), unless that is where the failed attempt began.
uint32_t Parser::resume_offset(uint32_t start, uint32_t error_at) const {
  const uint32_t at = skip_blanks(error_at);
  if (at >= size()) return size();
  uint32_t line = at;
  while (line > 0 && text_[line - 1] != '\n') --line;
  uint32_t first = line;
  while (first < at && (text_[first] == ' ' || text_[first] == '\t')) ++first;
  if (first == at && at > skip_blanks(start) && starts_declaration(at)) return at;
  for (uint32_t p = at; p < size(); ++p) {
    if (text_[p] != '\n') continue;
    uint32_t q = p + 1;
    while (q < size() && (text_[q] == ' ' || text_[q] == '\t')) ++q;
    if (q < size() && starts_declaration(q)) return q;
  }
  return size();
}

void Parser::report(uint32_t at, std::string_view message) {
  at = skip_blanks(at);
  if (at >= size()) {
    at = back_to_last_token(size());
    diags_.error("syntax-error", {file_, at, at}, std::string(message));
    return;
  }
  diags_.error("syntax-error", {file_, at, token_end(at)}, std::string(message));
}

}  // namespace

ast::Module parse(const SourceManager& sources, uint32_t file, Diagnostics& diags) {
  const SourceFile& source = sources.file(file);
  const std::string& text = source.text();
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    diags.error("syntax-error", {file, 0, 0}, "the file is too large (the limit is 4 GiB)");
    return ast::Module{file, {}, {}};
  }
  if (const auto bad = invalid_utf8(text)) {
    diags.error("syntax-error", {file, *bad, *bad + 1},
                fmt::format("invalid UTF-8 byte 0x{:02x}; playbooks must be UTF-8 text",
                            static_cast<unsigned char>(text[*bad])));
    return ast::Module{file, {}, {}};
  }
  return Parser(source, file, diags).run();
}

}  // namespace kairos::grammar
