// kairos check: load and compile, nothing else.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "engine/kairos.hpp"

namespace kairos::cli {

namespace {
struct CheckOptions {
  std::vector<std::string> playbooks;
  std::string schema;
  std::string format = "text";
  bool werror = false;
};

int check(const CheckOptions& o) {
  Engine engine;
  BuildOptions bo;
  if (!o.schema.empty()) bo.schema_path = o.schema;
  Build build = engine.compile(o.playbooks, bo);
  Compilation& c = *build.compilation;
  c.diags.sort(c.sources);
  const auto& items = c.diags.items();
  if (o.format == "json") {
    std::cout << grammar::render_json(c.sources, items);
  } else if (o.format == "sarif") {
    std::cout << grammar::render_sarif(c.sources, items);
  } else if (o.format == "github") {
    std::cout << grammar::render_github(c.sources, items);
  } else {
    std::string out;
    for (const grammar::Diagnostic& d : items) out += grammar::render_text(c.sources, d);
    const size_t warnings = c.diags.warning_count();
    const size_t errors = items.size() - warnings;
    if (errors || warnings) {
      out += fmt::format("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    }
    std::cerr << out;
  }
  if (c.diags.has_errors()) return kExitErrors;
  if (o.werror && c.diags.warning_count() > 0) return kExitErrors;
  return kExitOk;
}
}  // namespace

Action setup_check(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  app.add_option("playbooks", o->playbooks, "playbook files")->required();
  app.add_option("--schema", o->schema, "record schema (overrides the playbook's)");
  app.add_option("--format", o->format, "diagnostics format")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}));
  app.add_flag("--werror", o->werror, "treat warnings as errors");
  return [o] { return check(*o); };
}

}  // namespace kairos::cli
