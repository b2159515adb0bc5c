// kairos explain: one record, every rule, every condition part with its value.

#include <fmt/format.h>

#include <iostream>
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

  // Every record with the key is explained, in file order: a key that
  // appears twice is said so, never resolved silently to the first record.
  struct Match {
    uint64_t line = 0;
    std::string report;     ///< the explanation, rendered
    std::string rejection;  ///< why the record is rejected (then no report)
    nlohmann::ordered_json json;
  };
  std::vector<Match> matches;
  std::unique_ptr<RecordReader> reader = data.input().reader(*build.schema);
  Runner runner(build, engine.registry(), as_of);
  Record record;
  Rejection rejection;
  for (bool more = true; more;) {
    switch (find_record(*reader, program, o.key, record, rejection)) {
      case FindStatus::NotFound:
        more = false;
        break;
      case FindStatus::Rejected: {
        Match m;
        m.line = rejection.line;
        m.rejection = fmt::format("{}{}",
                                  rejection.field.empty() ? std::string()
                                                          : fmt::format("field '{}', value '{}': ", rejection.field,
                                                                        rejection.value),
                                  rejection.reason);
        m.json = {{"key", o.key}, {"line", rejection.line}, {"rejected", m.rejection}};
        matches.push_back(std::move(m));
        break;
      }
      case FindStatus::Found: {
        const Explanation e = explain_record(program, build.compilation->sources, runner.vm(0), record);
        Match m;
        m.line = e.line;
        m.report = o.format == "json" ? render_explanation_json(e) : render_explanation_text(e);
        matches.push_back(std::move(m));
        break;
      }
    }
  }
  check_read(*reader);
  if (matches.empty()) {
    const Schema& s = *build.schema;
    std::cerr << fmt::format("kairos: no record in {} has the key '{}'{}\n", o.data, o.key,
                             s.key < s.fields.size() ? fmt::format(" (key field '{}')", s.fields[s.key].name) : "");
    return kExitErrors;
  }
  const bool rejected = std::any_of(matches.begin(), matches.end(), [](const Match& m) { return !m.rejection.empty(); });
  if (matches.size() == 1) {
    const Match& m = matches.front();
    if (!m.rejection.empty()) {
      std::cerr << fmt::format("kairos: the record with the key '{}' (line {}) is rejected, so no rule runs on it: {}\n",
                               o.key, m.line, m.rejection);
      return kExitErrors;
    }
    std::cout << m.report;
    return kExitOk;
  }

  std::vector<std::string> lines;
  for (const Match& m : matches) lines.push_back(std::to_string(m.line));
  std::cerr << fmt::format("kairos: {} records in {} have the key '{}' (lines {}); each is explained, in file order\n",
                           matches.size(), o.data, o.key, fmt::join(lines, ", "));
  if (o.format == "json") {
    // One document: the explanations (and rejections) in an array.
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const Match& m : matches) {
      all.push_back(m.rejection.empty() ? nlohmann::ordered_json::parse(m.report) : m.json);
    }
    std::cout << all.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    for (size_t i = 0; i < matches.size(); ++i) {
      const Match& m = matches[i];
      std::cout << fmt::format("{}== record {} of {} with the key '{}', line {} ==\n", i == 0 ? "" : "\n", i + 1,
                               matches.size(), o.key, m.line);
      std::cout << (m.rejection.empty() ? m.report
                                        : fmt::format("rejected, so no rule runs on it: {}\n", m.rejection));
    }
  }
  return rejected ? kExitErrors : kExitOk;
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
