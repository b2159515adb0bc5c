#pragma once
/// The compiler: resolves names (fields, consts, lets, defs, symbols,
/// imports), type-checks, folds constants, lints and emits bytecode. It never
/// throws on bad input: every problem becomes a diagnostic.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"
#include "interpreter/builtins.hpp"
#include "interpreter/program.hpp"
#include "data/schema.hpp"

namespace kairos {

/// Finds the text of an imported module. `spec` is the string after
/// `import`; `from` is the importing file's path. Returns the text and sets
/// `resolved` (a canonical name used for cycle detection and messages), or
/// returns nullopt and sets `error`.
using ImportResolver = std::function<std::optional<std::string>(
    const std::string& spec, const std::string& from, std::string& resolved, std::string& error)>;

/// Everything a compilation owns: sources, diagnostics, parsed modules.
struct Compilation {
  grammar::SourceManager sources;
  grammar::Diagnostics diags;
  std::vector<std::unique_ptr<ast::Module>> modules;

  /// Parses `text` as file `path` and keeps the module; returns its index in `modules`.
  size_t parse(std::string path, std::string text);
};

struct CompileOptions {
  const Registry* registry = nullptr;
  /// The record schema; null means fields are open (any name is a field of
  /// unknown type), as for `kairos check` without a schema or data.
  std::shared_ptr<const Schema> schema;
  ImportResolver resolve_import;
  /// Also compile every subexpression of every condition on its own (into
  /// Program::probes), so `explain` can show each one's value.
  bool probes = false;
};

/// Compiles module `module` of `c` into a Program; diagnostics go to c.diags.
/// Returns null when there were errors.
std::shared_ptr<Program> compile(Compilation& c, size_t module, const CompileOptions& options);

/// The `schema "path"` a module declares, resolved against its file, if any.
std::optional<std::string> declared_schema(const Compilation& c, size_t module);

}  // namespace kairos
