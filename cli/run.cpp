// kairos run: playbooks over a data file. Reads, evaluates and writes as it
// goes; every record is either evaluated or reported as rejected.

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "engine/kairos.hpp"
#include "engine/pipeline.hpp"
#include "engine/writer.hpp"

namespace kairos::cli {

namespace {

struct RunOptions {
  std::vector<std::string> playbooks;
  std::string data;
  std::string schema;
  std::string as_of;
  std::string format;
  std::string out;
  std::string output = "jsonl";
  std::string errors;
  bool no_facts = false;
  bool strict = false;
  bool quiet = false;
  bool verbose = false;
  int threads = 1;
  uint64_t max_proposals = 0;
};

std::string rejection_json(const Rejection& r) {
  nlohmann::ordered_json j;
  j["line"] = r.line;
  j["key"] = r.key.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.key);
  j["field"] = r.field.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.field);
  j["value"] = r.value;
  j["reason"] = r.reason;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string describe_schema(const Schema& s) {
  std::string out = "kairos: no schema given; fields inferred from the data:\n";
  for (const FieldSpec& f : s.fields) out += fmt::format("  {}: {}\n", f.name, type_name(f.type));
  return out;
}

int run(const RunOptions& o) {
  const int32_t as_of = o.as_of.empty() ? today_utc() : parse_as_of(o.as_of);
  if (o.threads < 1 || o.threads > kMaxThreads) {
    throw UsageError(fmt::format("--threads must be between 1 and {}", kMaxThreads));
  }
  std::vector<NamedFile> files;
  for (const std::string& p : o.playbooks) files.push_back({"the playbook", p, FileRole::Source});
  files.push_back({"--schema", o.schema, FileRole::Source});
  files.push_back({"--data", o.data, FileRole::Data});
  files.push_back({"--out", o.out, FileRole::Written});
  files.push_back({"--errors", o.errors, FileRole::Written});
  refuse_same_files(files);
  DataFile data(o.data, o.format, "--format");

  Engine engine;
  BuildOptions bo;
  if (!o.schema.empty()) bo.schema_path = o.schema;
  bool inferred = false;
  bo.infer_schema = [&] {
    inferred = true;
    return std::make_shared<const Schema>(data.input().infer_schema());
  };
  Build build = engine.compile(o.playbooks, bo);
  if (!build.ok()) {
    std::cerr << build.render_diagnostics();
    return kExitErrors;
  }
  if (build.mixed_schemas) {
    throw UsageError("the playbooks declare different schemas, but a data file is read with one; give it with --schema");
  }
  if (inferred && o.verbose) std::cerr << describe_schema(*build.schema);

  // Without --out the actions go straight to standard output, whose write
  // errors main() reports like every verb's ("cannot write standard output").
  std::optional<Output> out_file;
  if (!o.out.empty()) out_file.emplace(o.out);
  const auto write_out = [&](std::string_view bytes) {
    if (out_file) {
      out_file->write(bytes);
    } else {
      write_standard_output(bytes);
    }
  };
  Output errors_out(o.errors, /*atomic=*/false);
  std::string pending;  // output is written in chunks of about 1 MiB
  pending.reserve(1 << 20);
  if (o.output == "csv") pending += CsvWriter::header();
  PipelineOptions po;
  po.threads = o.threads;
  po.format = o.output == "csv" ? OutputFormat::Csv : OutputFormat::Jsonl;
  po.facts = !o.no_facts;
  po.max_proposals = o.max_proposals;

  std::unique_ptr<RecordReader> reader = data.input().reader(*build.schema);
  const auto start = std::chrono::steady_clock::now();
  const PipelineStats stats = run_pipeline(
      build, engine.registry(), as_of, *reader, po,
      [&](std::string_view bytes) {
        pending.append(bytes);
        if (pending.size() >= (1 << 20)) {
          write_out(pending);
          pending.clear();
        }
      },
      [&](const Rejection& r) { errors_out.write(rejection_json(r)); });
  // A read error fails the run after the summary of what was read; the
  // actions written so far are not put in place of --out.
  const std::string failure = reader->failure();
  if (failure.empty()) {
    write_out(pending);
    if (out_file) out_file->commit();
  }
  errors_out.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t evaluated = stats.evaluated, rejected = stats.rejected;

  if (!o.quiet) {
    std::string s = fmt::format("kairos: {} records: {} evaluated, {} rejected; {:.3f} s, {:.0f} records/s\n",
                                evaluated + rejected, evaluated, rejected, seconds,
                                seconds > 0 ? static_cast<double>(evaluated + rejected) / seconds : 0.0);
    for (size_t p = 0; p < build.programs.size(); ++p) {
      const Program& program = *build.programs[p];
      for (size_t r = 0; r < program.rules.size(); ++r) {
        const uint64_t n = r < stats.actions[p].size() ? stats.actions[p][r] : 0;
        const uint64_t w = r < stats.warnings[p].size() ? stats.warnings[p][r] : 0;
        s += fmt::format("  {}/{}: {} action{}", program.name, program.rules[r].name, n, n == 1 ? "" : "s");
        if (w > 0) s += fmt::format(", {} runtime warning{}", w, w == 1 ? "" : "s");
        s += '\n';
      }
      if (stats.dropped_proposals[p] > 0) {
        s += fmt::format("  {}: {} proposals dropped by max_proposals\n", program.name, stats.dropped_proposals[p]);
      }
    }
    if (stats.dropped_run_wide > 0) {
      s += fmt::format("kairos: {} proposal{} dropped by --max-proposals {}\n", stats.dropped_run_wide,
                       stats.dropped_run_wide == 1 ? "" : "s", o.max_proposals);
    }
    if (rejected > 0) {
      s += fmt::format("kairos: {} record{} rejected{}\n", rejected, rejected == 1 ? " was" : "s were",
                       o.errors.empty() ? " (listed above)" : fmt::format(" (listed in {})", o.errors));
    }
    if (!failure.empty()) {
      s += fmt::format("kairos: the input ended early, so the run failed{}\n",
                       o.out.empty() ? "" : fmt::format("; '{}' is left as it was", o.out));
    }
    std::cerr << s;
  }
  if (!failure.empty()) throw UsageError(failure);
  return o.strict && rejected > 0 ? kExitRejected : kExitOk;
}

}  // namespace

Action setup_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  app.add_option("playbooks", o->playbooks, "playbook files, run in the given order")->required();
  app.add_option("--data", o->data, "data file (.csv, .jsonl, .ndjson, .yaml, .yml), or - for standard input")->required();
  app.add_option("--schema", o->schema, "record schema (overrides the playbook's)");
  app.add_option("--as-of", o->as_of, "the date today() returns (YYYY-MM-DD; default: today, UTC)");
  app.add_option("--format,--data-format", o->format,
                 "data format when the extension does not tell (csv, jsonl, yaml)");
  app.add_option("--out", o->out, "write actions to this file (atomically) instead of standard output");
  app.add_option("--output", o->output, "output format")->check(CLI::IsMember({"jsonl", "csv"}));
  app.add_flag("--no-facts", o->no_facts, "leave the facts out of JSON output");
  app.add_option("--errors", o->errors, "write rejected records here (default: standard error)");
  app.add_flag("--strict", o->strict, "exit 3 when any record was rejected");
  app.add_option("--threads", o->threads, "threads that read, evaluate and write (default 1)");
  app.add_option("--max-proposals", o->max_proposals,
                 "at most N propose actions per record across all the playbooks, in the order given")
      ->check(CLI::PositiveNumber);
  app.add_flag("--quiet", o->quiet, "no summary");
  app.add_flag("--verbose", o->verbose, "say what was inferred");
  return [o] { return run(*o); };
}

}  // namespace kairos::cli
