// Data files that once hung or crashed a reader (found by fuzzing): each is
// now read to the end, with the bad part rejected and the rest evaluated.
// Runs the kairos binary, as a user would, under `timeout` so that a
// regression fails the test instead of hanging it.

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/limits/support.hpp"

namespace fs = std::filesystem;
using namespace limits_test;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Run {
  int status = -1;
  std::string out;     ///< the actions (JSON Lines)
  std::string errors;  ///< the --errors file
};

/// `kairos run PLAY --data DATA` with a time limit; the actions and the
/// rejections are read back from their files.
Run run(const fs::path& dir, const fs::path& play, const fs::path& data, const std::string& schema = "") {
  const fs::path out = dir / "out.jsonl", errors = dir / "errors.jsonl";
  fs::remove(out);
  fs::remove(errors);
  std::string command = "timeout 60 " + std::string(KAIROS_BINARY) + " run " + play.string() + " --data " +
                        data.string() + " --as-of 2026-01-15 --quiet --out " + out.string() + " --errors " +
                        errors.string();
  if (!schema.empty()) command += " --schema " + write(dir / "schema.yaml", schema).string();
  command += " 2>&1";
  const Result console = shell(command);
  BOOST_TEST_MESSAGE(console.out);
  Run r;
  r.status = console.status;
  r.out = slurp(out);
  r.errors = slurp(errors);
  return r;
}

/// A playbook that tags every record with its id.
fs::path tag_every_record(const fs::path& dir) {
  return write(dir / "p.play", "rule every when true then tag \"seen {id}\"\n");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_yaml_data_file_cannot_make_the_loader_spin) {
  // yaml-cpp's LoadAll never returns on ',' where a document should start;
  // `run --data x.yaml` used to eat all memory. Now the file is a rejection.
  const fs::path dir = temp_dir();
  const fs::path play = tag_every_record(dir);
  const std::string schema = "key: id\nfields:\n  id: string\n";
  const Run whole = run(dir, play, write(dir / "comma.yaml", ",fuzz_jsonl"), schema);
  BOOST_TEST(whole.status == 0);
  BOOST_TEST(whole.out.empty(), whole.out);
  BOOST_TEST(contains(whole.errors, "no document can start here"), whole.errors);

  // Laid out as a sequence of records, only the broken one is lost.
  const Run items = run(dir, play, write(dir / "items.yaml", "- {id: A1}\n- {id: A2}\n---\n,\n- {id: A3}\n"), schema);
  BOOST_TEST(items.status == 0);
  BOOST_TEST(contains(items.out, "seen A1"), items.out);
  BOOST_TEST(contains(items.out, "seen A3"), items.out);
  BOOST_TEST(!items.errors.empty());
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(deeply_nested_json_does_not_overflow_inference) {
  // Inference flattened nested objects by recursion, building each dotted
  // path: 200,000 levels took 550 MB and overflowed the stack. Objects past
  // 32 levels are now left out of the inferred schema.
  const fs::path dir = temp_dir();
  const size_t depth = 200000;
  std::string line = "{\"id\":\"C1\",\"a\":";
  for (size_t i = 0; i < depth; ++i) line += "{\"a\":";
  line += "1";
  line += std::string(depth, '}');
  line += "}\n{\"id\":\"C2\",\"a\":{\"b\":2}}\n";
  const Run r = run(dir, tag_every_record(dir), write(dir / "deep.jsonl", line));
  BOOST_TEST(r.status == 0);
  BOOST_TEST(contains(r.out, "seen C1"), r.out);
  BOOST_TEST(contains(r.out, "seen C2"), r.out);
  BOOST_TEST(r.errors.empty(), r.errors);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_yaml_mapping_that_contains_itself_is_read) {
  // An alias can make a mapping contain itself; inference stops at its depth limit.
  const fs::path dir = temp_dir();
  const fs::path play = tag_every_record(dir);
  const fs::path data = write(dir / "self.yaml", "- &r {id: C1, self: *r}\n- {id: C2}\n");
  const Run inferred = run(dir, play, data);
  BOOST_TEST(inferred.status == 0);
  BOOST_TEST(contains(inferred.out, "seen C1"), inferred.out);
  BOOST_TEST(contains(inferred.out, "seen C2"), inferred.out);

  // Declared as a string, the mapping is rejected and shown in part.
  const Run declared = run(dir, play, data, "key: id\nfields:\n  id: string\n  self: string\n  deep: {type: string, column: self.self.self.id}\n");
  BOOST_TEST(declared.status == 0);
  BOOST_TEST(contains(declared.out, "seen C2"), declared.out);
  BOOST_TEST(contains(declared.errors, "expected a string, found a mapping"), declared.errors);
  BOOST_TEST(declared.errors.size() < 4096, declared.errors);
  fs::remove_all(dir);
}
