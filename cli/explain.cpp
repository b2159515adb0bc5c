// kairos explain: one record, every rule, every condition part with its value.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "engine/explain.hpp"

namespace kairos::cli {

namespace {

struct ExplainOptions {
  std::string playbook;
  std::string data;
  std::string key;
  std::string schema;
  std::string as_of;
  std::string format = "text";
  std::string data_format;
};

int explain(const ExplainOptions& o) {
  const int32_t as_of = o.as_of.empty() ? today_utc() : parse_as_of(o.as_of);
  DataFile data(o.data, o.data_format, "--data-format");

  Engine engine;
  BuildOptions bo;
  if (!o.schema.empty()) bo.schema_path = o.schema;
  bo.infer_schema = [&] { return std::make_shared<const Schema>(data.input().infer_schema()); };
  bo.probes = true;
  Build build = engine.compile({o.playbook}, bo);
  if (!build.ok()) {
    std::cerr << build.render_diagnostics();
    return kExitErrors;
  }
  const Program& program = *build.programs[0];

  std::unique_ptr<RecordReader> reader = data.input().reader(*build.schema);
  Record record;
  Rejection rejection;
  switch (find_record(*reader, program, o.key, record, rejection)) {
    case FindStatus::NotFound: {
      check_read(*reader);
      const Schema& s = *build.schema;
      std::cerr << fmt::format("kairos: no record in {} has the key '{}'{}\n", o.data, o.key,
                               s.key < s.fields.size() ? fmt::format(" (key field '{}')", s.fields[s.key].name) : "");
      return kExitErrors;
    }
    case FindStatus::Rejected:
      std::cerr << fmt::format(
          "kairos: the record with the key '{}' (line {}) is rejected, so no rule runs on it: {}{}\n", o.key,
          rejection.line,
          rejection.field.empty() ? std::string()
                                  : fmt::format("field '{}', value '{}': ", rejection.field, rejection.value),
          rejection.reason);
      return kExitErrors;
    case FindStatus::Found:
      break;
  }

  Runner runner(build, engine.registry(), as_of);
  const Explanation e = explain_record(program, build.compilation->sources, runner.vm(0), record);
  std::cout << (o.format == "json" ? render_explanation_json(e) : render_explanation_text(e));
  return kExitOk;
}

}  // namespace

Action setup_explain(CLI::App& app) {
  auto o = std::make_shared<ExplainOptions>();
  app.add_option("playbook", o->playbook, "the playbook file")->required();
  app.add_option("--data", o->data, "data file (.csv, .jsonl, .ndjson, .yaml, .yml), or - for standard input")
      ->required();
  app.add_option("--key", o->key, "the key of the record to explain")->required();
  app.add_option("--schema", o->schema, "record schema (overrides the playbook's)");
  app.add_option("--as-of", o->as_of, "the date today() returns (YYYY-MM-DD; default: today, UTC)");
  app.add_option("--format", o->format, "report format")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--data-format", o->data_format, "data format when the extension does not tell (csv, jsonl, yaml)");
  return [o] { return explain(*o); };
}

}  // namespace kairos::cli
