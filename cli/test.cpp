// kairos test: runs *.test.yaml files. The report goes to standard output as
// each file finishes, the playbooks' compile errors to standard error; the
// last line is `N passed, N failed`, which CI reads.

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "engine/test_runner.hpp"

namespace kairos::cli {

namespace {

struct TestOptions {
  std::vector<std::string> paths;
  std::string junit;
  bool verbose = false;
};

int test(const TestOptions& o) {
  const std::vector<std::string> paths = o.paths.empty() ? std::vector<std::string>{"."} : o.paths;
  std::vector<std::string> missing;
  const std::vector<std::string> files = find_test_files(paths, missing);
  if (!missing.empty()) throw UsageError(fmt::format("no such file or directory: '{}'", missing.front()));
  if (!o.junit.empty()) {
    std::vector<NamedFile> named;
    for (const std::string& f : files) named.push_back({"test file", f, FileRole::Source});
    named.push_back({"--junit", o.junit, FileRole::Written});
    refuse_same_files(named);
  }
  // Opened first, so an unwritable report path fails before the tests run.
  std::optional<Output> junit;
  if (!o.junit.empty()) {
    try {
      junit.emplace(o.junit);
    } catch (const std::runtime_error& e) {
      throw UsageError(fmt::format("--junit: {}", e.what()));
    }
  }
  if (files.empty()) {
    std::cerr << fmt::format("kairos: no *.test.yaml files under {}\n", fmt::join(paths, ", "));
  }

  Engine engine;
  std::vector<TestFileResult> results;
  size_t failed = 0;
  for (const std::string& file : files) {
    TestFileResult r = run_test_file(engine, file);
    if (!r.diagnostics.empty()) {
      std::cout.flush();
      std::cerr << r.diagnostics;
      std::cerr.flush();
    }
    std::cout << render_test_file(r, o.verbose) << std::flush;
    failed += r.failed();
    results.push_back(std::move(r));
  }
  std::cout << render_test_totals(results) << std::flush;
  if (junit) {
    junit->write(render_junit(results));
    junit->commit();
  }
  return failed > 0 ? kExitErrors : kExitOk;
}

}  // namespace

Action setup_test(CLI::App& app) {
  auto o = std::make_shared<TestOptions>();
  app.add_option("paths", o->paths, "test files, or directories searched for *.test.yaml (default: .)");
  app.add_option("--junit", o->junit, "also write a JUnit XML report to this file");
  app.add_flag("--verbose,-v", o->verbose, "list the cases that pass too");
  return [o] { return test(*o); };
}

}  // namespace kairos::cli
