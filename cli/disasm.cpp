// kairos disasm: the compiled bytecode of a playbook, readable.

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "engine/kairos.hpp"
#include "interpreter/disasm.hpp"

namespace kairos::cli {

Action setup_disasm(CLI::App& app) {
  struct Options {
    std::string playbook;
    std::string schema;
  };
  auto o = std::make_shared<Options>();
  app.add_option("playbook", o->playbook, "playbook file")->required();
  app.add_option("--schema", o->schema, "record schema (overrides the playbook's)");
  return [o] {
    Engine engine;
    BuildOptions bo;
    if (!o->schema.empty()) bo.schema_path = o->schema;
    Build build = engine.compile({o->playbook}, bo);
    if (!build.ok()) {
      std::cerr << build.render_diagnostics();
      return kExitErrors;
    }
    std::cout << disassemble(*build.programs[0], build.compilation->sources, engine.registry());
    return kExitOk;
  };
}

}  // namespace kairos::cli
