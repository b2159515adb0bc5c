#pragma once
/// A compiled playbook: bytecode with a parallel span table, a constant pool,
/// lets, and rules in evaluation order. Immutable once compiled, so several
/// VMs (threads) can run one Program.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "grammar/ast.hpp"
#include "grammar/source.hpp"
#include "interpreter/opcodes.hpp"
#include "data/schema.hpp"
#include "data/value.hpp"

namespace kairos {

/// Code, constants and spans. Expressions are segments ending in Return.
struct Chunk {
  std::vector<Instr> code;
  std::vector<grammar::Span> spans;  ///< parallel to code: where each instruction came from
  std::vector<Value> constants;
  std::deque<std::string> strings;   ///< storage for string constants
  std::deque<std::vector<Value>> lists;  ///< storage for list constants

  /// Adds a constant, copying strings and lists into the chunk's storage.
  uint32_t add_constant(const Value& v);
};

/// The option words an action may carry.
enum class OptionName : uint8_t { Owner, Due, Discount, Reason, Steps, Score };
inline constexpr int kOptionCount = 6;
const char* option_name(OptionName o);

/// A compiled action: entry points of its expressions.
struct CompiledAction {
  ast::ActionVerb verb = ast::ActionVerb::Tag;
  std::string kind;                    ///< propose kind
  uint32_t to = 0;                     ///< notify: entry of the recipient
  uint32_t subject = 0;                ///< entry of offer / title / message / tag
  struct Opt {
    OptionName name;
    uint32_t entry;
    grammar::Span span;
  };
  std::vector<Opt> options;            ///< in source order
  grammar::Span span;
};

/// A compiled rule.
struct CompiledRule {
  std::string name;                    ///< the name, or rule#N
  std::string description;
  int64_t priority = 0;
  int group = -1;                      ///< index into Program::groups, or -1
  uint32_t condition = 0;              ///< entry of the condition
  bool has_stop = false;
  std::vector<CompiledAction> actions; ///< without stop
  std::vector<uint32_t> facts;         ///< field slots the condition refers to, first reference first
  grammar::Span span;
  grammar::Span name_span;
  const ast::Rule* source = nullptr;   ///< the AST (kept alive by the compilation)
  uint32_t source_order = 0;
};

/// A compiled let.
struct CompiledLet {
  std::string name;
  uint32_t entry = 0;
};

/// A compiled playbook.
/// A number given to each Program made in the process, never twice.
inline uint64_t next_program_id() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

struct Program {
  /// Tells programs apart for caches keyed on the addresses of their parts
  /// (the output writers'), even once a program is gone and its memory reused.
  uint64_t id = next_program_id();
  std::string name;                    ///< `playbook "name"` or the file stem
  std::string path;                    ///< the playbook file
  Chunk chunk;
  std::vector<CompiledLet> lets;
  std::vector<CompiledRule> rules;     ///< in evaluation order
  std::vector<std::string> groups;
  uint32_t locals = 0;                 ///< local slots needed (def parameters)
  uint32_t max_stack = 0;              ///< stack slots needed by the deepest evaluation
  std::optional<double> max_discount;
  std::optional<int64_t> max_proposals;
  std::shared_ptr<const Schema> schema;
  /// With CompileOptions::probes: the entry of every condition subexpression.
  std::unordered_map<const ast::Expr*, uint32_t> probes;
};

}  // namespace kairos
