// Fuzz target: playbook text → parser → checker/compiler, against a fixed
// schema (with condition probes, as explain compiles) and with open fields
// (as check without a schema). A compiled program also goes through the cost
// pass, which proves its bytecode terminates, and the disassembler.
// Properties: nothing crashes or throws, every diagnostic renders, and the
// JSON rendering of the diagnostics is valid JSON.

#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "interpreter/cost.hpp"
#include "interpreter/disasm.hpp"

namespace {

void compile_once(const std::string& text, bool with_schema) {
  using namespace kairos;
  Compilation c;
  const size_t m = c.parse("fuzz.play", text);
  CompileOptions o;
  o.registry = &stdlib::builtins();
  o.schema = with_schema ? fuzz::playbook_schema() : nullptr;
  o.probes = with_schema;
  o.resolve_import = fuzz::import_resolver(text);
  const std::shared_ptr<Program> program = compile(c, m, o);
  // compile() returns null when it reports an error itself; after syntax
  // errors it may still return the program of what parsed (Engine checks
  // the diagnostics), so only this direction is a property.
  if (!program && !c.diags.has_errors()) fuzz::fail("no program and no error");
  c.diags.sort(c.sources);
  for (const grammar::Diagnostic& d : c.diags.items()) {
    if (grammar::render_text(c.sources, d).empty()) fuzz::fail("a diagnostic rendered as nothing");
  }
  fuzz::require_json(grammar::render_json(c.sources, c.diags.items()), "render_json");
  if (program) {
    (void)estimate_cost(*program, stdlib::builtins());
    (void)disassemble(*program, c.sources, stdlib::builtins());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = kairos::fuzz::text_of(data, size);
  compile_once(text, true);
  compile_once(text, false);
  return 0;
}
