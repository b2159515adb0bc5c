// kairos check: load and compile, nothing else.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "engine/kairos.hpp"
#include "interpreter/cost.hpp"

namespace kairos::cli {

namespace {
struct CheckOptions {
  std::vector<std::string> playbooks;
  std::string schema;
  std::string format = "text";
  bool werror = false;
  bool verbose = false;
};

/// Per playbook and rule, the most steps one record can take (interpreter/cost.hpp).
std::string cost_report(const Build& build, const Registry& registry) {
  std::string out;
  for (const std::shared_ptr<Program>& p : build.programs) {
    const ProgramCost cost = estimate_cost(*p, registry);
    out += fmt::format("playbook {} ({}): at most {} steps per record, {} rule{}, {} let{}\n", p->name, p->path,
                       cost.per_record, cost.rules.size(), cost.rules.size() == 1 ? "" : "s", cost.lets.size(),
                       cost.lets.size() == 1 ? "" : "s");
    for (const RuleCost& r : cost.rules) {
      out += fmt::format("  rule {}: at most {} steps (condition {}, actions {})\n", r.name, r.steps, r.condition,
                         r.actions);
    }
  }
  return out;
}

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
  if (o.verbose && build.ok()) {
    // Machine-readable formats own standard output; the report goes beside them.
    (o.format == "text" ? std::cout : std::cerr) << cost_report(build, engine.registry());
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
  app.add_flag("--verbose", o->verbose, "also print, per rule, the most steps one record can take");
  return [o] { return check(*o); };
}

}  // namespace kairos::cli
