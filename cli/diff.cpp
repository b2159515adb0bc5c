// kairos diff: the impact of a playbook change on a data set. Each version is
// compiled on its own; the data is streamed once (twice in lockstep when the
// versions use different schemas) and both run on every record.

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "engine/diff.hpp"

namespace kairos::cli {

namespace {

struct DiffOptions {
  std::string old_playbook;
  std::string new_playbook;
  std::string data;
  std::string schema;
  std::string as_of;
  std::string format = "text";
  std::string data_format;
  size_t limit = 100;
};

/// True when two builds read records the same way.
bool same_schema(const Build& a, const Build& b) {
  if (a.schema == b.schema) return true;
  if (!a.schema || !b.schema || a.schema->path.empty() || b.schema->path.empty()) return false;
  std::error_code ec;
  return std::filesystem::equivalent(a.schema->path, b.schema->path, ec);
}

int diff(const DiffOptions& o) {
  const int32_t as_of = o.as_of.empty() ? today_utc() : parse_as_of(o.as_of);
  DataFile data(o.data, o.data_format, "--data-format");

  Engine engine;
  BuildOptions bo;
  if (!o.schema.empty()) bo.schema_path = o.schema;
  std::shared_ptr<const Schema> inferred;
  bo.infer_schema = [&] {
    if (!inferred) inferred = std::make_shared<const Schema>(data.input().infer_schema());
    return inferred;
  };
  Build old_build = engine.compile({o.old_playbook}, bo);
  Build new_build = engine.compile({o.new_playbook}, bo);
  if (!old_build.ok() || !new_build.ok()) {
    std::cerr << old_build.render_diagnostics() << new_build.render_diagnostics();
    return kExitErrors;
  }

  Differ differ(*old_build.programs[0], *new_build.programs[0], engine.registry(), as_of, o.limit);
  std::unique_ptr<RecordReader> old_reader = data.input().reader(*old_build.schema);
  std::optional<DataFile> second_data;
  std::unique_ptr<RecordReader> new_reader;
  if (!same_schema(old_build, new_build)) {
    if (o.data == "-") {
      throw UsageError(
          "the two versions use different schemas, so the data is read twice; "
          "standard input can be read only once (pass a file, or --schema)");
    }
    second_data.emplace(o.data, o.data_format, "--data-format");
    new_reader = second_data->input().reader(*new_build.schema);
  }

  diff_records(differ, *old_reader, new_reader.get());
  check_read(*old_reader);
  if (new_reader) check_read(*new_reader);

  const DiffReport report = differ.report();
  std::cout << (o.format == "json" ? render_diff_json(report) : render_diff_text(report, o.limit));
  return kExitOk;
}

}  // namespace

Action setup_diff(CLI::App& app) {
  auto o = std::make_shared<DiffOptions>();
  app.add_option("old", o->old_playbook, "the playbook before the change")->required();
  app.add_option("new", o->new_playbook, "the playbook after the change")->required();
  app.add_option("--data", o->data, "data file (.csv, .jsonl, .ndjson, .yaml, .yml), or - for standard input")
      ->required();
  app.add_option("--schema", o->schema, "record schema for both versions (overrides theirs)");
  app.add_option("--as-of", o->as_of, "the date today() returns (YYYY-MM-DD; default: today, UTC)");
  app.add_option("--format", o->format, "report format")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--data-format", o->data_format, "data format when the extension does not tell (csv, jsonl, yaml)");
  app.add_option("--limit", o->limit, "changed records to list (default 100; 0: all)");
  return [o] { return diff(*o); };
}

}  // namespace kairos::cli
