#include "engine/kairos.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "stdlib/modules.hpp"
#include "stdlib/stdlib.hpp"

namespace kairos {

namespace fs = std::filesystem;

std::optional<std::string> read_playbook_file(const std::string& path, std::string& error) {
  return grammar::read_source_file(path, error);
}

/// `import "stdlib/NAME"` finds a shipped module; anything else is a file
/// relative to the importing file (".play" may be left out).
static std::optional<std::string> resolve_import(const std::string& spec, const std::string& from,
                                                 std::string& resolved, std::string& error) {
  if (spec.rfind("stdlib/", 0) == 0) {
    std::string name = spec.substr(7);
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".play") == 0) name.resize(name.size() - 5);
    for (const stdlib::EmbeddedModule& m : stdlib::embedded_modules()) {
      if (m.name == name) {
        resolved = "stdlib/" + name + ".play";
        return std::string(m.text);
      }
    }
    error = "there is no stdlib module '" + name + "'";
    return std::nullopt;
  }
  fs::path path = fs::path(from).parent_path() / spec;
  std::error_code ec;
  if (!fs::exists(path, ec) && path.extension().empty()) path += ".play";
  resolved = path.lexically_normal().string();
  return read_playbook_file(resolved, error);
}

std::string Build::render_diagnostics() const {
  compilation->diags.sort(compilation->sources);
  std::string out;
  for (const grammar::Diagnostic& d : compilation->diags.items()) out += grammar::render_text(compilation->sources, d);
  return out;
}

Engine::Engine() : registry_(&stdlib::builtins()) {}

Build Engine::compile(const std::vector<std::string>& playbooks, const BuildOptions& options) const {
  Build build;
  Compilation& c = *build.compilation;
  std::vector<size_t> modules;
  for (const std::string& path : playbooks) {
    std::string error;
    std::optional<std::string> text = read_playbook_file(path, error);
    if (!text) {
      c.diags.file_error("unreadable-file", path, "cannot read playbook file: " + error);
      continue;
    }
    modules.push_back(c.parse(path, std::move(*text)));
  }
  if (modules.size() != playbooks.size()) return build;

  // Each playbook's schema: --schema, else its own declaration, else the
  // data's own (inferred once), else open fields. Files are loaded once.
  std::map<std::string, std::shared_ptr<const Schema>> loaded;
  std::shared_ptr<const Schema> inferred;
  bool tried_inference = false;
  CompileOptions co;
  co.registry = registry_;
  co.resolve_import = resolve_import;
  co.probes = options.probes;
  bool schema_failed = false;
  for (size_t m : modules) {
    std::optional<std::string> path = options.schema_path ? options.schema_path : declared_schema(c, m);
    std::shared_ptr<const Schema> schema;
    if (path) {
      auto it = loaded.find(*path);
      if (it == loaded.end()) {
        std::optional<Schema> s = load_schema(*path, c.sources, c.diags);
        it = loaded.emplace(*path, s ? std::make_shared<const Schema>(std::move(*s)) : nullptr).first;
      }
      schema = it->second;
      if (!schema) {
        schema_failed = true;
        continue;
      }
    } else {
      if (!tried_inference && options.infer_schema) inferred = options.infer_schema();
      tried_inference = true;
      schema = inferred;
    }
    if (!build.schema) build.schema = schema;
    if (schema != build.schema) build.mixed_schemas = true;
    co.schema = schema;
    std::shared_ptr<Program> p = kairos::compile(c, m, co);
    if (p) build.programs.push_back(std::move(p));
  }
  if (schema_failed) build.programs.clear();
  if (build.programs.size() != modules.size()) build.programs.clear();
  return build;
}

Runner::Runner(const Build& build, const Registry& registry, int32_t as_of_days, uint64_t max_proposals)
    : max_proposals_(max_proposals) {
  for (const std::shared_ptr<Program>& p : build.programs) {
    vms_.push_back(std::make_unique<Vm>(*p, registry));
    vms_.back()->set_today(as_of_days);
  }
}

void Runner::run(const Record& record, ActionSink& sink) {
  if (max_proposals_ == 0) {
    for (std::unique_ptr<Vm>& vm : vms_) vm->run(record, sink);
    return;
  }
  if (dropped_.size() != vms_.size()) dropped_.resize(vms_.size());
  limit_.next = &sink;
  limit_.proposals = 0;
  for (size_t p = 0; p < vms_.size(); ++p) {
    limit_.program = p;
    vms_[p]->run(record, limit_);
  }
}

void Runner::ProposalLimit::action(const Program& program, const Record& record, const Emitted& emitted) {
  if (emitted.action->verb == ast::ActionVerb::Propose && ++proposals > runner_.max_proposals_) {
    std::vector<uint64_t>& counts = runner_.dropped_[this->program];
    const size_t rule = static_cast<size_t>(emitted.rule - program.rules.data());
    if (counts.size() <= rule) counts.resize(program.rules.size(), 0);
    ++counts[rule];
    return;
  }
  next->action(program, record, emitted);
}

int32_t today_utc() {
  const auto now = std::chrono::system_clock::now();
  return static_cast<int32_t>(std::chrono::duration_cast<std::chrono::hours>(now.time_since_epoch()).count() / 24);
}

}  // namespace kairos
