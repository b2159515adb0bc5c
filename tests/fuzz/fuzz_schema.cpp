// Fuzz target: the schema loader (YAML → Schema, with diagnostics that point
// inside the YAML). Properties: nothing crashes or throws; every diagnostic
// renders; a loaded schema has a key field in range and unique field names;
// a playbook naming every field compiles against it without crashing.

#include <set>

#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kairos;
  grammar::SourceManager sources;
  grammar::Diagnostics diags;
  const uint32_t file = sources.add("schema.yaml", fuzz::text_of(data, size));
  const std::optional<Schema> schema = parse_schema(file, sources, diags);
  if (!schema && !diags.has_errors()) fuzz::fail("no schema and no error");
  diags.sort(sources);
  for (const grammar::Diagnostic& d : diags.items()) (void)grammar::render_text(sources, d);
  fuzz::require_json(grammar::render_json(sources, diags.items()), "render_json");
  if (!schema) return 0;
  if (!schema->fields.empty() && schema->key >= schema->fields.size()) fuzz::fail("the key field is out of range");
  std::set<std::string> names;
  std::string play = "when true";
  for (const FieldSpec& f : schema->fields) {
    if (!names.insert(f.name).second) fuzz::fail("two fields named '" + f.name + "'");
    if (schema->find(f.name) < 0) fuzz::fail("find() misses field '" + f.name + "'");
    play += " and " + f.name + " is null";
  }
  play += " then tag \"t\"\n";
  Compilation c;
  const size_t m = c.parse("fuzz.play", play);
  CompileOptions o;
  o.registry = &stdlib::builtins();
  o.schema = std::make_shared<const Schema>(*schema);
  (void)compile(c, m, o);
  return 0;
}
