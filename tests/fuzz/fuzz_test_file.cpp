// Fuzz target: `kairos test` files (YAML: the playbook, the as-of date and
// cases with records, expectations and not_fired lists). Each input is
// written as a test file beside a fixed playbook and schema in a directory
// of this process, then loaded, compiled and run as `kairos test` does.
// Properties: nothing crashes or throws; every report renders; a file that
// cannot be used counts as a failure; the JUnit report is valid UTF-8 XML
// text with one <testcase> per case.

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/test_runner.hpp"
#include "fuzz_common.hpp"

namespace {

namespace fs = std::filesystem;

/// The directory of this process with the playbook the inputs may name.
const fs::path& workdir() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / ("kairos-fuzz-test-" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::ofstream(d / "s.yaml") << "key: id\nfields:\n  id: {type: string, required: true}\n  health: int\n"
                                   "  phase: {type: enum, values: [adoption, renewal]}\n  products: {type: list, of: string}\n"
                                   "  renew: date\n";
    std::ofstream(d / "p.play") << "playbook \"p\"\nschema \"s.yaml\"\n"
                                   "rule up\n  group g\n  when health >= 80 and phase == adoption\n"
                                   "  then propose upgrade \"premium\" owner csm due renew - 30d reason \"h {health}\"\n"
                                   "rule tagit\n  when \"crm\" in products\n  then tag \"crm\"\n       stop\n"
                                   "rule late\n  group g\n  when true\n  then task \"look\"\n";
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kairos;
  const fs::path file = workdir() / "case.test.yaml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  static const Engine engine;
  const TestFileResult r = run_test_file(engine, file.string());
  if (!r.error.empty() && r.failed() == 0) fuzz::fail("an unusable test file counts no failure");
  if (r.passed() + r.failed() < r.cases.size()) fuzz::fail("cases counted neither passed nor failed");
  (void)render_test_file(r, true);
  const std::vector<TestFileResult> results = {r};
  const std::string totals = render_test_totals(results);
  if (totals.find(" passed, ") == std::string::npos) fuzz::fail("no totals line: " + totals);
  const std::string junit = render_junit(results);
  size_t testcases = 0;
  for (size_t at = junit.find("<testcase "); at != std::string::npos; at = junit.find("<testcase ", at + 1)) ++testcases;
  if (testcases < r.cases.size()) fuzz::fail("the JUnit report misses cases");
  return 0;
}
