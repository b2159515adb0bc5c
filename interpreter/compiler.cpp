// The compiler works in one pass per playbook: it resolves every name,
// checks types and emits bytecode for each expression segment (conditions,
// action expressions, lets). Defs are inlined at their call sites with their
// parameters in local slots, so a def body is checked against the argument
// types of each call. Constant subexpressions are folded by running their code
// on the VM, so folding and run time share one definition of every operator.

#include "interpreter/compiler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "grammar/parser.hpp"
#include "interpreter/optimize.hpp"
#include "interpreter/vm.hpp"

namespace kairos {

using ast::Expr;
using ast::ExprKind;
using grammar::Span;

size_t Compilation::parse(std::string path, std::string text) {
  const uint32_t file = sources.add(std::move(path), std::move(text));
  auto module = std::make_unique<ast::Module>(grammar::parse(sources, file, diags));
  module->file = file;
  modules.push_back(std::move(module));
  return modules.size() - 1;
}

std::optional<std::string> declared_schema(const Compilation& c, size_t module) {
  const ast::Module& m = *c.modules.at(module);
  for (const ast::Decl& d : m.decls) {
    if (d.kind != ast::DeclKind::Schema) continue;
    const std::filesystem::path base = std::filesystem::path(c.sources.file(m.file).path()).parent_path();
    return (base / d.name).lexically_normal().string();
  }
  return std::nullopt;
}

const char* option_name(OptionName o) {
  static const char* kNames[] = {"owner", "due", "discount", "reason", "steps", "score"};
  return kNames[static_cast<int>(o)];
}

uint32_t Chunk::add_constant(const Value& v) {
  Value stored = v;
  if (v.kind == ValueKind::String) {
    strings.emplace_back(v.str());
    stored = Value::string(strings.back());
  } else if (v.kind == ValueKind::List) {
    std::vector<Value> items(v.l, v.l + v.size);
    for (Value& item : items) {
      if (item.kind == ValueKind::String) {
        strings.emplace_back(item.str());
        item = Value::string(strings.back());
      }
    }
    lists.push_back(std::move(items));
    stored = Value::list(lists.back().data(), static_cast<uint32_t>(lists.back().size()));
  }
  constants.push_back(stored);
  return static_cast<uint32_t>(constants.size() - 1);
}

namespace {

/// The code of one expression segment while it is being built. Jump targets
/// are offsets inside the segment until it is appended to the chunk.
struct Segment {
  std::vector<Instr> code;
  std::vector<Span> spans;
  int depth = 0;
  int max_depth = 0;

  size_t emit(Op op, Span span, uint32_t a = 0, uint16_t b = 0) {
    code.push_back(Instr{op, 0, b, a});
    spans.push_back(span);
    int effect = op_stack_effect(op);
    if (op == Op::Call || op == Op::MakeList || op == Op::Interpolate) effect -= b;
    depth += effect;
    max_depth = std::max(max_depth, depth);
    return code.size() - 1;
  }
  void patch(size_t at) { code[at].a = static_cast<uint32_t>(code.size()); }
  /// Appends another segment's code, moving its jump targets.
  void append(const Segment& other) {
    const uint32_t base = static_cast<uint32_t>(code.size());
    for (size_t i = 0; i < other.code.size(); ++i) {
      Instr in = other.code[i];
      if (op_operand(in.op) == Operand::Jump) in.a += base;
      code.push_back(in);
      spans.push_back(other.spans[i]);
    }
    max_depth = std::max(max_depth, depth + other.max_depth);
    depth += other.depth;
  }
};

/// What the compiler knows of an expression after compiling it.
struct Typed {
  Type type;
  bool constant = false;  ///< foldable: no fields, lets or run-dependent builtins
  bool ok = true;         ///< false after an error (suppresses follow-up errors)
};

/// A def parameter bound to a local slot during inlining.
struct Local {
  std::string name;
  uint32_t slot;
  Type type;
  bool constant;  ///< bound to `value` at compile time (no slot)
  Value value;
};

/// A const, let or def visible in the playbook.
struct Binding {
  ast::DeclKind kind = ast::DeclKind::Const;
  const ast::Decl* decl = nullptr;
  uint32_t file = 0;
  bool main = false;  ///< declared in the playbook itself (lints apply)
  bool used = false;
  // const: value once folded; let: index once compiled
  enum class State { Todo, Busy, Done, Failed } state = State::Todo;
  Value value;
  Type type;
  bool constant = false;
  uint32_t let_index = 0;
  std::vector<uint32_t> facts;  ///< let: fields it refers to
  /// The longest chain of consts and lets it is defined through, itself
  /// included (a let of fields only: 1).
  uint32_t depth = 0;
};

/// How long a chain of consts and lets defined through each other may be
/// (docs/limits.md): resolving them, and evaluating lets in the VM, recurses
/// once per link.
constexpr uint32_t kMaxBindingDepth = 64;

/// The context an expression is compiled in.
struct Context {
  bool symbol_ok = false;     ///< a bare unknown name may be a symbol here
  const Type* hint = nullptr; ///< the type a symbol must fit (enum values)
  std::string hint_name;      ///< the field the hint comes from, for messages
};

bool compatible(const Type& a, const Type& b) {
  auto loose = [](TypeKind k) { return k == TypeKind::Any || k == TypeKind::Null; };
  if (loose(a.kind) || loose(b.kind)) return true;
  if (a.is_numeric() && b.is_numeric()) return true;
  if (a.is_stringy() && b.is_stringy()) return true;
  if (a.kind != b.kind) return false;
  if (a.kind == TypeKind::List) {
    return compatible(Type::of(a.elem), Type::of(b.elem));
  }
  return true;
}

/// The type both branches of an `if` (or the items of a list) fit in.
Type unify(const Type& a, const Type& b) {
  if (a.kind == TypeKind::Null) return b;
  if (b.kind == TypeKind::Null) return a;
  if (a.kind == TypeKind::Any || b.kind == TypeKind::Any) return Type::of(TypeKind::Any);
  if (a.is_numeric() && b.is_numeric()) {
    return Type::of(a.kind == TypeKind::Int && b.kind == TypeKind::Int ? TypeKind::Int : TypeKind::Number);
  }
  if (a.kind == TypeKind::Enum && b.kind == TypeKind::Enum) return a;
  if (a.is_stringy() && b.is_stringy()) return Type::of(TypeKind::String);
  return a;
}

bool is_bool_like(const Type& t) {
  return t.kind == TypeKind::Bool || t.kind == TypeKind::Any || t.kind == TypeKind::Null;
}

std::string describe(const Type& t) {
  if (t.kind == TypeKind::Enum) return "enum";
  return type_name(t);
}

const char* op_text(ast::Op op) {
  switch (op) {
    case ast::Op::Add: return "+";
    case ast::Op::Sub: return "-";
    case ast::Op::Mul: return "*";
    case ast::Op::Div: return "/";
    case ast::Op::Mod: return "%";
    case ast::Op::Eq: return "==";
    case ast::Op::Ne: return "!=";
    case ast::Op::Lt: return "<";
    case ast::Op::Le: return "<=";
    case ast::Op::Gt: return ">";
    case ast::Op::Ge: return ">=";
    case ast::Op::In: return "in";
    case ast::Op::NotIn: return "not in";
    case ast::Op::And: return "and";
    case ast::Op::Or: return "or";
    case ast::Op::Neg: return "-";
    case ast::Op::Not: return "not";
    case ast::Op::None: return "?";
  }
  return "?";
}

/// The most values one instruction can take (its 16-bit count `b`): the
/// parts of a string, the items of a list literal, the arguments of a call.
constexpr size_t kMaxCount = 65535;

/// The most expression nodes that def calls may expand to in one playbook
/// (docs/limits.md). Each call of a def compiles its body again in place.
constexpr uint64_t kMaxExpandedNodes = 1000000;

const std::vector<std::string> kProposeKinds = {"upgrade", "cross_sell", "bundle", "addon", "downsell", "renewal"};
const std::vector<std::string> kOptionNames = {"owner", "due", "discount", "reason", "steps", "score"};
const std::vector<std::string> kPolicies = {"max_discount", "max_proposals"};

class Compiler {
 public:
  Compiler(Compilation& c, size_t module, const CompileOptions& options)
      : c_(c), diags_(c.diags), options_(options), registry_(*options.registry), main_(*c.modules.at(module)) {
    program_ = std::make_shared<Program>();
    program_->path = c.sources.file(main_.file).path();
    program_->name = std::filesystem::path(program_->path).stem().string();
    if (options.schema) {
      program_->schema = options.schema;
    } else {
      open_schema_ = std::make_shared<Schema>();
    }
    vm_ = std::make_unique<Vm>(*program_, registry_);
  }

  std::shared_ptr<Program> run() {
    // The module was parsed before compile() was called: a syntax error in
    // it is already a diagnostic, and a module that did not parse whole
    // must not become a program (its rules would be missing or cut short).
    const bool parse_failed = std::any_of(diags_.items().begin(), diags_.items().end(), [&](const grammar::Diagnostic& d) {
      return d.severity == grammar::Severity::Error && d.has_position && d.span.file == main_.file;
    });
    const size_t errors_before = error_count();
    load_module(main_, true);
    declarations();
    rules();
    lint_unused();
    finish_lets();
    if (open_schema_) program_->schema = open_schema_;
    if (parse_failed || error_count() > errors_before) return nullptr;
    return program_;
  }

 private:
  size_t error_count() const {
    return static_cast<size_t>(std::count_if(diags_.items().begin(), diags_.items().end(),
                                             [](const grammar::Diagnostic& d) {
                                               return d.severity == grammar::Severity::Error;
                                             }));
  }

  std::string where(const Span& s) const {
    const grammar::SourceFile& f = c_.sources.file(s.file);
    const grammar::LineCol lc = f.locate(s.begin);
    return fmt::format("{}:{}:{}", f.path(), lc.line, lc.column);
  }

  /// The index of constant `v` in the chunk, adding it only when an equal
  /// constant (same kind and bits, same text, same items) is not there yet:
  /// conditions are compiled twice (test and value form), and the same
  /// literal is often written in many rules. A string that points at one of
  /// the schema's enum values keeps pointing there (see enum_text), inside a
  /// list too, so the VM can compare it with a record's value by pointer.
  uint32_t add_constant(const Value& v) {
    std::string key;
    auto put = [&key](const void* p, size_t n) { key.append(static_cast<const char*>(p), n); };
    auto put_value = [&](const Value& x) {
      key.push_back(static_cast<char>(x.kind));
      switch (x.kind) {
        case ValueKind::Null: break;
        case ValueKind::Bool: key.push_back(x.b ? 1 : 0); break;
        case ValueKind::Int: put(&x.i, sizeof x.i); break;
        case ValueKind::Number: put(&x.n, sizeof x.n); break;
        case ValueKind::Date: put(&x.d, sizeof x.d); break;
        case ValueKind::String: {
          const bool schema_text = is_enum_text(x);
          key.push_back(schema_text ? 'E' : 'S');
          if (schema_text) put(&x.s, sizeof x.s);
          put(&x.size, sizeof x.size);
          put(x.s, x.size);
          break;
        }
        case ValueKind::List: break;
      }
    };
    put_value(v);
    if (v.kind == ValueKind::List) {
      put(&v.size, sizeof v.size);
      for (uint32_t i = 0; i < v.size; ++i) put_value(v.l[i]);
    }
    auto it = constant_index_.find(key);
    if (it != constant_index_.end()) return it->second;
    Chunk& ch = program_->chunk;
    uint32_t index = 0;
    if (v.kind == ValueKind::String && is_enum_text(v)) {
      ch.constants.push_back(v);
      index = static_cast<uint32_t>(ch.constants.size() - 1);
    } else {
      index = ch.add_constant(v);
      if (v.kind == ValueKind::List) {
        // Chunk::add_constant copied every item's text; point enum values back at the schema.
        std::vector<Value>& items = ch.lists.back();
        for (uint32_t i = 0; i < v.size; ++i) {
          if (v.l[i].kind == ValueKind::String && is_enum_text(v.l[i])) items[i] = v.l[i];
        }
      }
    }
    constant_index_.emplace(std::move(key), index);
    return index;
  }

  /// True when `v` is a string pointing at one of the schema's enum values.
  bool is_enum_text(const Value& v) const {
    return v.kind == ValueKind::String && enum_texts_.count(v.s) != 0;
  }

  /// The text of symbol `text` of an enum: the schema's own copy when it is
  /// one of its values (a record's value of that enum points there too).
  Value enum_text(const Type& t, const std::string& text) {
    if (t.enum_values) {
      if (const std::string* v = t.enum_values->find(text)) {
        enum_texts_.insert(v->data());
        return Value::string(*v);
      }
    }
    return Value::string(text);
  }

  // ---- modules and names -------------------------------------------------

  /// Registers the const/let/def names of a module and of everything it
  /// imports, imported names first (so a duplicate is reported at the later
  /// one). Imports are followed with an explicit stack, not by recursion, so
  /// a chain of imports of any length costs time linear in its length.
  void load_module(const ast::Module& root, bool is_main) {
    struct Frame {
      const ast::Module* module;
      size_t next_decl;
    };
    std::vector<Frame> stack{{&root, 0}};
    on_stack_.insert(root.file);
    loading_.push_back(root.file);
    imported_paths_.emplace(file_key(c_.sources.file(root.file).path()), root.file);
    while (!stack.empty()) {
      Frame& top = stack.back();
      const ast::Module& m = *top.module;
      if (top.next_decl < m.decls.size()) {
        const ast::Decl& d = m.decls[top.next_decl++];
        if (d.kind != ast::DeclKind::Import) continue;
        if (const ast::Module* imported = import(m, d)) {
          on_stack_.insert(imported->file);
          loading_.push_back(imported->file);
          stack.push_back({imported, 0});  // `top` is not used past here
        }
        continue;
      }
      register_names(m, is_main && &m == &root);
      on_stack_.erase(m.file);
      loading_.pop_back();
      stack.pop_back();
    }
  }

  /// Registers the const/let/def names of one module.
  void register_names(const ast::Module& m, bool is_main) {
    for (const ast::Decl& d : m.decls) {
      if (d.kind != ast::DeclKind::Const && d.kind != ast::DeclKind::Let && d.kind != ast::DeclKind::Def) continue;
      auto it = names_.find(d.name);
      if (it != names_.end()) {
        diags_.error("duplicate-name", d.name_span,
                     fmt::format("'{}' is already defined", d.name),
                     fmt::format("the first definition is at {}", where(it->second.decl->name_span)));
        continue;
      }
      if (registry_.find(d.name) && d.kind == ast::DeclKind::Def) {
        diags_.error("duplicate-name", d.name_span,
                     fmt::format("'{}' is a builtin function and cannot be redefined", d.name));
        continue;
      }
      Binding b;
      b.kind = d.kind;
      b.decl = &d;
      b.file = m.file;
      b.main = is_main;
      names_.emplace(d.name, std::move(b));
      name_order_.push_back(d.name);
    }
  }

  /// A path as a key for "the same file": absolute, with `.`, `..` and
  /// links resolved as far as the file system has them.
  static std::string file_key(const std::string& path) {
    std::error_code ec;
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
    return ec ? std::filesystem::path(path).lexically_normal().string() : canonical.string();
  }

  /// Resolves and parses the module an import names; nullptr when it cannot
  /// be imported (reported), closes a cycle (reported) or was already
  /// brought in by another import (a diamond).
  const ast::Module* import(const ast::Module& from, const ast::Decl& d) {
    if (!options_.resolve_import) {
      diags_.error("import-not-found", d.span, fmt::format("cannot import '{}' here", d.name));
      return nullptr;
    }
    std::string resolved, error;
    std::optional<std::string> text =
        options_.resolve_import(d.name, c_.sources.file(from.file).path(), resolved, error);
    if (!text) {
      diags_.error("import-not-found", d.span, fmt::format("cannot import '{}': {}", d.name, error));
      return nullptr;
    }
    const auto seen = imported_paths_.find(file_key(resolved));
    if (seen != imported_paths_.end()) {
      if (on_stack_.count(seen->second) != 0) {
        // A cycle leads back to a file being loaded, the main playbook
        // included: named from where the circle starts to where it closes.
        const auto start = std::find(loading_.begin(), loading_.end(), seen->second);
        const std::string first = c_.sources.file(seen->second).path();
        std::string chain = fmt::format("'{}'", first);
        for (auto it = start + 1; it != loading_.end(); ++it) {
          chain += fmt::format(" imports '{}', which", c_.sources.file(*it).path());
        }
        diags_.error("import-cycle", d.span,
                     start + 1 == loading_.end() ? fmt::format("import cycle: '{}' imports itself", first)
                                                 : fmt::format("import cycle: {} imports '{}'", chain, first));
      }
      return nullptr;
    }
    const size_t index = c_.parse(resolved, std::move(*text));
    const ast::Module& m = *c_.modules[index];
    imported_paths_.emplace(file_key(resolved), m.file);
    return &m;
  }

  // ---- declarations ------------------------------------------------------

  void declarations() {
    bool seen_playbook = false, seen_schema = false;
    for (const ast::Decl& d : main_.decls) {
      switch (d.kind) {
        case ast::DeclKind::Playbook:
          if (seen_playbook) diags_.error("duplicate-declaration", d.span, "the playbook name is given twice");
          seen_playbook = true;
          program_->name = d.name;
          break;
        case ast::DeclKind::Schema:
          if (seen_schema) diags_.error("duplicate-declaration", d.span, "the schema is given twice");
          seen_schema = true;
          break;
        case ast::DeclKind::Policy:
          policy(d);
          break;
        default:
          break;
      }
    }
    // Check every const, let and def of the playbook even when unused.
    for (const std::string& name : name_order_) {
      Binding& b = names_.at(name);
      if (b.kind == ast::DeclKind::Const) resolve_const(b);
      if (b.kind == ast::DeclKind::Let) resolve_let(b);
    }
  }

  void policy(const ast::Decl& d) {
    if (std::find(kPolicies.begin(), kPolicies.end(), d.name) == kPolicies.end()) {
      const std::string near = grammar::did_you_mean(d.name, kPolicies);
      diags_.error("unknown-policy", d.name_span, fmt::format("unknown policy '{}'{}", d.name,
                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)),
                   "the policies are max_discount and max_proposals");
      return;
    }
    Value v;
    if (!fold_standalone(*d.value, v)) {
      diags_.error("bad-policy", d.value->span, fmt::format("the value of policy '{}' must be a constant", d.name));
      return;
    }
    if (d.name == "max_discount") {
      if (program_->max_discount) diags_.error("duplicate-declaration", d.span, "policy max_discount is given twice");
      if ((v.kind != ValueKind::Int && v.kind != ValueKind::Number) || v.as_number() < 0 || v.as_number() > 1) {
        diags_.error("bad-policy", d.value->span, "max_discount must be a percentage between 0% and 100%");
        return;
      }
      program_->max_discount = v.as_number();
    } else {
      if (program_->max_proposals) diags_.error("duplicate-declaration", d.span, "policy max_proposals is given twice");
      if (v.kind != ValueKind::Int || v.i < 0) {
        diags_.error("bad-policy", d.value->span, "max_proposals must be a whole number of 0 or more");
        return;
      }
      program_->max_proposals = v.i;
    }
  }

  /// Runs a constant segment (ending in Return) on the VM.
  Value fold(const Segment& seg) {
    vm_->begin(nullptr);
    vm_->reserve(static_cast<size_t>(seg.max_depth) + 1, program_->locals);
    return vm_->execute(seg.code.data(), 0);
  }

  /// Compiles an expression that must be constant and folds it.
  bool fold_standalone(const Expr& e, Value& out) {
    Segment seg;
    Typed t = expr(seg, e, {});
    if (!t.ok || !t.constant) return false;
    seg.emit(Op::Return, e.span);
    out = fold(seg);
    return true;
  }

  /// Marks a const or let as being resolved; false (reported, and the
  /// binding failed) when that would nest more than kMaxBindingDepth deep.
  bool enter_binding(Binding& b) {
    if (resolving_ >= kMaxBindingDepth) {
      binding_too_deep(b);
      return false;
    }
    b.state = Binding::State::Busy;
    ++resolving_;
    return true;
  }

  /// After a const's or let's expression: its depth from the consts and lets
  /// it used (uses_depth_), which are then the caller's again. False when
  /// the binding failed or is too deep (reported).
  bool leave_binding(Binding& b, uint32_t saved_depth) {
    --resolving_;
    b.depth = uses_depth_ + 1;
    uses_depth_ = saved_depth;
    if (b.state == Binding::State::Failed) return false;
    if (b.depth > kMaxBindingDepth) {
      binding_too_deep(b);
      return false;
    }
    return true;
  }

  void binding_too_deep(Binding& b) {
    diags_.error("limit", b.decl->name_span,
                 fmt::format("consts and lets are nested too deeply (limit {})", kMaxBindingDepth),
                 fmt::format("'{}' is defined through a chain of more than {} consts and lets", b.decl->name,
                             kMaxBindingDepth));
    b.state = Binding::State::Failed;
  }

  void resolve_const(Binding& b) {
    if (b.state == Binding::State::Done || b.state == Binding::State::Failed) return;
    if (b.state == Binding::State::Busy) {
      diags_.error("cyclic-definition", b.decl->name_span, fmt::format("'{}' is defined in terms of itself", b.decl->name));
      b.state = Binding::State::Failed;
      return;
    }
    if (!enter_binding(b)) return;
    Segment seg;
    const size_t errors = error_count();
    std::string saved_context = std::exchange(context_name_, fmt::format("in const '{}'", b.decl->name));
    const uint32_t saved_depth = std::exchange(uses_depth_, 0);
    const bool saved_in_const = std::exchange(in_const_, true);
    Typed t = expr(seg, *b.decl->value, {});
    in_const_ = saved_in_const;
    context_name_ = std::move(saved_context);
    if (!leave_binding(b, saved_depth)) return;
    if (!t.ok || error_count() > errors) {
      b.state = Binding::State::Failed;
      return;
    }
    if (!t.constant) {
      diags_.error("not-constant", b.decl->value->span,
                   fmt::format("const '{}' must be a constant; use 'let' for a value computed per record", b.decl->name));
      b.state = Binding::State::Failed;
      return;
    }
    seg.emit(Op::Return, b.decl->value->span);
    const Value v = fold(seg);
    b.value = program_->chunk.constants[add_constant(v)];
    b.type = t.type;
    b.constant = true;
    b.state = Binding::State::Done;
  }

  void resolve_let(Binding& b) {
    if (b.state == Binding::State::Done || b.state == Binding::State::Failed) return;
    if (b.state == Binding::State::Busy) {
      diags_.error("cyclic-definition", b.decl->name_span, fmt::format("let '{}' is defined in terms of itself", b.decl->name));
      b.state = Binding::State::Failed;
      return;
    }
    if (!enter_binding(b)) return;
    std::vector<uint32_t>* saved_facts = facts_;
    std::vector<Local> saved_locals;
    saved_locals.swap(locals_);
    std::vector<uint32_t> facts;
    facts_ = &facts;
    Segment seg;
    const size_t errors = error_count();
    std::string saved_context = std::exchange(context_name_, fmt::format("in let '{}'", b.decl->name));
    const uint32_t saved_depth = std::exchange(uses_depth_, 0);
    const bool saved_in_const = std::exchange(in_const_, false);
    Typed t = expr(seg, *b.decl->value, {});
    in_const_ = saved_in_const;
    context_name_ = std::move(saved_context);
    facts_ = saved_facts;
    locals_.swap(saved_locals);
    if (!leave_binding(b, saved_depth)) return;
    if (!t.ok || error_count() > errors) {
      b.state = Binding::State::Failed;
      return;
    }
    b.type = t.type;
    b.facts = std::move(facts);
    if (t.constant && try_fold(seg, 0, t)) {
      b.value = program_->chunk.constants[seg.code[0].a];
      b.constant = true;
    } else {
      seg.emit(Op::Return, b.decl->value->span);
      b.let_index = static_cast<uint32_t>(pending_lets_.size());
      pending_lets_.push_back({b.decl->name, std::move(seg)});
    }
    b.state = Binding::State::Done;
  }

  void finish_lets() {
    for (auto& [name, seg] : pending_lets_) {
      program_->lets.push_back({name, append(seg)});
    }
  }

  /// Optimizes a finished segment, appends it to the chunk and returns its entry.
  uint32_t append(Segment& seg) {
    optimize_segment(seg.code, seg.spans, program_->chunk.constants);
    Chunk& ch = program_->chunk;
    const uint32_t base = static_cast<uint32_t>(ch.code.size());
    for (size_t i = 0; i < seg.code.size(); ++i) {
      Instr in = seg.code[i];
      if (op_operand(in.op) == Operand::Jump) in.a += base;
      ch.code.push_back(in);
      ch.spans.push_back(seg.spans[i]);
    }
    program_->max_stack += static_cast<uint32_t>(seg.max_depth) + 1;
    return base;
  }

  /// Replaces seg.code[start..] (a constant expression) by one Const. False
  /// when the code is a single constant already or cannot be folded.
  bool try_fold(Segment& seg, size_t start, const Typed& t) {
    if (!t.constant || !t.ok) return false;
    if (seg.code.size() - start == 1 && seg.code[start].op == Op::Const) return true;
    Segment tail;
    tail.code.assign(seg.code.begin() + static_cast<long>(start), seg.code.end());
    tail.spans.assign(seg.spans.begin() + static_cast<long>(start), seg.spans.end());
    for (Instr& in : tail.code) {
      if (op_operand(in.op) == Operand::Jump) in.a -= static_cast<uint32_t>(start);
    }
    tail.code.push_back(Instr{Op::Return, 0, 0, 0});
    tail.max_depth = seg.max_depth;
    const uint64_t warnings = vm_->context().warnings;
    const Value v = fold(tail);
    const Span span = Span::cover(seg.spans[start], seg.spans.back());
    if (vm_->context().warnings != warnings) report_null_constant(tail, span, t);
    seg.code.resize(start);
    seg.spans.resize(start);
    seg.depth -= 1;  // the folded code left one value; emit() below adds it back
    seg.emit(Op::Const, span, add_constant(v));
    return true;
  }

  /// A constant expression whose folding counted a runtime warning (an
  /// overflow, a division by zero, a date out of range...) is null on every
  /// record, so a rule that tests it never fires: a warning, and an error in
  /// a const. Folding goes bottom-up, so this is the innermost part at fault:
  /// `folded` is its code, operands folded already, ending in Return.
  void report_null_constant(const Segment& folded, Span span, const Typed& t) {
    const Instr& in = folded.code.size() >= 2 ? folded.code[folded.code.size() - 2] : folded.code.back();
    std::string reason;
    switch (in.op) {
      case Op::Div:
      case Op::Mod:
        reason = "division by zero";
        break;
      case Op::Call:
        reason = fmt::format("'{}' gives null for these arguments", registry_.get(in.a).name);
        break;
      default:
        reason = t.type.kind == TypeKind::Date     ? "the date is outside 0000-01-01..9999-12-31"
                 : t.type.kind == TypeKind::String ? "the string would be longer than the 1 MiB limit"
                 : t.type.kind == TypeKind::Number ? "the number overflows"
                                                   : "integer overflow";
        break;
    }
    const std::string text(c_.sources.file(span.file).slice(span));
    if (in_const_) {
      diags_.error("null-constant", span, fmt::format("'{}' is null: {}", text, reason),
                   "a const must have a value");
    } else {
      diags_.warning("null-constant", span, fmt::format("'{}' is always null: {}", text, reason),
                     "a condition that depends on it is never true");
    }
  }

  // ---- rules -------------------------------------------------------------

  void rules() {
    std::map<std::string, Span> seen;
    std::vector<CompiledRule> compiled;
    uint32_t order = 0;
    constexpr uint32_t kMaxRules = 10000;  // a hard limit: docs/limits.md
    for (const ast::Decl& d : main_.decls) {
      if (d.kind != ast::DeclKind::Rule || !d.rule) continue;
      const ast::Rule& r = *d.rule;
      if (order == kMaxRules) {
        diags_.error("limit", r.span, fmt::format("a playbook may have at most {} rules", kMaxRules),
                     "split the playbook into several and run them together");
        break;
      }
      CompiledRule cr;
      cr.name = r.name.empty() ? fmt::format("rule#{}", r.anonymous_index) : r.name;
      cr.description = r.description;
      cr.priority = r.priority.value_or(0);
      cr.span = r.span;
      cr.name_span = r.name_span;
      cr.source = &r;
      cr.source_order = order++;
      auto [it, inserted] = seen.emplace(cr.name, r.name_span);
      if (!inserted) {
        diags_.error("duplicate-rule", r.name_span, fmt::format("rule '{}' is defined twice", cr.name),
                     fmt::format("the first rule '{}' is at {}", cr.name, where(it->second)));
      }
      if (!r.group.empty()) {
        auto g = std::find(program_->groups.begin(), program_->groups.end(), r.group);
        if (g == program_->groups.end()) {
          program_->groups.push_back(r.group);
          cr.group = static_cast<int>(program_->groups.size() - 1);
        } else {
          cr.group = static_cast<int>(g - program_->groups.begin());
        }
      }
      compile_rule(r, cr);
      compiled.push_back(std::move(cr));
    }
    std::stable_sort(compiled.begin(), compiled.end(),
                     [](const CompiledRule& a, const CompiledRule& b) { return a.priority > b.priority; });
    // A rule after an unconditional stop can never run.
    const CompiledRule* stopper = nullptr;
    for (const CompiledRule& cr : compiled) {
      if (stopper) {
        diags_.warning("unreachable-rule", cr.name_span,
                       fmt::format("rule '{}' can never run: rule '{}' always fires first and stops", cr.name, stopper->name));
        continue;
      }
      if (cr.has_stop && cr.group < 0 && always_true_.count(cr.source_order)) stopper = &cr;
    }
    program_->rules = std::move(compiled);
  }

  void compile_rule(const ast::Rule& r, CompiledRule& cr) {
    context_name_ = fmt::format("in rule '{}'", cr.name);
    std::vector<uint32_t> facts;
    facts_ = &facts;
    Segment seg;
    Typed t = expr(seg, *r.when, {});
    facts_ = nullptr;
    if (t.ok && !is_bool_like(t.type)) {
      diags_.error("type-error", r.when->span,
                   fmt::format("the condition must be true or false, but it is {}", describe(t.type)));
    }
    if (t.ok && t.constant) {
      Value v = seg.code.size() == 1 && seg.code[0].op == Op::Const ? program_->chunk.constants[seg.code[0].a] : Value();
      const bool literal_true = r.when->kind == ExprKind::Bool && r.when->bool_value;
      if (v.kind == ValueKind::Bool && v.b) always_true_.insert(cr.source_order);
      if (!literal_true) {
        diags_.warning("constant-condition", r.when->span,
                       fmt::format("the condition of rule '{}' is always {}", cr.name,
                                   v.kind == ValueKind::Bool ? (v.b ? "true" : "false") : "null"),
                       v.kind == ValueKind::Bool && v.b ? "write 'when true' for a rule that always fires" : "");
      }
    }
    seg.emit(Op::Return, r.when->span);
    cr.facts = std::move(facts);
    // A condition only has to tell whether it is true, so it runs as tests
    // and jumps (see test()); the value form stays for constant conditions,
    // for errors, and as explain's probe of the whole condition.
    std::optional<uint32_t> tested;
    if (t.ok && !t.constant && is_bool_like(t.type)) tested = test_segment(*r.when);
    const uint32_t value_entry = !tested || options_.probes ? append(seg) : 0;
    cr.condition = tested ? *tested : value_entry;
    if (options_.probes && t.ok) {
      program_->probes[r.when.get()] = value_entry;
      // Probes compile the condition's parts again: they have a budget of
      // their own (a probe over it is left out, and explain shows no value).
      swap_expansion_budget();
      add_probes(*r.when);
      swap_expansion_budget();
    }
    for (const ast::Action& a : r.actions) {
      if (a.verb == ast::ActionVerb::Stop) {
        cr.has_stop = true;
        continue;
      }
      cr.actions.push_back(compile_action(a));
    }
  }

  /// Compiles a condition already checked in value form as tests: the code
  /// falls through to ReturnTrue when the condition is true and jumps to
  /// ReturnFalse otherwise (false or null). Nothing is reported (the value
  /// form reported everything) and def calls use the probes' budget; nullopt
  /// when it does not compile.
  std::optional<uint32_t> test_segment(const Expr& condition) {
    std::vector<uint32_t>* saved_facts = std::exchange(facts_, nullptr);
    const size_t before = diags_.items().size();
    swap_expansion_budget();
    Segment seg;
    std::vector<size_t> fails;
    const Typed t = test(seg, condition, fails);
    swap_expansion_budget();
    diags_.truncate(before);
    facts_ = saved_facts;
    if (!t.ok) return std::nullopt;
    seg.emit(Op::ReturnTrue, condition.span);
    for (size_t f : fails) seg.patch(f);
    seg.emit(Op::ReturnFalse, condition.span);
    return append(seg);
  }

  /// Emits code that falls through when `e` is true and jumps (from the
  /// instructions listed in `fails`) when it is false or null. Kleene logic
  /// makes `a and b` true exactly when both are, and `a or b` when either is,
  /// so neither needs a value on the stack.
  Typed test(Segment& seg, const Expr& e, std::vector<size_t>& fails) {
    if (e.kind == ExprKind::Binary && (e.op == ast::Op::And || e.op == ast::Op::Or)) {
      Typed l, r;
      if (e.op == ast::Op::And) {
        l = test(seg, *e.args[0], fails);
        r = test(seg, *e.args[1], fails);
      } else {
        std::vector<size_t> left_fails;
        l = test(seg, *e.args[0], left_fails);
        const size_t pass = seg.emit(Op::Jump, e.span);
        for (size_t f : left_fails) seg.patch(f);
        r = test(seg, *e.args[1], fails);
        seg.patch(pass);
      }
      const bool ok = l.ok && r.ok && is_bool_like(l.type) && is_bool_like(r.type);
      return Typed{Type::of(TypeKind::Bool), l.constant && r.constant, ok};
    }
    Typed t = expr(seg, e, {});
    fails.push_back(seg.emit(Op::JumpUnlessTrue, e.span));
    return t;
  }

  void swap_expansion_budget() {
    std::swap(expanded_, probe_expanded_);
    std::swap(expansion_over_, probe_expansion_over_);
    std::swap(expansion_reported_, probe_expansion_reported_);
  }

  uint32_t segment_for(const Expr& e, const Context& ctx, Typed* typed = nullptr) {
    Segment seg;
    Typed t = expr(seg, e, ctx);
    if (typed) *typed = t;
    seg.emit(Op::Return, e.span);
    return append(seg);
  }

  /// Requires a string (or enum, or unknown) value for an action part.
  void require_text(const Typed& t, const Expr& e, const char* what) {
    if (!t.ok) return;
    if (t.type.is_stringy() || t.type.kind == TypeKind::Any || t.type.kind == TypeKind::Null) return;
    diags_.error("type-error", e.span, fmt::format("{} must be a string, but it is {}", what, describe(t.type)),
                 "use a string with interpolation, e.g. \"{value}\"");
  }

  CompiledAction compile_action(const ast::Action& a) {
    CompiledAction ca;
    ca.verb = a.verb;
    ca.kind = a.kind;
    ca.span = a.span;
    Context text_ctx;
    text_ctx.symbol_ok = true;
    Typed t;
    switch (a.verb) {
      case ast::ActionVerb::Propose: {
        if (std::find(kProposeKinds.begin(), kProposeKinds.end(), a.kind) == kProposeKinds.end()) {
          const std::string near = grammar::did_you_mean(a.kind, kProposeKinds);
          diags_.error("unknown-kind", a.kind_span,
                       fmt::format("unknown proposal kind '{}'{}", a.kind,
                                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)),
                       "the kinds are upgrade, cross_sell, bundle, addon, downsell and renewal");
        }
        ca.subject = segment_for(*a.subject, text_ctx, &t);
        require_text(t, *a.subject, "the offer");
        break;
      }
      case ast::ActionVerb::Task:
        ca.subject = segment_for(*a.subject, text_ctx, &t);
        require_text(t, *a.subject, "the task title");
        break;
      case ast::ActionVerb::Notify:
        ca.to = segment_for(*a.to, text_ctx, &t);
        require_text(t, *a.to, "the recipient");
        ca.subject = segment_for(*a.subject, text_ctx, &t);
        require_text(t, *a.subject, "the message");
        break;
      case ast::ActionVerb::Tag:
        ca.subject = segment_for(*a.subject, text_ctx, &t);
        require_text(t, *a.subject, "the tag");
        break;
      case ast::ActionVerb::Stop:
        break;
    }
    std::set<std::string> seen;
    for (const ast::Option& o : a.options) {
      auto it = std::find(kOptionNames.begin(), kOptionNames.end(), o.name);
      if (it == kOptionNames.end()) {
        diags_.error("bad-option", o.name_span, fmt::format("unknown option '{}'", o.name));
        continue;
      }
      const OptionName name = static_cast<OptionName>(it - kOptionNames.begin());
      const bool allowed =
          a.verb == ast::ActionVerb::Propose ||
          (a.verb == ast::ActionVerb::Task && name != OptionName::Discount && name != OptionName::Score);
      if (!allowed) {
        diags_.error("bad-option", o.name_span,
                     fmt::format("'{}' is not an option of {}", o.name, verb_name(a.verb)),
                     a.verb == ast::ActionVerb::Task ? "a task takes owner, due, reason and steps"
                                                     : "only propose and task actions take options");
        continue;
      }
      if (!seen.insert(o.name).second) {
        diags_.error("bad-option", o.name_span, fmt::format("option '{}' is given twice", o.name));
        continue;
      }
      Context ctx;
      ctx.symbol_ok = name == OptionName::Owner || name == OptionName::Reason;
      if (name == OptionName::Steps) ctx.symbol_ok = true;
      Typed ot;
      const uint32_t entry = segment_for(*o.value, ctx, &ot);
      check_option(name, ot, *o.value);
      if (ca.options.size() < 8) ca.options.push_back({name, entry, o.name_span});
    }
    return ca;
  }

  static const char* verb_name(ast::ActionVerb v) {
    switch (v) {
      case ast::ActionVerb::Propose: return "propose";
      case ast::ActionVerb::Task: return "task";
      case ast::ActionVerb::Notify: return "notify";
      case ast::ActionVerb::Tag: return "tag";
      case ast::ActionVerb::Stop: return "stop";
    }
    return "?";
  }

  void check_option(OptionName name, const Typed& t, const Expr& e) {
    if (!t.ok) return;
    const TypeKind k = t.type.kind;
    const bool loose = k == TypeKind::Any || k == TypeKind::Null;
    switch (name) {
      case OptionName::Owner:
        require_text(t, e, "the owner");
        break;
      case OptionName::Reason:
        require_text(t, e, "the reason");
        break;
      case OptionName::Due:
        if (!loose && k != TypeKind::Date)
          diags_.error("type-error", e.span, fmt::format("due must be a date, but it is {}", describe(t.type)));
        break;
      case OptionName::Score:
        if (!loose && !t.type.is_numeric())
          diags_.error("type-error", e.span, fmt::format("score must be a number, but it is {}", describe(t.type)));
        break;
      case OptionName::Steps:
        if (!loose && !(k == TypeKind::List && (t.type.elem == TypeKind::String || t.type.elem == TypeKind::Enum ||
                                                 t.type.elem == TypeKind::Any || t.type.elem == TypeKind::Null)))
          diags_.error("type-error", e.span, fmt::format("steps must be a list of strings, but it is {}", describe(t.type)));
        break;
      case OptionName::Discount: {
        if (!loose && !t.type.is_numeric()) {
          diags_.error("type-error", e.span, fmt::format("discount must be a number, but it is {}", describe(t.type)));
          break;
        }
        if (!t.constant) break;
        Value v;
        if (!fold_standalone(e, v) || v.is_null()) break;
        const double d = v.as_number();
        if (d < 0 || d > 1) {
          diags_.error("bad-discount", e.span, fmt::format("a discount must be between 0% and 100%, not {}", d));
        } else if (program_->max_discount && d > *program_->max_discount + 1e-12) {
          diags_.error("discount-over-policy", e.span,
                       fmt::format("discount {}% is above the policy max_discount of {}%", d * 100,
                                   *program_->max_discount * 100),
                       "lower the discount or raise 'policy max_discount'");
        }
        break;
      }
    }
  }

  // ---- expressions -------------------------------------------------------

  Typed fail() { return Typed{Type::of(TypeKind::Any), false, false}; }

  Typed constant(Segment& seg, const Expr& e, Value v, Type t) {
    seg.emit(Op::Const, e.span, add_constant(v));
    return Typed{t, true, true};
  }

  Typed expr(Segment& seg, const Expr& e, const Context& ctx) {
    // Inside a def body every node counts toward the expansion budget: once
    // it is spent, whatever is left of the expansion is abandoned at once,
    // so a def that doubles its code at each level stops here, not minutes later.
    if (!def_stack_.empty() && (expansion_over_ || ++expanded_ > kMaxExpandedNodes)) {
      expansion_over_ = true;
      return fail();
    }
    const size_t start = seg.code.size();
    Typed t = expr_inner(seg, e, ctx);
    if (t.ok && t.constant) try_fold(seg, start, t);
    return t;
  }

  Typed expr_inner(Segment& seg, const Expr& e, const Context& ctx) {
    switch (e.kind) {
      case ExprKind::Int: return constant(seg, e, Value::integer(e.int_value), Type::of(TypeKind::Int));
      case ExprKind::Number: return constant(seg, e, Value::number(e.number_value), Type::of(TypeKind::Number));
      case ExprKind::Date: return constant(seg, e, Value::date(static_cast<int32_t>(e.int_value)), Type::of(TypeKind::Date));
      case ExprKind::Bool: return constant(seg, e, Value::boolean(e.bool_value), Type::of(TypeKind::Bool));
      case ExprKind::Null: return constant(seg, e, Value::null(), Type::of(TypeKind::Null));
      case ExprKind::String: return string(seg, e, ctx);
      case ExprKind::List: return list(seg, e, ctx);
      case ExprKind::Range:
        diags_.error("syntax-error", e.span, "a range 'lo..hi' is only allowed after 'in'");
        return fail();
      case ExprKind::Name: return name(seg, e, ctx);
      case ExprKind::Call: return call(seg, e);
      case ExprKind::Unary: return unary(seg, e);
      case ExprKind::Binary: return binary(seg, e, ctx);
      case ExprKind::IsNull: {
        Typed t = expr(seg, *e.args[0], {});
        seg.emit(e.negated ? Op::IsNotNull : Op::IsNull, e.span);
        return Typed{Type::of(TypeKind::Bool), t.constant, t.ok};
      }
      case ExprKind::If: return if_expr(seg, e, ctx);
    }
    return fail();
  }

  Typed string(Segment& seg, const Expr& e, const Context& ctx) {
    if (ctx.hint && ctx.hint->kind == TypeKind::Enum && e.parts.size() <= 1 && (e.parts.empty() || !e.parts[0].expr)) {
      const std::string text = e.parts.empty() ? "" : e.parts[0].text;
      check_enum_value(text, e.span, ctx);
      return constant(seg, e, enum_text(*ctx.hint, text), Type::of(TypeKind::String));
    }
    if (e.parts.empty()) return constant(seg, e, Value::string(""), Type::of(TypeKind::String));
    if (e.parts.size() == 1 && !e.parts[0].expr) {
      return constant(seg, e, Value::string(e.parts[0].text), Type::of(TypeKind::String));
    }
    if (e.parts.size() > kMaxCount) {
      diags_.error("limit", e.span,
                   fmt::format("a string may have at most {} parts (pieces of text and {{…}} values)", kMaxCount),
                   "build the text in several strings and join them with '+'");
      return fail();
    }
    bool all_constant = true, ok = true;
    for (const ast::StringPart& p : e.parts) {
      if (p.expr) {
        Typed t = expr(seg, *p.expr, {});
        all_constant &= t.constant;
        ok &= t.ok;
      } else {
        seg.emit(Op::Const, e.span, add_constant(Value::string(p.text)));
      }
    }
    seg.emit(Op::Interpolate, e.span, 0, static_cast<uint16_t>(e.parts.size()));
    return Typed{Type::of(TypeKind::String), all_constant, ok};
  }

  Typed list(Segment& seg, const Expr& e, const Context& ctx) {
    if (e.args.size() > kMaxCount) {
      diags_.error("limit", e.span, fmt::format("a list literal may hold at most {} items", kMaxCount));
      return fail();
    }
    Type elem = Type::of(TypeKind::Null);
    bool all_constant = true, ok = true;
    Context item_ctx;
    item_ctx.symbol_ok = true;
    if (ctx.hint && ctx.hint->kind == TypeKind::List && ctx.hint->enum_values) {
      hint_storage_.push_back(std::make_unique<Type>(Type{TypeKind::Enum, TypeKind::Any, ctx.hint->enum_values}));
      item_ctx.hint = hint_storage_.back().get();
      item_ctx.hint_name = ctx.hint_name;
    } else if (ctx.hint && ctx.hint->kind != TypeKind::List) {
      item_ctx.hint = ctx.hint;
      item_ctx.hint_name = ctx.hint_name;
    } else {
      item_ctx.symbol_ok = ctx.symbol_ok;
    }
    for (const ast::ExprPtr& item : e.args) {
      Typed t = expr(seg, *item, item_ctx);
      all_constant &= t.constant;
      ok &= t.ok;
      if (!t.ok) continue;
      if (t.type.kind == TypeKind::List) {
        diags_.error("type-error", item->span, "a list cannot hold lists");
        ok = false;
        continue;
      }
      if (!compatible(elem, t.type)) {
        diags_.error("type-error", item->span,
                     fmt::format("list items must have one type: this one is {}, the first was {}", describe(t.type),
                                 describe(elem)));
        ok = false;
        continue;
      }
      elem = unify(elem, t.type);
    }
    seg.emit(Op::MakeList, e.span, 0, static_cast<uint16_t>(e.args.size()));
    Type lt = Type::list_of(elem.kind == TypeKind::Null ? TypeKind::Any : elem.kind);
    lt.enum_values = elem.enum_values;
    return Typed{lt, all_constant, ok};
  }

  void check_enum_value(const std::string& value, const Span& span, const Context& ctx) {
    const EnumValues& ev = *ctx.hint->enum_values;
    if (ev.contains(value)) return;
    const std::string near = grammar::did_you_mean(value, ev.values);
    // The first values only: an enum may have thousands.
    constexpr size_t kShown = 20;
    std::string all;
    for (size_t i = 0; i < ev.values.size() && i < kShown; ++i) all += (all.empty() ? "" : ", ") + ev.values[i];
    if (ev.values.size() > kShown) all += fmt::format(", … ({} in all)", ev.values.size());
    const std::string of = ctx.hint_name.empty() ? "" : fmt::format(" of '{}'", ctx.hint_name);
    diags_.error("unknown-symbol", span,
                 fmt::format("'{}' is not a value{}{}", value, of,
                             near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)),
                 fmt::format("the values are: {}", all));
  }

  /// What a bare name refers to, without emitting anything.
  enum class NameKind { Local, Binding, Field, Unknown };
  NameKind classify(const std::string& n) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->name == n) return NameKind::Local;
    }
    if (names_.count(n)) return NameKind::Binding;
    if (program_->schema && program_->schema->find(n) >= 0) return NameKind::Field;
    return NameKind::Unknown;
  }

  void add_fact(uint32_t slot) {
    if (facts_ && std::find(facts_->begin(), facts_->end(), slot) == facts_->end()) facts_->push_back(slot);
  }

  Typed name(Segment& seg, const Expr& e, const Context& ctx) {
    const std::string& n = e.text;
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->name != n) continue;
      if (it->constant) return constant(seg, e, it->value, it->type);
      seg.emit(Op::Local, e.span, it->slot);
      return Typed{it->type, false, true};
    }
    auto b = names_.find(n);
    if (b != names_.end()) {
      Binding& bind = b->second;
      bind.used = true;
      if (bind.kind == ast::DeclKind::Def) {
        diags_.error("type-error", e.span, fmt::format("'{}' is a def; call it with arguments, e.g. {}(...)", n, n));
        return fail();
      }
      if (bind.kind == ast::DeclKind::Const) {
        resolve_const(bind);
        if (bind.state != Binding::State::Done) return fail();
        uses_depth_ = std::max(uses_depth_, bind.depth);
        return constant(seg, e, bind.value, bind.type);
      }
      resolve_let(bind);
      if (bind.state != Binding::State::Done) return fail();
      uses_depth_ = std::max(uses_depth_, bind.depth);
      for (uint32_t f : bind.facts) add_fact(f);
      if (bind.constant) return constant(seg, e, bind.value, bind.type);
      seg.emit(Op::Let, e.span, bind.let_index);
      return Typed{bind.type, false, true};
    }
    if (program_->schema) {
      const int slot = program_->schema->find(n);
      if (slot >= 0) {
        add_fact(static_cast<uint32_t>(slot));
        seg.emit(Op::Field, e.span, static_cast<uint32_t>(slot));
        return Typed{program_->schema->fields[static_cast<size_t>(slot)].type, false, true};
      }
    }
    const bool dotted = n.find('.') != std::string::npos;
    if (ctx.symbol_ok && !dotted) {
      if (ctx.hint && ctx.hint->kind == TypeKind::Enum && ctx.hint->enum_values) {
        check_enum_value(n, e.span, ctx);
        return constant(seg, e, enum_text(*ctx.hint, n), *ctx.hint);
      }
      warn_if_field_typo(e);
      return constant(seg, e, Value::string(n), Type::of(TypeKind::String));
    }
    if (open_schema_) {
      int slot = open_schema_->find(n);
      if (slot < 0) {
        FieldSpec f;
        f.name = f.source = n;
        f.type = Type::of(TypeKind::Any);
        open_schema_->fields.push_back(f);
        slot = static_cast<int>(open_schema_->fields.size() - 1);
      }
      add_fact(static_cast<uint32_t>(slot));
      seg.emit(Op::Field, e.span, static_cast<uint32_t>(slot));
      return Typed{Type::of(TypeKind::Any), false, true};
    }
    std::vector<std::string> candidates = program_->schema->names();
    for (const auto& [name, bind] : names_) {
      if (bind.kind != ast::DeclKind::Def) candidates.push_back(name);
    }
    for (const Local& l : locals_) candidates.push_back(l.name);
    const std::string near = grammar::did_you_mean(n, candidates);
    diags_.error("unknown-field", e.span,
                 fmt::format("unknown field '{}'{}", n, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
    return fail();
  }

  /// A symbol spelled almost like a field is most likely a typo of it.
  void warn_if_field_typo(const Expr& e) {
    if (!program_->schema) return;
    const std::string near = grammar::did_you_mean(e.text, program_->schema->names());
    if (near.empty()) return;
    diags_.warning("symbol-like-field", e.span,
                   fmt::format("'{}' is read as the text \"{}\"; did you mean the field '{}'?", e.text, e.text, near),
                   fmt::format("write \"{}\" in quotes if you mean the text", e.text));
  }

  Typed call(Segment& seg, const Expr& e) {
    const std::string& n = e.text;
    auto b = names_.find(n);
    if (b != names_.end() && b->second.kind == ast::DeclKind::Def) return def_call(seg, e, b->second);
    if (b != names_.end()) {
      diags_.error("type-error", e.name_span, fmt::format("'{}' is not a function", n));
      return fail();
    }
    if (e.args.size() > kMaxCount) {
      diags_.error("limit", e.span, fmt::format("a call may have at most {} arguments", kMaxCount));
      return fail();
    }
    const std::optional<uint32_t> id = registry_.find(n);
    if (!id) {
      std::vector<std::string> candidates = registry_.names();
      for (const auto& [name, bind] : names_) {
        if (bind.kind == ast::DeclKind::Def) candidates.push_back(name);
      }
      const std::string near = grammar::did_you_mean(n, candidates);
      diags_.error("unknown-function", e.name_span,
                   fmt::format("unknown function '{}'{}", n, near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)),
                   "the builtin functions are listed in docs/stdlib.md");
      for (const ast::ExprPtr& a : e.args) {
        Segment scratch;
        expr(scratch, *a, {});  // still report problems inside the arguments
      }
      return fail();
    }
    const Builtin& fn = registry_.get(*id);
    const int argc = static_cast<int>(e.args.size());
    if (argc < fn.min_args || (fn.max_args >= 0 && argc > fn.max_args)) {
      std::string want = fn.min_args == fn.max_args ? fmt::format("{}", fn.min_args)
                         : fn.max_args < 0          ? fmt::format("at least {}", fn.min_args)
                                                    : fmt::format("{} to {}", fn.min_args, fn.max_args);
      diags_.error("arity", e.span,
                   fmt::format("{} takes {} argument{}, but {} {} given", n, want,
                               want == "1" ? "" : "s", argc, argc == 1 ? "is" : "are"),
                   fn.signature.empty() ? "" : fmt::format("usage: {}", fn.signature));
      return fail();
    }
    std::vector<Type> types;
    bool all_constant = fn.foldable, ok = true;
    for (const ast::ExprPtr& a : e.args) {
      Typed t = expr(seg, *a, {});
      types.push_back(t.type);
      all_constant &= t.constant;
      ok &= t.ok;
    }
    if (!ok) return fail();
    std::string error;
    int bad = -1;
    std::optional<Type> result = fn.check ? fn.check(types, error, bad) : Type::of(TypeKind::Any);
    if (!result) {
      const Span at = bad >= 0 && bad < argc ? e.args[static_cast<size_t>(bad)]->span : e.span;
      diags_.error("type-error", at, error, fn.signature.empty() ? "" : fmt::format("usage: {}", fn.signature));
      return fail();
    }
    seg.emit(Op::Call, e.span, *id, static_cast<uint16_t>(argc));
    return Typed{*result, all_constant, true};
  }

  Typed def_call(Segment& seg, const Expr& e, Binding& bind) {
    bind.used = true;
    const ast::Decl& d = *bind.decl;
    if (std::find(def_stack_.begin(), def_stack_.end(), &d) != def_stack_.end()) {
      diags_.error("recursive-def", e.name_span,
                   fmt::format("def '{}' calls itself; recursion is not allowed", d.name),
                   "a def is expanded where it is called, so it cannot call itself directly or indirectly");
      return fail();
    }
    if (e.args.size() != d.params.size()) {
      diags_.error("arity", e.span,
                   fmt::format("{} takes {} argument{}, but {} {} given", d.name, d.params.size(),
                               d.params.size() == 1 ? "" : "s", e.args.size(), e.args.size() == 1 ? "is" : "are"),
                   fmt::format("'{}' is defined at {}", d.name, where(d.name_span)));
      return fail();
    }
    if (def_stack_.size() >= 64) {
      diags_.error("limit", e.span, "defs are nested too deeply (limit 64)");
      return fail();
    }
    if (expansion_over_) return fail();  // reported once, at the call that spent the budget
    std::vector<Local> params;
    bool ok = true;
    for (size_t i = 0; i < e.args.size(); ++i) {
      // A constant argument is bound by value, so the body folds with it;
      // any other argument is evaluated once into a local slot.
      Segment arg;
      Typed t = expr(arg, *e.args[i], {});
      ok &= t.ok;
      Local param{d.params[i], 0, t.type, false, Value()};
      if (t.ok && t.constant && arg.code.size() == 1 && arg.code[0].op == Op::Const) {
        param.constant = true;
        param.value = program_->chunk.constants[arg.code[0].a];
      } else {
        seg.append(arg);
        param.slot = program_->locals++;
        seg.emit(Op::SetLocal, e.args[i]->span, param.slot);
      }
      params.push_back(param);
    }
    if (!ok) return fail();
    // The body sees its parameters and the playbook's names, not the caller's locals.
    std::vector<Local> saved;
    saved.swap(locals_);
    locals_ = std::move(params);
    def_stack_.push_back(&d);
    bool all_constant = true;
    for (const Local& l : locals_) all_constant &= l.constant;
    Typed body = expr(seg, *d.value, {});
    def_stack_.pop_back();
    locals_.swap(saved);
    if (expansion_over_ && def_stack_.empty() && !expansion_reported_) {
      expansion_reported_ = true;
      diags_.error("limit", e.span,
                   fmt::format("calling def '{}' {} expands to too much code (limit {} expression nodes for all def "
                               "calls of a playbook)",
                               d.name, context_name_, kMaxExpandedNodes),
                   "each call of a def is compiled again where it is called, so defs that call other defs several "
                   "times grow fast; compute a shared value once with a 'let'");
    }
    return Typed{body.type, all_constant && body.constant, body.ok};
  }

  Typed unary(Segment& seg, const Expr& e) {
    Typed t = expr(seg, *e.args[0], {});
    if (!t.ok) return fail();
    const TypeKind k = t.type.kind;
    const bool loose = k == TypeKind::Any || k == TypeKind::Null;
    if (e.op == ast::Op::Neg) {
      if (!loose && !t.type.is_numeric()) {
        diags_.error("type-error", e.args[0]->span, fmt::format("cannot negate {}", describe(t.type)));
        return fail();
      }
      seg.emit(Op::Neg, e.span);
      return Typed{t.type.kind == TypeKind::Null ? Type::of(TypeKind::Int) : t.type, t.constant, true};
    }
    if (!is_bool_like(t.type)) {
      diags_.error("type-error", e.args[0]->span, fmt::format("'not' needs true or false, but this is {}", describe(t.type)));
      return fail();
    }
    seg.emit(Op::Not, e.span);
    return Typed{Type::of(TypeKind::Bool), t.constant, true};
  }

  Typed if_expr(Segment& seg, const Expr& e, const Context& ctx) {
    Typed c = expr(seg, *e.args[0], {});
    if (c.ok && !is_bool_like(c.type)) {
      diags_.error("type-error", e.args[0]->span, fmt::format("the condition of 'if' must be true or false, but it is {}", describe(c.type)));
      c.ok = false;
    }
    const size_t to_else = seg.emit(Op::JumpUnlessTrue, e.span);
    Typed a = expr(seg, *e.args[1], ctx);
    const size_t to_end = seg.emit(Op::Jump, e.span);
    seg.patch(to_else);
    seg.depth -= 1;  // only one branch's value is on the stack at run time
    Typed b = expr(seg, *e.args[2], ctx);
    seg.patch(to_end);
    if (!c.ok || !a.ok || !b.ok) return fail();
    if (!compatible(a.type, b.type)) {
      diags_.error("type-error", e.args[2]->span,
                   fmt::format("both branches of 'if' must have one type: 'then' gives {}, 'else' gives {}",
                               describe(a.type), describe(b.type)));
      return fail();
    }
    return Typed{unify(a.type, b.type), c.constant && a.constant && b.constant, true};
  }

  /// A bare name that names nothing and may stand for a symbol.
  bool is_symbol_candidate(const Expr& e) const {
    return e.kind == ExprKind::Name && e.text.find('.') == std::string::npos && classify(e.text) == NameKind::Unknown;
  }

  Context hint_from(const Typed& t, const Expr& other) {
    Context ctx;
    ctx.symbol_ok = t.ok && (t.type.is_stringy() || t.type.kind == TypeKind::Any);
    if (t.ok && (t.type.kind == TypeKind::Enum || (t.type.kind == TypeKind::List && t.type.enum_values))) {
      hint_storage_.push_back(std::make_unique<Type>(t.type));
      ctx.hint = hint_storage_.back().get();
      if (other.kind == ExprKind::Name) ctx.hint_name = other.text;
    }
    if (open_schema_ && t.type.kind == TypeKind::Any) ctx.symbol_ok = true;
    return ctx;
  }

  Typed binary(Segment& seg, const Expr& e, const Context& ctx) {
    const ast::Op op = e.op;
    if (op == ast::Op::And || op == ast::Op::Or) return logic(seg, e);
    if (op == ast::Op::In || op == ast::Op::NotIn) return membership(seg, e);
    const Expr& le = *e.args[0];
    const Expr& re = *e.args[1];
    Typed l, r;
    const bool equality = op == ast::Op::Eq || op == ast::Op::Ne;
    if (equality && is_symbol_candidate(le) && !is_symbol_candidate(re)) {
      // `adoption == phase`: type the right side first, then read the left as a symbol.
      Segment right;
      r = expr(right, re, {});
      l = expr(seg, le, hint_from(r, re));
      seg.append(right);
    } else {
      l = expr(seg, le, {});
      r = expr(seg, re, equality ? hint_from(l, le) : Context{});
    }
    (void)ctx;
    if (!l.ok || !r.ok) return fail();
    const Type& lt = l.type;
    const Type& rt = r.type;
    const bool loose_l = lt.kind == TypeKind::Any || lt.kind == TypeKind::Null;
    const bool loose_r = rt.kind == TypeKind::Any || rt.kind == TypeKind::Null;
    const bool constant = l.constant && r.constant;
    auto mismatch = [&](const std::string& message) {
      // Blame the operand that does not fit: the right one when the left one
      // is a valid operand for this operator.
      const Expr& at = left_valid(op, lt) ? re : le;
      diags_.error("type-error", at.span, message);
      return fail();
    };
    Op code = Op::Add;
    Type result = Type::of(TypeKind::Any);
    switch (op) {
      case ast::Op::Add:
        code = Op::Add;
        if (loose_l || loose_r) result = loose_l ? rt : lt;
        if (loose_l && loose_r) result = Type::of(TypeKind::Any);
        else if (lt.is_numeric() && rt.is_numeric()) result = unify(lt, rt);
        else if (lt.is_stringy() && rt.is_stringy()) result = Type::of(TypeKind::String);
        else if (lt.kind == TypeKind::Date && (rt.kind == TypeKind::Int || loose_r)) result = Type::of(TypeKind::Date);
        else if (rt.kind == TypeKind::Date && (lt.kind == TypeKind::Int || loose_l)) result = Type::of(TypeKind::Date);
        else if (!(loose_l || loose_r))
          return mismatch(fmt::format("cannot add {} and {}", describe(lt), describe(rt)));
        else if (result.kind == TypeKind::Bool || result.kind == TypeKind::List)
          return mismatch(fmt::format("cannot add {}", describe(result)));
        if (result.kind == TypeKind::Enum) result = Type::of(TypeKind::String);
        break;
      case ast::Op::Sub:
        code = Op::Sub;
        if (lt.is_numeric() && rt.is_numeric()) result = unify(lt, rt);
        else if (lt.kind == TypeKind::Date && rt.kind == TypeKind::Date) result = Type::of(TypeKind::Int);
        else if (lt.kind == TypeKind::Date && (rt.kind == TypeKind::Int || loose_r)) result = Type::of(TypeKind::Date);
        else if (loose_l && (rt.is_numeric() || rt.kind == TypeKind::Date || loose_r)) result = Type::of(TypeKind::Any);
        else if (loose_r && lt.is_numeric()) result = lt;
        else return mismatch(fmt::format("cannot subtract {} from {}", describe(rt), describe(lt)));
        break;
      case ast::Op::Mul:
      case ast::Op::Div:
      case ast::Op::Mod:
        code = op == ast::Op::Mul ? Op::Mul : op == ast::Op::Div ? Op::Div : Op::Mod;
        if ((lt.is_numeric() || loose_l) && (rt.is_numeric() || loose_r)) {
          if (op == ast::Op::Div) result = Type::of(TypeKind::Number);
          else if (lt.is_numeric() && rt.is_numeric()) result = unify(lt, rt);
          else result = Type::of(lt.is_numeric() ? lt.kind : rt.is_numeric() ? rt.kind : TypeKind::Any);
        } else {
          return mismatch(fmt::format("'{}' needs numbers, not {} and {}", op_text(op), describe(lt), describe(rt)));
        }
        break;
      case ast::Op::Eq:
      case ast::Op::Ne:
        code = op == ast::Op::Eq ? Op::Eq : Op::Ne;
        if (!compatible(lt, rt))
          return mismatch(fmt::format("cannot compare {} with {}", describe(lt), describe(rt)));
        if (lt.kind == TypeKind::Enum && re.kind == ExprKind::String) check_literal_against(re, l, le);
        if (rt.kind == TypeKind::Enum && le.kind == ExprKind::String) check_literal_against(le, r, re);
        result = Type::of(TypeKind::Bool);
        break;
      case ast::Op::Lt:
      case ast::Op::Le:
      case ast::Op::Gt:
      case ast::Op::Ge: {
        code = op == ast::Op::Lt ? Op::Lt : op == ast::Op::Le ? Op::Le : op == ast::Op::Gt ? Op::Gt : Op::Ge;
        const bool orderable_l = loose_l || lt.is_numeric() || lt.is_stringy() || lt.kind == TypeKind::Date;
        const bool orderable_r = loose_r || rt.is_numeric() || rt.is_stringy() || rt.kind == TypeKind::Date;
        if (!orderable_l || !orderable_r || !compatible(lt, rt))
          return mismatch(fmt::format("cannot compare {} with {} using '{}'", describe(lt), describe(rt), op_text(op)));
        result = Type::of(TypeKind::Bool);
        break;
      }
      default:
        return fail();
    }
    seg.emit(code, e.span);
    return Typed{result, constant, true};
  }

  void check_literal_against(const Expr& literal, const Typed& enum_side, const Expr& enum_expr) {
    if (literal.parts.size() > 1 || (literal.parts.size() == 1 && literal.parts[0].expr)) return;
    Context ctx;
    ctx.hint = &enum_side.type;
    if (enum_expr.kind == ExprKind::Name) ctx.hint_name = enum_expr.text;
    check_enum_value(literal.parts.empty() ? "" : literal.parts[0].text, literal.span, ctx);
  }

  static bool left_valid(ast::Op op, const Type& t) {
    const bool loose = t.kind == TypeKind::Any || t.kind == TypeKind::Null;
    switch (op) {
      case ast::Op::Add: return loose || t.is_numeric() || t.is_stringy() || t.kind == TypeKind::Date;
      case ast::Op::Sub: return loose || t.is_numeric() || t.kind == TypeKind::Date;
      case ast::Op::Mul:
      case ast::Op::Div:
      case ast::Op::Mod: return loose || t.is_numeric();
      case ast::Op::Lt:
      case ast::Op::Le:
      case ast::Op::Gt:
      case ast::Op::Ge: return loose || t.is_numeric() || t.is_stringy() || t.kind == TypeKind::Date;
      default: return true;
    }
  }

  Typed logic(Segment& seg, const Expr& e) {
    Typed l = expr(seg, *e.args[0], {});
    if (l.ok && !is_bool_like(l.type)) {
      diags_.error("type-error", e.args[0]->span,
                   fmt::format("'{}' needs true or false on both sides, but this is {}", op_text(e.op), describe(l.type)));
      l.ok = false;
    }
    const size_t jump = seg.emit(e.op == ast::Op::And ? Op::JumpIfFalseKeep : Op::JumpIfTrueKeep, e.span);
    Typed r = expr(seg, *e.args[1], {});
    if (r.ok && !is_bool_like(r.type)) {
      diags_.error("type-error", e.args[1]->span,
                   fmt::format("'{}' needs true or false on both sides, but this is {}", op_text(e.op), describe(r.type)));
      r.ok = false;
    }
    seg.emit(e.op == ast::Op::And ? Op::And : Op::Or, e.span);
    seg.patch(jump);
    if (!l.ok || !r.ok) return fail();
    return Typed{Type::of(TypeKind::Bool), l.constant && r.constant, true};
  }

  Typed membership(Segment& seg, const Expr& e) {
    const Expr& le = *e.args[0];
    const Expr& re = *e.args[1];
    const bool negate = e.op == ast::Op::NotIn;
    if (re.kind == ExprKind::Range) {
      Typed x = expr(seg, le, {});
      Typed lo = expr(seg, *re.args[0], {});
      Typed hi = expr(seg, *re.args[1], {});
      if (!x.ok || !lo.ok || !hi.ok) return fail();
      auto rangeable = [](const Type& t) {
        return t.is_numeric() || t.kind == TypeKind::Date || t.kind == TypeKind::Any || t.kind == TypeKind::Null;
      };
      if (!rangeable(x.type)) {
        diags_.error("type-error", le.span, fmt::format("a range holds numbers or dates, not {}", describe(x.type)));
        return fail();
      }
      if (!compatible(lo.type, hi.type) || !rangeable(lo.type) || !rangeable(hi.type)) {
        diags_.error("type-error", re.span, "both ends of a range must be numbers, or both dates");
        return fail();
      }
      if (!compatible(x.type, lo.type)) {
        diags_.error("type-error", re.span,
                     fmt::format("cannot test whether {} is in a range of {}", describe(x.type), describe(lo.type)));
        return fail();
      }
      seg.emit(Op::InRange, e.span);
      if (negate) seg.emit(Op::Not, e.span);
      return Typed{Type::of(TypeKind::Bool), x.constant && lo.constant && hi.constant, true};
    }
    Typed x, container;
    if (is_symbol_candidate(le) && !is_symbol_candidate(re)) {
      Segment right;
      container = expr(right, re, {});
      Context ctx;
      ctx.symbol_ok = true;
      x = expr(seg, le, ctx);
      seg.append(right);
    } else {
      x = expr(seg, le, {});
      Context ctx = hint_from(x, le);
      ctx.symbol_ok = true;
      if (x.ok && x.type.kind == TypeKind::Enum) {
        hint_storage_.push_back(std::make_unique<Type>(Type{TypeKind::List, TypeKind::Enum, x.type.enum_values}));
        ctx.hint = hint_storage_.back().get();
      }
      container = expr(seg, re, ctx);
    }
    if (!x.ok || !container.ok) return fail();
    const Type& ct = container.type;
    if (ct.kind == TypeKind::List) {
      if (x.type.kind == TypeKind::List) {
        diags_.error("type-error", le.span, "cannot look for a list in a list; use contains_any or contains_all");
        return fail();
      }
      if (!compatible(x.type, Type::of(ct.elem))) {
        diags_.error("type-error", le.span,
                     fmt::format("cannot look for {} in a {}", describe(x.type), describe(ct)));
        return fail();
      }
    } else if (ct.is_stringy()) {
      if (!(x.type.is_stringy() || x.type.kind == TypeKind::Any || x.type.kind == TypeKind::Null)) {
        diags_.error("type-error", le.span,
                     fmt::format("'in' a string looks for a substring, so the left side must be a string, not {}",
                                 describe(x.type)));
        return fail();
      }
    } else if (ct.kind != TypeKind::Any && ct.kind != TypeKind::Null) {
      diags_.error("type-error", re.span,
                   fmt::format("'in' needs a list, a string or a range on the right, not {}", describe(ct)));
      return fail();
    }
    seg.emit(Op::In, e.span);
    if (negate) seg.emit(Op::Not, e.span);
    return Typed{Type::of(TypeKind::Bool), x.constant && container.constant, true};
  }

  /// Compiles each subexpression of a condition as its own segment. A bare
  /// name that is a symbol in context stays a symbol on its own.
  void add_probes(const Expr& root) {
    std::vector<const Expr*> todo{&root};
    while (!todo.empty()) {
      const Expr* e = todo.back();
      todo.pop_back();
      for (const ast::ExprPtr& a : e->args) todo.push_back(a.get());
      if (e == &root) continue;
      Context ctx;
      ctx.symbol_ok = true;
      Segment seg;
      const size_t before = diags_.items().size();
      Typed t = expr(seg, *e, ctx);
      // A probe never reports: the whole condition was already checked.
      diags_.truncate(before);
      if (!t.ok) continue;
      seg.emit(Op::Return, e->span);
      program_->probes[e] = append(seg);
    }
  }

  // ---- lints -------------------------------------------------------------

  void lint_unused() {
    for (const std::string& n : name_order_) {
      const Binding& b = names_.at(n);
      if (!b.main || b.used) continue;
      const char* what = b.kind == ast::DeclKind::Const ? "const" : b.kind == ast::DeclKind::Let ? "let" : "def";
      diags_.warning(fmt::format("unused-{}", what), b.decl->name_span, fmt::format("{} '{}' is never used", what, n));
    }
  }

  Compilation& c_;
  grammar::Diagnostics& diags_;
  const CompileOptions& options_;
  const Registry& registry_;
  const ast::Module& main_;
  std::shared_ptr<Program> program_;
  std::shared_ptr<Schema> open_schema_;
  std::unique_ptr<Vm> vm_;
  std::unordered_map<std::string, Binding> names_;
  std::vector<std::string> name_order_;
  std::unordered_map<std::string, uint32_t> imported_paths_;  ///< resolved path -> file
  std::unordered_set<uint32_t> on_stack_;  ///< the files whose imports are being followed
  std::vector<uint32_t> loading_;          ///< the same, in the order they import each other
  std::vector<Local> locals_;
  std::vector<const ast::Decl*> def_stack_;
  uint32_t resolving_ = 0;    ///< consts and lets being resolved, one inside the other
  uint32_t uses_depth_ = 0;   ///< the deepest const or let used by the expression being compiled
  uint64_t expanded_ = 0;            ///< expression nodes compiled inside def bodies
  bool expansion_over_ = false;      ///< expanded_ passed kMaxExpandedNodes
  bool expansion_reported_ = false;
  bool in_const_ = false;  ///< compiling a const's value: a null constant is an error there
  uint64_t probe_expanded_ = 0;      ///< the same for probes, which have a budget of their own
  bool probe_expansion_over_ = false;
  bool probe_expansion_reported_ = false;
  std::string context_name_;         ///< "in rule 'x'", "in let 'y'": where code is being compiled
  std::vector<uint32_t>* facts_ = nullptr;
  std::vector<std::pair<std::string, Segment>> pending_lets_;
  std::set<uint32_t> always_true_;
  std::vector<std::unique_ptr<Type>> hint_storage_;
  std::unordered_map<std::string, uint32_t> constant_index_;  ///< see add_constant
  std::set<const char*> enum_texts_;  ///< the schema's enum value strings constants point at
};

}  // namespace

std::shared_ptr<Program> compile(Compilation& c, size_t module, const CompileOptions& options) {
  Compiler compiler(c, module, options);
  return compiler.run();
}

}  // namespace kairos
