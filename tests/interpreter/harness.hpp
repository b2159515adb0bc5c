#pragma once
// Test harness for the compiler and VM: compile playbook text against a small
// schema, evaluate expressions, run records and collect the JSON lines.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "interpreter/compiler.hpp"
#include "interpreter/vm.hpp"
#include "engine/writer.hpp"
#include "stdlib/stdlib.hpp"

namespace kairos::testing {

/// A schema of (name, type) pairs; the first field is the key.
inline std::shared_ptr<Schema> make_schema(const std::vector<std::pair<std::string, Type>>& fields) {
  auto s = std::make_shared<Schema>();
  for (const auto& [name, type] : fields) {
    FieldSpec f;
    f.name = f.source = name;
    f.type = type;
    s->fields.push_back(f);
  }
  return s;
}

inline Type enum_type(std::vector<std::string> values) {
  auto ev = std::make_shared<EnumValues>(std::move(values));
  return Type{TypeKind::Enum, TypeKind::Any, ev};
}

/// One compiled playbook and what it was compiled from.
struct Compiled {
  Compilation c;
  std::shared_ptr<Program> program;

  /// Every diagnostic rendered as text, sorted.
  std::string diagnostics() {
    c.diags.sort(c.sources);
    std::string out;
    for (const auto& d : c.diags.items()) out += grammar::render_text(c.sources, d);
    return out;
  }
};

inline std::unique_ptr<Compiled> compile_text(const std::string& text, std::shared_ptr<const Schema> schema,
                                              bool probes = false, ImportResolver resolver = {}) {
  auto out = std::make_unique<Compiled>();
  const size_t m = out->c.parse("test.play", text);
  CompileOptions o;
  o.registry = &stdlib::builtins();
  o.schema = std::move(schema);
  o.probes = probes;
  o.resolve_import = std::move(resolver);
  out->program = compile(out->c, m, o);
  return out;
}

/// A record with the given values in schema order.
inline std::unique_ptr<Record> make_record(std::vector<Value> values) {
  auto r = std::make_unique<Record>();
  r->values = std::move(values);
  return r;
}

/// Runs a program over one record and returns the JSON lines it wrote.
inline std::string run_record(const Program& p, const Record& r, int32_t today, bool facts = true) {
  std::string out;
  JsonlWriter writer(out, facts);
  Vm vm(p, stdlib::builtins());
  vm.set_today(today);
  vm.run(r, writer);
  return out;
}

}  // namespace kairos::testing
