#pragma once
/// The PEGTL grammar of the playbook language and its syntax-error messages.
///
/// Read top-down like the language reference: the lexical rules (SPEC §2),
/// a playbook and its declarations (§3), rules and actions (§5), expressions
/// from the lowest precedence to the highest (§4), and the literals (§2).
/// Rules used before their definition are declared just above their use.
///
/// Conventions: a rule never consumes the whitespace before or after itself;
/// sequences put `sp` between their tokens. A `must<R>` is a commitment point:
/// once its sequence has started, R has to follow, and a failure raises the
/// message `error_message<R>` at the position where R was expected. The
/// rules the parse tree keeps are listed in grammar/parser.cpp (the selector).

#include <tao/pegtl.hpp>

namespace kairos::grammar::peg {

using namespace tao::pegtl;

// ---------------------------------------------------------------------------
// Lexical structure (SPEC §2)
// ---------------------------------------------------------------------------

/// `# ...` to the end of the line; the parser keeps every comment for the formatter.
struct comment : seq<one<'#'>, star<not_one<'\r', '\n'>>> {};
/// One whitespace character; newlines are insignificant.
struct blank : one<' ', '\t', '\r', '\n'> {};
/// Whitespace and comments between two tokens.
struct sp : star<sor<blank, comment>> {};

struct ident_first : ranges<'a', 'z', 'A', 'Z', '_'> {};
struct ident_other : ranges<'a', 'z', 'A', 'Z', '0', '9', '_'> {};
/// Any identifier-shaped word, reserved or not.
struct word : seq<ident_first, star<ident_other>> {};

// Keywords refuse to match the start of a longer identifier (`rules`, `order_id`).
struct kw_playbook : TAO_PEGTL_KEYWORD("playbook") {};
struct kw_schema : TAO_PEGTL_KEYWORD("schema") {};
struct kw_import : TAO_PEGTL_KEYWORD("import") {};
struct kw_policy : TAO_PEGTL_KEYWORD("policy") {};
struct kw_const : TAO_PEGTL_KEYWORD("const") {};
struct kw_let : TAO_PEGTL_KEYWORD("let") {};
struct kw_def : TAO_PEGTL_KEYWORD("def") {};
struct kw_rule : TAO_PEGTL_KEYWORD("rule") {};
struct kw_when : TAO_PEGTL_KEYWORD("when") {};
struct kw_then : TAO_PEGTL_KEYWORD("then") {};
struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_is : TAO_PEGTL_KEYWORD("is") {};
struct kw_null : TAO_PEGTL_KEYWORD("null") {};
struct kw_true : TAO_PEGTL_KEYWORD("true") {};
struct kw_false : TAO_PEGTL_KEYWORD("false") {};
struct kw_if : TAO_PEGTL_KEYWORD("if") {};
struct kw_else : TAO_PEGTL_KEYWORD("else") {};
struct kw_priority : TAO_PEGTL_KEYWORD("priority") {};
struct kw_group : TAO_PEGTL_KEYWORD("group") {};
struct kw_propose : TAO_PEGTL_KEYWORD("propose") {};
struct kw_task : TAO_PEGTL_KEYWORD("task") {};
struct kw_notify : TAO_PEGTL_KEYWORD("notify") {};
struct kw_tag : TAO_PEGTL_KEYWORD("tag") {};
struct kw_stop : TAO_PEGTL_KEYWORD("stop") {};

/// The reserved words of SPEC §2: never a name.
struct reserved_word
    : sor<kw_playbook, kw_schema, kw_import, kw_policy, kw_const, kw_let, kw_def, kw_rule, kw_when,
          kw_then, kw_and, kw_or, kw_not, kw_in, kw_is, kw_null, kw_true, kw_false, kw_if, kw_else,
          kw_priority, kw_group, kw_propose, kw_task, kw_notify, kw_tag, kw_stop> {};

// Option words are not reserved (fields may use them); they are special only after an action.
struct kw_owner : TAO_PEGTL_KEYWORD("owner") {};
struct kw_due : TAO_PEGTL_KEYWORD("due") {};
struct kw_discount : TAO_PEGTL_KEYWORD("discount") {};
struct kw_reason : TAO_PEGTL_KEYWORD("reason") {};
struct kw_steps : TAO_PEGTL_KEYWORD("steps") {};
struct kw_score : TAO_PEGTL_KEYWORD("score") {};

/// An identifier: a word that is not reserved.
struct ident : seq<not_at<reserved_word>, word> {};
/// A reserved word where a new name is declared; its action reports
/// "'rule' is a reserved word and cannot be used as a name".
struct reserved_as_name : reserved_word {};
/// A name being declared (const, let, def, parameter, policy, group).
struct declared_name : sor<ident, reserved_as_name> {};

/// The words that begin a top-level declaration (also where error recovery resumes).
struct declaration_start
    : sor<kw_rule, kw_when, kw_let, kw_const, kw_def, kw_import, kw_schema, kw_policy, kw_playbook> {};

// ---------------------------------------------------------------------------
// A playbook: declarations in any order (SPEC §3)
// ---------------------------------------------------------------------------

struct declaration;

/// A whole playbook (what `file_item` repeated accepts; used by the grammar analysis).
struct file : seq<sp, until<eof, must<declaration>, sp>> {};
/// One step of the parser: the next declaration, or the end of the file. The
/// parser runs it in a loop so that it can resume after a syntax error.
struct file_item : seq<sp, sor<eof, must<declaration>>> {};

struct playbook_decl;
struct schema_decl;
struct import_decl;
struct policy_decl;
struct const_decl;
struct let_decl;
struct def_decl;
struct rule_decl;
struct anonymous_rule;
struct declaration
    : sor<playbook_decl, schema_decl, import_decl, policy_decl, const_decl, let_decl, def_decl, rule_decl,
          anonymous_rule> {};

struct expression;
struct string_lit;

/// A declaration that ends with a string ends there.
struct header_end : at<sp, sor<eof, declaration_start>> {};
/// `playbook "name"`
struct playbook_name : seq<string_lit> {};
struct playbook_decl : seq<kw_playbook, sp, must<playbook_name>, must<header_end>> {};
/// `schema "path.yaml"`
struct schema_path : seq<string_lit> {};
struct schema_decl : seq<kw_schema, sp, must<schema_path>, must<header_end>> {};
/// `import "path"`
struct import_path : seq<string_lit> {};
struct import_decl : seq<kw_import, sp, must<import_path>, must<header_end>> {};

/// After its value, a declaration is over.
struct value_end : at<sp, sor<eof, declaration_start>> {};

/// `policy NAME VALUE`; the checker validates NAME and VALUE.
struct policy_name : declared_name {};
struct policy_value : seq<expression> {};
struct policy_decl : seq<kw_policy, sp, must<policy_name>, sp, must<policy_value>, must<value_end>> {};

/// `const NAME = expr`
struct const_name : declared_name {};
struct const_equals : seq<one<'='>, not_at<one<'='>>> {};
struct const_value : seq<expression> {};
struct const_decl
    : seq<kw_const, sp, must<const_name>, sp, must<const_equals>, sp, must<const_value>, must<value_end>> {};

/// `let NAME = expr`
struct let_name : declared_name {};
struct let_equals : seq<one<'='>, not_at<one<'='>>> {};
struct let_value : seq<expression> {};
struct let_decl : seq<kw_let, sp, must<let_name>, sp, must<let_equals>, sp, must<let_value>, must<value_end>> {};

/// `def NAME(a, b) = expr`
struct def_name : declared_name {};
struct parameter : declared_name {};
struct parameters_close : one<')'> {};
struct parameter_list
    : seq<one<'('>, sp, opt<parameter, star<sp, one<','>, sp, must<parameter>>>, sp, must<parameters_close>> {};
struct def_parameters : seq<parameter_list> {};
struct def_equals : seq<one<'='>, not_at<one<'='>>> {};
struct def_body : seq<expression> {};
struct def_decl
    : seq<kw_def, sp, must<def_name>, sp, must<def_parameters>, sp, must<def_equals>, sp, must<def_body>,
          must<value_end>> {};

// ---------------------------------------------------------------------------
// Rules and actions (SPEC §5)
// ---------------------------------------------------------------------------

struct rule_name;
struct description;
struct priority_clause;
struct group_clause;
struct rule_when;
struct rule_body;
/// `rule NAME ["description"] [priority N] [group G] when C then ACTION...`
struct rule_decl
    : seq<kw_rule, sp, must<rule_name>, opt<sp, description>, star<sp, sor<priority_clause, group_clause>>, sp,
          must<rule_when>, rule_body> {};
/// `when C then ACTION...` (named `rule#N`)
struct anonymous_rule : seq<kw_when, rule_body> {};

/// A rule name; `rule when ...` reads as a forgotten name, not as a misused `when`.
struct rule_name : sor<ident, seq<not_at<kw_when>, reserved_as_name>> {};
struct description : seq<string_lit> {};
struct priority_value : seq<opt<one<'-'>>, plus<digit>, not_at<ident_other>> {};
struct priority_clause : seq<kw_priority, sp, must<priority_value>> {};
struct group_name : declared_name {};
struct group_clause : seq<kw_group, sp, must<group_name>> {};
struct rule_when : kw_when {};

struct condition;
struct rule_then;
struct first_action;
struct action;
struct rule_end;
struct rule_body
    : seq<sp, must<condition>, sp, must<rule_then>, sp, must<first_action>, star<sp, action>, must<rule_end>> {};
struct condition : seq<expression> {};
struct rule_then : kw_then {};
/// A rule ends where the next token is neither an action nor an option.
struct rule_end : at<sp, sor<eof, declaration_start>> {};

struct propose_action;
struct task_action;
struct notify_action;
struct tag_action;
struct stop_action;
struct action : sor<propose_action, task_action, notify_action, tag_action, stop_action> {};
struct first_action : seq<action> {};

struct options;
/// `propose KIND OFFER`; the checker validates KIND.
struct proposal_kind : ident {};
struct offer : seq<expression> {};
struct propose_action : seq<kw_propose, sp, must<proposal_kind>, sp, must<offer>, options> {};
/// `task TITLE`
struct task_title : seq<expression> {};
struct task_action : seq<kw_task, sp, must<task_title>, options> {};
/// `notify TO MESSAGE`
struct notify_to : seq<expression> {};
struct notify_message : seq<expression> {};
struct notify_action : seq<kw_notify, sp, must<notify_to>, sp, must<notify_message>, options> {};
/// `tag TAG`
struct tag_value : seq<expression> {};
struct tag_action : seq<kw_tag, sp, must<tag_value>, options> {};
/// `stop`
struct stop_action : seq<kw_stop, options> {};

/// `owner X`, `due D`, ... after an action; the checker decides which verb allows which.
struct owner_option;
struct due_option;
struct discount_option;
struct reason_option;
struct steps_option;
struct score_option;
struct option : sor<owner_option, due_option, discount_option, reason_option, steps_option, score_option> {};
struct options : star<sp, option> {};
struct owner_value : seq<expression> {};
struct due_value : seq<expression> {};
struct discount_value : seq<expression> {};
struct reason_value : seq<expression> {};
struct steps_value : seq<expression> {};
struct score_value : seq<expression> {};
struct owner_option : seq<kw_owner, sp, must<owner_value>> {};
struct due_option : seq<kw_due, sp, must<due_value>> {};
struct discount_option : seq<kw_discount, sp, must<discount_value>> {};
struct reason_option : seq<kw_reason, sp, must<reason_value>> {};
struct steps_option : seq<kw_steps, sp, must<steps_value>> {};
struct score_option : seq<kw_score, sp, must<score_value>> {};

// ---------------------------------------------------------------------------
// Expressions (SPEC §4), lowest precedence first
// ---------------------------------------------------------------------------

struct or_expr;
struct misused_operator;
/// Any expression. The parser counts how deeply expressions nest (kMaxNestingDepth).
struct expression : seq<or_expr, opt<sp, misused_operator>> {};

/// Operators from other languages, and a range outside `in`, get their own message.
struct use_and : failure {};
struct use_or : failure {};
struct range_outside_in : failure {};
struct misused_operator
    : sor<seq<at<two<'&'>>, raise<use_and>>, seq<at<two<'|'>>, raise<use_or>>,
          seq<at<two<'.'>>, raise<range_outside_in>>> {};

struct and_expr;
struct op_or : kw_or {};
struct or_rhs : seq<and_expr> {};
/// `a or b`
struct or_expr : seq<and_expr, star<sp, op_or, sp, must<or_rhs>>> {};

struct not_expr;
struct op_and : kw_and {};
struct and_rhs : seq<not_expr> {};
/// `a and b`
struct and_expr : seq<not_expr, star<sp, op_and, sp, must<and_rhs>>> {};

struct cmp_expr;
struct op_not : kw_not {};
struct not_operand : seq<cmp_expr> {};
/// `not a`: a flat run of prefix operators.
struct not_expr : sor<seq<plus<op_not, sp>, must<not_operand>>, cmp_expr> {};

struct add_expr;
struct comparison;
struct no_chain;
/// `a < b`, `a in [..]`, `a not in lo..hi`, `a is null`: at most one comparison.
struct cmp_expr : seq<add_expr, opt<sp, comparison, must<no_chain>>> {};

struct in_operand;
struct op_eq : two<'='> {};
struct op_ne : string<'!', '='> {};
struct op_le : string<'<', '='> {};
struct op_lt : one<'<'> {};
struct op_ge : string<'>', '='> {};
struct op_gt : one<'>'> {};
struct op_in : kw_in {};
struct op_not_in : seq<kw_not, sp, kw_in> {};
struct op_is_null : seq<kw_is, sp, kw_null> {};
struct op_is_not_null : seq<kw_is, sp, kw_not, sp, kw_null> {};
struct eq_rhs : seq<add_expr> {};
struct ne_rhs : seq<add_expr> {};
struct le_rhs : seq<add_expr> {};
struct lt_rhs : seq<add_expr> {};
struct ge_rhs : seq<add_expr> {};
struct gt_rhs : seq<add_expr> {};
struct in_rhs : seq<in_operand> {};
struct not_in_rhs : seq<in_operand> {};
struct expected_null : failure {};
struct single_equals : failure {};
struct comparison
    : sor<seq<op_eq, sp, must<eq_rhs>>, seq<op_ne, sp, must<ne_rhs>>, seq<op_le, sp, must<le_rhs>>,
          seq<op_lt, sp, must<lt_rhs>>, seq<op_ge, sp, must<ge_rhs>>, seq<op_gt, sp, must<gt_rhs>>,
          seq<op_in, sp, must<in_rhs>>, seq<op_not_in, sp, must<not_in_rhs>>, op_is_null, op_is_not_null,
          seq<kw_is, sp, raise<expected_null>>, seq<at<one<'='>>, raise<single_equals>>> {};
struct comparison_start : sor<one<'=', '<', '>'>, string<'!', '='>, kw_in, seq<kw_not, sp, kw_in>, kw_is> {};
struct no_chain : not_at<sp, comparison_start> {};

/// The right operand of `in`: a value, or a range `lo..hi` (only here).
struct op_range : two<'.'> {};
struct range_end : seq<add_expr> {};
struct in_operand : seq<add_expr, opt<sp, op_range, sp, must<range_end>>> {};

struct mul_expr;
struct op_add : one<'+'> {};
struct op_sub : one<'-'> {};
struct add_rhs : seq<mul_expr> {};
struct sub_rhs : seq<mul_expr> {};
/// `a + b`, `a - b`
struct add_expr
    : seq<mul_expr, star<sp, sor<seq<op_add, sp, must<add_rhs>>, seq<op_sub, sp, must<sub_rhs>>>>> {};

struct neg_expr;
struct op_mul : one<'*'> {};
struct op_div : one<'/'> {};
struct op_mod : one<'%'> {};
struct mul_rhs : seq<neg_expr> {};
struct div_rhs : seq<neg_expr> {};
struct mod_rhs : seq<neg_expr> {};
/// `a * b`, `a / b`, `a % b`
struct mul_expr
    : seq<neg_expr, star<sp, sor<seq<op_mul, sp, must<mul_rhs>>, seq<op_div, sp, must<div_rhs>>,
                                 seq<op_mod, sp, must<mod_rhs>>>>> {};

struct operand;
struct op_neg : one<'-'> {};
struct neg_operand : seq<operand> {};
/// `-a`: a flat run of prefix operators (no recursion).
struct neg_expr : sor<seq<plus<op_neg, sp>, must<neg_operand>>, operand> {};

struct paren;
struct list_lit;
struct if_expr;
struct numeric;
struct true_lit;
struct false_lit;
struct null_lit;
struct name_or_call;
/// `!x` written for `not x`.
struct use_not : failure {};
/// A primary expression.
struct operand
    : sor<paren, list_lit, if_expr, string_lit, numeric, true_lit, false_lit, null_lit, name_or_call,
          seq<at<one<'!'>>, raise<use_not>>> {};

/// `( expr )`
struct paren_value : seq<expression> {};
struct paren_close : one<')'> {};
struct paren : seq<one<'('>, sp, must<paren_value>, sp, must<paren_close>> {};

/// `[a, b, c]`, a trailing comma allowed.
struct list_close : one<']'> {};
struct list_elements : seq<expression, star<sp, one<','>, sp, expression>, opt<sp, one<','>>> {};
struct list_lit : seq<one<'['>, sp, opt<list_elements>, sp, must<list_close>> {};

/// `if C then A else B`
struct if_condition : seq<expression> {};
struct if_then : kw_then {};
struct if_value : seq<expression> {};
struct if_else : kw_else {};
struct else_value : seq<expression> {};
struct if_expr
    : seq<kw_if, sp, must<if_condition>, sp, must<if_then>, sp, must<if_value>, sp, must<if_else>, sp,
          must<else_value>> {};

/// A field or dotted path `usage.seats.used`; segments after a dot may be any word.
struct name : seq<ident, star<one<'.'>, word>> {};
/// `f(x, y)`: the '(' follows the name directly.
struct argument : seq<expression> {};
struct arguments_close : one<')'> {};
struct arguments
    : seq<one<'('>, sp, opt<expression, star<sp, one<','>, sp, must<argument>>>, sp, must<arguments_close>> {};
struct name_or_call : seq<name, opt<arguments>> {};

// ---------------------------------------------------------------------------
// Literals (SPEC §2)
// ---------------------------------------------------------------------------

struct date_lit;
struct percent_lit;
struct days_lit;
struct number_lit;
struct int_lit;
struct number_end;
/// A number, percentage, day count or date.
struct numeric : seq<sor<date_lit, percent_lit, days_lit, number_lit, int_lit>, must<number_end>> {};
struct digits : plus<digit> {};
/// `2026-01-15`: one token, never a subtraction.
struct date_lit : seq<rep<4, digit>, one<'-'>, rep<2, digit>, one<'-'>, rep<2, digit>, not_at<ident_other>> {};
/// `10%` or `12.5%`: digits immediately followed by '%' (with an operand on the left, '%' is modulo).
struct percent_lit : seq<digits, opt<one<'.'>, digits>, one<'%'>, not_at<ident_other>> {};
/// `90d` (days) or `2w` (weeks).
struct days_lit : seq<digits, one<'d', 'w'>, not_at<ident_other>> {};
/// `3.5`; `50.` is not a number, so `50..79` is a range.
struct number_lit : seq<digits, one<'.'>, digits> {};
struct int_lit : digits {};
/// A number never runs into a word (`90days`, `3x`).
struct number_end : not_at<ident_other> {};

struct true_lit : kw_true {};
struct false_lit : kw_false {};
struct null_lit : kw_null {};

struct closed_string;
/// Reported at the opening quote.
struct unterminated_string : failure {};
/// `"text {expr} \u{3042}"`. A string ends on its line; `{{` and `}}` are literal braces.
struct string_lit : sor<closed_string, seq<at<one<'"'>>, raise<unterminated_string>>> {};
struct str_part;
struct closed_string : seq<one<'"'>, star<str_part>, one<'"'>> {};
struct str_text;
struct str_escape;
struct str_lbrace;
struct str_rbrace;
struct interpolation;
struct invalid_escape : failure {};
struct stray_rbrace : failure {};
struct str_part
    : sor<str_text, str_escape, str_lbrace, str_rbrace, interpolation, seq<at<one<'\\'>>, raise<invalid_escape>>,
          seq<at<one<'}'>>, raise<stray_rbrace>>> {};
struct str_text : plus<utf8::not_one<'"', '\\', '{', '}', '\r', '\n'>> {};
struct str_escape
    : seq<one<'\\'>, sor<one<'"', '\\', 'n', 't'>, seq<one<'u'>, one<'{'>, rep_min_max<1, 6, xdigit>, one<'}'>>>> {};
struct str_lbrace : two<'{'> {};
struct str_rbrace : two<'}'> {};
struct interpolation_value : seq<expression> {};
struct interpolation_close : one<'}'> {};
struct interpolation : seq<one<'{'>, sp, must<interpolation_value>, sp, must<interpolation_close>> {};

// ---------------------------------------------------------------------------
// Syntax-error messages: lowercase, source text quoted with single quotes
// ---------------------------------------------------------------------------

template <typename Rule>
inline constexpr const char* error_message = nullptr;

// clang-format off
template <> inline constexpr auto error_message<declaration> = "expected a declaration (rule, when, let, const, def, import, schema, policy, playbook)";

template <> inline constexpr auto error_message<playbook_name> = "expected the playbook name in quotes after 'playbook'";
template <> inline constexpr auto error_message<schema_path> = "expected the schema path in quotes after 'schema'";
template <> inline constexpr auto error_message<import_path> = "expected a path in quotes after 'import'";
template <> inline constexpr auto error_message<header_end> = "expected a new declaration after the string";
template <> inline constexpr auto error_message<value_end> = "expected an operator or a new declaration";

template <> inline constexpr auto error_message<policy_name> = "expected a policy name after 'policy'";
template <> inline constexpr auto error_message<policy_value> = "expected a value after the policy name";
template <> inline constexpr auto error_message<const_name> = "expected a name after 'const'";
template <> inline constexpr auto error_message<const_equals> = "expected '=' after the name";
template <> inline constexpr auto error_message<const_value> = "expected an expression after '='";
template <> inline constexpr auto error_message<let_name> = "expected a name after 'let'";
template <> inline constexpr auto error_message<let_equals> = "expected '=' after the name";
template <> inline constexpr auto error_message<let_value> = "expected an expression after '='";
template <> inline constexpr auto error_message<def_name> = "expected a function name after 'def'";
template <> inline constexpr auto error_message<def_parameters> = "expected '(' and the parameter names after the function name";
template <> inline constexpr auto error_message<parameter> = "expected a parameter name after ','";
template <> inline constexpr auto error_message<parameters_close> = "expected ',' or ')' in the parameter list";
template <> inline constexpr auto error_message<def_equals> = "expected '=' after the parameter list";
template <> inline constexpr auto error_message<def_body> = "expected an expression after '='";

template <> inline constexpr auto error_message<rule_name> = "expected a rule name after 'rule'";
template <> inline constexpr auto error_message<priority_value> = "expected a whole number after 'priority'";
template <> inline constexpr auto error_message<group_name> = "expected a group name after 'group'";
template <> inline constexpr auto error_message<rule_when> = "expected 'when' followed by the rule's condition";
template <> inline constexpr auto error_message<condition> = "expected a condition after 'when'";
template <> inline constexpr auto error_message<rule_then> = "expected 'then' after the condition";
template <> inline constexpr auto error_message<first_action> = "expected an action (propose, task, notify, tag, stop) after 'then'";
template <> inline constexpr auto error_message<rule_end> = "expected an action, an option (owner, due, discount, reason, steps, score) or a new declaration";

template <> inline constexpr auto error_message<proposal_kind> = "expected a proposal kind (upgrade, cross_sell, bundle, addon, downsell, renewal) after 'propose'";
template <> inline constexpr auto error_message<offer> = "expected the offer after the proposal kind";
template <> inline constexpr auto error_message<task_title> = "expected a title after 'task'";
template <> inline constexpr auto error_message<notify_to> = "expected a recipient after 'notify'";
template <> inline constexpr auto error_message<notify_message> = "expected a message after the recipient";
template <> inline constexpr auto error_message<tag_value> = "expected a tag after 'tag'";
template <> inline constexpr auto error_message<owner_value> = "expected a value after 'owner'";
template <> inline constexpr auto error_message<due_value> = "expected a value after 'due'";
template <> inline constexpr auto error_message<discount_value> = "expected a value after 'discount'";
template <> inline constexpr auto error_message<reason_value> = "expected a value after 'reason'";
template <> inline constexpr auto error_message<steps_value> = "expected a value after 'steps'";
template <> inline constexpr auto error_message<score_value> = "expected a value after 'score'";

template <> inline constexpr auto error_message<or_rhs> = "expected an expression after 'or'";
template <> inline constexpr auto error_message<and_rhs> = "expected an expression after 'and'";
template <> inline constexpr auto error_message<not_operand> = "expected an expression after 'not'";
template <> inline constexpr auto error_message<eq_rhs> = "expected an expression after '=='";
template <> inline constexpr auto error_message<ne_rhs> = "expected an expression after '!='";
template <> inline constexpr auto error_message<le_rhs> = "expected an expression after '<='";
template <> inline constexpr auto error_message<lt_rhs> = "expected an expression after '<'";
template <> inline constexpr auto error_message<ge_rhs> = "expected an expression after '>='";
template <> inline constexpr auto error_message<gt_rhs> = "expected an expression after '>'";
template <> inline constexpr auto error_message<in_rhs> = "expected a list or a range after 'in'";
template <> inline constexpr auto error_message<not_in_rhs> = "expected a list or a range after 'not in'";
template <> inline constexpr auto error_message<range_end> = "expected the end of the range after '..'";
template <> inline constexpr auto error_message<expected_null> = "expected 'null' or 'not null' after 'is'";
template <> inline constexpr auto error_message<single_equals> = "use '==' to compare values";
template <> inline constexpr auto error_message<no_chain> = "comparisons do not chain; combine them with 'and'";
template <> inline constexpr auto error_message<add_rhs> = "expected an expression after '+'";
template <> inline constexpr auto error_message<sub_rhs> = "expected an expression after '-'";
template <> inline constexpr auto error_message<mul_rhs> = "expected an expression after '*'";
template <> inline constexpr auto error_message<div_rhs> = "expected an expression after '/'";
template <> inline constexpr auto error_message<mod_rhs> = "expected an expression after '%'";
template <> inline constexpr auto error_message<neg_operand> = "expected an expression after '-'";
template <> inline constexpr auto error_message<use_not> = "use 'not' instead of '!'";
template <> inline constexpr auto error_message<use_and> = "use 'and' instead of '&&'";
template <> inline constexpr auto error_message<use_or> = "use 'or' instead of '||'";
template <> inline constexpr auto error_message<range_outside_in> = "a range 'lo..hi' can only follow 'in' or 'not in'";

template <> inline constexpr auto error_message<paren_value> = "expected an expression after '('";
template <> inline constexpr auto error_message<paren_close> = "expected ')' to close '('";
template <> inline constexpr auto error_message<list_close> = "expected ',' or ']' in the list";
template <> inline constexpr auto error_message<argument> = "expected an argument after ','";
template <> inline constexpr auto error_message<arguments_close> = "expected ',' or ')' in the argument list";
template <> inline constexpr auto error_message<if_condition> = "expected a condition after 'if'";
template <> inline constexpr auto error_message<if_then> = "expected 'then' after the condition";
template <> inline constexpr auto error_message<if_value> = "expected a value after 'then'";
template <> inline constexpr auto error_message<if_else> = "expected 'else' after the value (an 'if' needs both branches)";
template <> inline constexpr auto error_message<else_value> = "expected a value after 'else'";

template <> inline constexpr auto error_message<number_end> = "a number cannot run into a word (day counts are written like '90d' or '2w')";
template <> inline constexpr auto error_message<unterminated_string> = "unterminated string";
template <> inline constexpr auto error_message<invalid_escape> = "invalid escape; use '\\\"', '\\\\', '\\n', '\\t' or '\\u{...}'";
template <> inline constexpr auto error_message<stray_rbrace> = "unmatched '}' in a string; write '}}' for a literal brace";
template <> inline constexpr auto error_message<interpolation_value> = "expected an expression after '{' (write '{{' for a literal brace)";
template <> inline constexpr auto error_message<interpolation_close> = "expected '}' to close the interpolation";
// clang-format on

/// The error table in the shape tao::pegtl::must_if expects. Only `must<>`
/// and `raise<>` raise: a rule failing elsewhere just backtracks.
struct errors {
  template <typename Rule>
  static constexpr auto message = error_message<Rule>;
  template <typename Rule>
  static constexpr bool raise_on_failure = false;
};

}  // namespace kairos::grammar::peg
