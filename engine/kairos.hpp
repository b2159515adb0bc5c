#pragma once
/// The public API of Kairos: compile playbooks, run them over records,
/// receive actions. The command line is built on it, and a service can embed
/// it the same way.
///
///     kairos::Engine engine;
///     kairos::Build build = engine.compile({"expansion.play"}, {.schema_path = "customer.yaml"});
///     if (!build.ok()) { std::cerr << build.render_diagnostics(); return 1; }
///     kairos::Runner runner(build, as_of_days);
///     runner.run(record, sink);   // sink: a kairos::ActionSink, e.g. JsonlWriter

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interpreter/compiler.hpp"
#include "interpreter/program.hpp"
#include "data/record.hpp"
#include "interpreter/vm.hpp"

namespace kairos {

/// How to find the record schema for a compilation.
struct BuildOptions {
  /// --schema: overrides what the playbooks declare.
  std::optional<std::string> schema_path;
  /// Called when neither --schema nor a `schema` declaration names one
  /// (e.g. to infer the schema from the data). May return null.
  std::function<std::shared_ptr<const Schema>()> infer_schema;
  /// Compile condition subexpressions separately (for explain).
  bool probes = false;
};

/// Compiled playbooks with everything they refer to.
struct Build {
  std::unique_ptr<Compilation> compilation = std::make_unique<Compilation>();
  std::vector<std::shared_ptr<Program>> programs;
  std::shared_ptr<const Schema> schema;  ///< the first playbook's; null: open fields (no schema, no data)
  bool mixed_schemas = false;            ///< the playbooks use different schemas

  /// True when every playbook compiled without errors.
  bool ok() const { return !compilation->diags.has_errors() && !programs.empty(); }
  /// Every diagnostic in text form, sorted.
  std::string render_diagnostics() const;
};

/// The builtin registry and the import resolver (relative files and the
/// shipped stdlib/ modules).
class Engine {
 public:
  Engine();
  /// Reads, parses and compiles the playbooks. Unreadable files and every
  /// error are diagnostics in the result.
  Build compile(const std::vector<std::string>& playbooks, const BuildOptions& options) const;
  const Registry& registry() const { return *registry_; }

 private:
  const Registry* registry_;
};

/// Runs every program of a build over records, one VM per program.
class Runner {
 public:
  /// `max_proposals` > 0: at most that many `propose` actions per record
  /// across all the playbooks (`kairos run --max-proposals`), kept in the
  /// order the playbooks are given, after each playbook's own policy.
  Runner(const Build& build, const Registry& registry, int32_t as_of_days, uint64_t max_proposals = 0);
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;
  /// Evaluates one record; actions of all playbooks go to `sink` in order.
  void run(const Record& record, ActionSink& sink);
  /// The VM of program i (for warnings, explain).
  Vm& vm(size_t i) { return *vms_[i]; }
  size_t size() const { return vms_.size(); }
  /// Proposals of rule r (evaluation order) of program p dropped by the
  /// run-wide limit; the VM counted them among the rule's actions.
  uint64_t dropped(size_t p, size_t r) const {
    return p < dropped_.size() && r < dropped_[p].size() ? dropped_[p][r] : 0;
  }

 private:
  /// Passes actions on until the record's proposals reach the limit.
  class ProposalLimit final : public ActionSink {
   public:
    explicit ProposalLimit(Runner& runner) : runner_(runner) {}
    void action(const Program& program, const Record& record, const Emitted& emitted) override;
    ActionSink* next = nullptr;
    uint64_t proposals = 0;  ///< of the current record
    size_t program = 0;      ///< index of the program running

   private:
    Runner& runner_;
  };

  std::vector<std::unique_ptr<Vm>> vms_;
  uint64_t max_proposals_ = 0;
  ProposalLimit limit_{*this};
  std::vector<std::vector<uint64_t>> dropped_;  ///< [program][rule]
};

/// Reads a playbook file whole, refusing directories and files over the
/// 10 MiB limit (docs/limits.md); on failure sets `error` and returns nullopt.
std::optional<std::string> read_playbook_file(const std::string& path, std::string& error);

/// Today's date in UTC, in days since 1970-01-01.
int32_t today_utc();

}  // namespace kairos
