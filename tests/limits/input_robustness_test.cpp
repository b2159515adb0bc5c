// Data files that once hung or crashed a reader (found by fuzzing): each is
// now read to the end, with the bad part rejected and the rest evaluated.
// Runs the kairos binary, as a user would, under `timeout` so that a
// regression fails the test instead of hanging it.

#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
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
  // path: 200,000 levels took 550 MB and overflowed the stack. A line nested
  // deeper than 64 levels is now rejected, and objects past 32 levels are
  // left out of the inferred schema.
  const fs::path dir = temp_dir();
  const size_t depth = 200000;
  std::string line = "{\"id\":\"C1\",\"a\":";
  for (size_t i = 0; i < depth; ++i) line += "{\"a\":";
  line += "1";
  line += std::string(depth, '}');
  std::string shallow = "{\"id\":\"C3\",\"b\":";
  for (size_t i = 0; i < 40; ++i) shallow += "{\"b\":";
  shallow += "1" + std::string(40, '}') + "}";
  line += "}\n{\"id\":\"C2\",\"a\":{\"b\":2}}\n" + shallow + "\n";
  const Run r = run(dir, tag_every_record(dir), write(dir / "deep.jsonl", line));
  BOOST_TEST(r.status == 0);
  BOOST_TEST(!contains(r.out, "seen C1"), r.out);
  BOOST_TEST(contains(r.out, "seen C2"), r.out);
  BOOST_TEST(contains(r.out, "seen C3"), r.out);
  BOOST_TEST(contains(r.errors, "\"line\":1,"), r.errors);
  BOOST_TEST(contains(r.errors, "value nested deeper than the 64-level limit"), r.errors);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_json_value_nested_too_deeply_is_a_rejection_in_run_explain_and_diff) {
  // 100,000 nested arrays or objects in a field the schema names crashed
  // `run`, `explain` and `diff` (the value is printed in the rejection, by
  // recursion). Past 64 levels the record is rejected before it is parsed.
  const fs::path dir = temp_dir();
  const size_t depth = 100000;
  const std::string data = "{\"id\":\"C1\",\"a\":" + std::string(depth, '[') + "1" + std::string(depth, ']') +
                           "}\n{\"id\":\"C2\",\"a\":" + [&] {
                             std::string o;
                             for (size_t i = 0; i < depth; ++i) o += "{\"x\":";
                             return o + "1" + std::string(depth, '}');
                           }() + "}\n{\"id\":\"C3\",\"a\":\"[[[[{{{{\"}\n" +
                           // At the limit: 64 levels, the line's object included.
                           "{\"id\":\"C4\",\"a\":" + std::string(62, '[') + "1" + std::string(62, ']') + "}\n";
  const fs::path deep = write(dir / "deep.jsonl", data);
  const fs::path play = tag_every_record(dir);
  const std::string schema = "key: id\nfields:\n  id: string\n  a: string\n";
  const Run r = run(dir, play, deep, schema);
  BOOST_TEST(r.status == 0);
  BOOST_TEST(contains(r.out, "seen C3"), r.out);
  BOOST_TEST(!contains(r.out, "seen C1"), r.out);
  BOOST_TEST(!contains(r.out, "seen C2"), r.out);
  BOOST_TEST(contains(r.errors, "{\"line\":1,\"key\":null,\"field\":null,"), r.errors);
  BOOST_TEST(contains(r.errors, "{\"line\":2,\"key\":null,\"field\":null,"), r.errors);
  BOOST_TEST(contains(r.errors, "value nested deeper than the 64-level limit"), r.errors);
  // C4 is read; its list is no string, so it is rejected for its type.
  BOOST_TEST(contains(r.errors, "\"key\":\"C4\""), r.errors);
  BOOST_TEST(contains(r.errors, "expected a string, found a JSON array"), r.errors);

  const fs::path schema_file = dir / "schema.yaml";
  const std::string tool = "timeout 60 " + std::string(KAIROS_BINARY);
  const Result explain = shell(tool + " explain " + play.string() + " --data " + deep.string() + " --schema " +
                               schema_file.string() + " --key C3 --as-of 2026-01-15 2>&1");
  BOOST_TEST(explain.status == 0, explain.out);
  BOOST_TEST(contains(explain.out, "seen C3"), explain.out);
  const Result unknown = shell(tool + " explain " + play.string() + " --data " + deep.string() + " --schema " +
                               schema_file.string() + " --key C1 --as-of 2026-01-15 2>&1");
  BOOST_TEST(unknown.status == 1, unknown.out);
  const Result diff = shell(tool + " diff " + play.string() + " " + play.string() + " --data " + deep.string() +
                            " --schema " + schema_file.string() + " --as-of 2026-01-15 2>&1");
  BOOST_TEST(diff.status == 0, diff.out);
  BOOST_TEST(contains(diff.out, "every"), diff.out);
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

BOOST_AUTO_TEST_CASE(schemas_and_yaml_data_from_a_file_that_never_ends_are_refused) {
  // Both were read whole, without limit: /dev/zero ended in bad_alloc (exit
  // 70). A schema has the playbook's 10 MiB limit; a YAML document 16 MiB.
  const fs::path dir = temp_dir();
  const fs::path play = tag_every_record(dir);
  const std::string tool = "timeout 60 " + std::string(KAIROS_BINARY);
  const Result schema = shell(tool + " check " + play.string() + " --schema /dev/zero 2>&1");
  BOOST_TEST(schema.status == 1, schema.out);
  BOOST_TEST(contains(schema.out, "/dev/zero: error: cannot read schema file: it is too large (limit 10 MiB)"),
             schema.out);
  const fs::path big = write(dir / "big.yaml", "key: id\nfields:\n  id: string\n# " + std::string(size_t{10} << 20, '-'));
  const Result big_schema = shell(tool + " check " + play.string() + " --schema " + big.string() + " 2>&1");
  BOOST_TEST(big_schema.status == 1, big_schema.out);
  BOOST_TEST(contains(big_schema.out, "cannot read schema file: it is too large (limit 10 MiB)"), big_schema.out);

  const std::string schema_text = "key: id\nfields:\n  id: string\n";
  const Run zero = run(dir, play, "/dev/zero --format yaml", schema_text);
  BOOST_TEST(zero.status == 0);
  BOOST_TEST(zero.out.empty(), zero.out);
  BOOST_TEST(contains(zero.errors, "{\"line\":1,"), zero.errors);
  BOOST_TEST(contains(zero.errors, "YAML document is longer than the 16 MiB limit; the rest of the file is not read"),
             zero.errors);
  // The documents before the long one are read; the long one and what follows are not.
  const std::string data = "- {id: A1}\n---\n- {id: A2}\n--- # long\n- {id: A3, pad: '" +
                           std::string(size_t{17} << 20, 'x') + "'}\n---\n- {id: A4}\n";
  const Run docs = run(dir, play, write(dir / "docs.yaml", data), schema_text);
  BOOST_TEST(docs.status == 0);
  BOOST_TEST(contains(docs.out, "seen A1"), docs.out);
  BOOST_TEST(contains(docs.out, "seen A2"), docs.out);
  BOOST_TEST(!contains(docs.out, "seen A3"), docs.out);
  BOOST_TEST(!contains(docs.out, "seen A4"), docs.out);
  BOOST_TEST(contains(docs.errors, "{\"line\":4,"), docs.errors);
  BOOST_TEST(contains(docs.errors, "YAML document is longer than the 16 MiB limit"), docs.errors);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(test_files_bound_what_their_aliases_expand_to) {
  // An `expect` entry that contains itself through an alias overflowed the
  // stack, and a few lines of nested aliases took 6 GB: entries are walked
  // recursively. Now an entry nests at most 64 levels and holds at most
  // 10,000 values, aliases expanded. A test file has the playbook's 10 MiB limit.
  const fs::path dir = temp_dir();
  write(dir / "s.yaml", "key: id\nfields:\n  id: string\n");
  write(dir / "p.play", "schema \"s.yaml\"\nrule r when true then tag \"x\"\n");
  const std::string head = "playbook: p.play\nas_of: 2026-01-15\ncases:\n  - name: ok\n    record: {id: C1}\n"
                           "    expect: [{action: tag, tag: x}]\n  - name: bad\n    record: {id: C1}\n    expect:\n";
  std::string laughs = "      - {action: tag, tag: x, l0: &a0 [x, x, x, x, x, x, x, x, x, x]";
  for (int i = 1; i < 9; ++i) {
    laughs += fmt::format(", l{}: &a{} [", i, i);
    for (int k = 0; k < 10; ++k) laughs += fmt::format("{}*a{}", k == 0 ? "" : ", ", i - 1);
    laughs += "]";
  }
  laughs += "}\n";
  const struct {
    const char* name;
    std::string entry;
    const char* message;
  } cases[] = {
      {"self", "      - &e {action: tag, tag: x, me: *e}\n", "error: an 'expect' entry may nest at most 64 levels"},
      {"deep", "      - {action: tag, tag: x, d: " + std::string(70, '[') + "1" + std::string(70, ']') + "}\n",
       "error: an 'expect' entry may nest at most 64 levels"},
      {"laughs", laughs, "error: an 'expect' entry may hold at most 10000 values (each use of an alias counts)"},
  };
  for (const auto& c : cases) {
    const fs::path file = write(dir / (std::string(c.name) + ".test.yaml"), head + c.entry);
    const Result r = shell("timeout 60 " + std::string(KAIROS_BINARY) + " test " + file.string() + " 2>&1");
    BOOST_TEST(r.status == 1, c.name << ": " << r.out);
    BOOST_TEST(contains(r.out, c.message), c.name << ": " << r.out);
    BOOST_TEST(contains(r.out, "1 passed, 1 failed"), c.name << ": " << r.out);
  }
  const fs::path big = write(dir / "big.test.yaml", head + "# " + std::string(size_t{10} << 20, '-') + "\n");
  const Result r = shell("timeout 60 " + std::string(KAIROS_BINARY) + " test " + big.string() + " 2>&1");
  BOOST_TEST(r.status == 1, r.out);
  BOOST_TEST(contains(r.out, "error: cannot read the test file: it is too large (limit 10 MiB)"), r.out);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(enums_are_looked_up_by_hash_and_hold_at_most_10000_values) {
  // An enum of 200,000 values took 49 s to load (each value was checked
  // against all the others), and every rejected cell compared its text with
  // every value. Values are hashed now, and an enum holds at most 10,000.
  const fs::path dir = temp_dir();
  const fs::path play = tag_every_record(dir);
  const std::string tool = "timeout 60 " + std::string(KAIROS_BINARY);
  auto enum_schema = [&](const std::string& name, size_t n) {
    std::string text = "key: id\nfields:\n  id: string\n  tier:\n    type: enum\n    values: [";
    for (size_t i = 0; i < n; ++i) text += fmt::format("{}tier_{}", i == 0 ? "" : ", ", i);
    return write(dir / name, text + "]\n");
  };
  const fs::path huge = enum_schema("huge.yaml", 200000);
  auto start = std::chrono::steady_clock::now();
  const Result refused = shell(tool + " check " + play.string() + " --schema " + huge.string() + " 2>&1");
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 10.0);
  BOOST_TEST(refused.status == 1, refused.out);
  BOOST_TEST(contains(refused.out, "error: field 'tier' declares 200000 values, and an enum may have at most 10000"),
             refused.out);

  const fs::path at_limit = enum_schema("limit.yaml", 10000);
  std::string data;
  for (int i = 0; i < 20000; ++i) {
    data += fmt::format("{{\"id\":\"C{}\",\"tier\":\"{}\"}}\n", i, i % 2 == 0 ? fmt::format("tier_{}", i % 10000) : "gold");
  }
  const fs::path jsonl = write(dir / "d.jsonl", data);
  start = std::chrono::steady_clock::now();
  const Result r = shell(tool + " run " + play.string() + " --schema " + at_limit.string() + " --data " +
                         jsonl.string() + " --quiet --errors " + (dir / "errors.jsonl").string() + " 2>&1 | wc -l");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(r.status == 0, r.out);
  BOOST_TEST(r.out == "10000\n", r.out);
  BOOST_TEST(seconds < 10.0);
  const Result rejected = shell("grep -c 'not a declared value (tier_0, tier_1' " + (dir / "errors.jsonl").string());
  BOOST_TEST(rejected.out == "10000\n", rejected.out);
  // A symbol of a playbook that is no value lists the first 20 values only.
  const fs::path symbol = write(dir / "symbol.play", "when tier == tier_x then tag \"x\"\n");
  const Result listed = shell(tool + " check " + symbol.string() + " --schema " + at_limit.string() + " 2>&1");
  BOOST_TEST(listed.status == 1, listed.out);
  BOOST_TEST(contains(listed.out, "help: the values are: tier_0, tier_1, "), listed.out);
  BOOST_TEST(contains(listed.out, ", tier_19, … (10000 in all)\n"), listed.out);
  BOOST_TEST(listed.out.size() < 2000, listed.out);
  // A near miss still gets its suggestion.
  const fs::path near = write(dir / "near.jsonl", "{\"id\":\"C1\",\"tier\":\"tier_99x\"}\n");
  const Result suggestion = shell(tool + " run " + play.string() + " --schema " + at_limit.string() + " --data " +
                                  near.string() + " --quiet --errors /dev/stdout 2>&1");
  BOOST_TEST(contains(suggestion.out, "(did you mean 'tier_99'?)"), suggestion.out);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_schema_path_has_at_most_64_parts) {
  // Readers walk a field's dotted path a part at a time: a column of
  // 200,000 parts overflowed the stack on a YAML mapping that contains
  // itself, and took all the memory with JSON Lines (each suffix of the path
  // was kept). Such a schema is refused.
  const fs::path dir = temp_dir();
  const fs::path play = tag_every_record(dir);
  std::string path = "a";
  for (int i = 1; i < 200000; ++i) path += ".a";
  const std::string schema = "key: id\nfields:\n  id: string\n  deep: {type: string, column: " + path + "}\n";
  for (const fs::path& data : {write(dir / "self.yaml", "- &r {id: C1, a: *r}\n"),
                               write(dir / "one.jsonl", "{\"id\":\"C1\"}\n")}) {
    const Run r = run(dir, play, data, schema);
    BOOST_TEST(r.status == 1, data);
    BOOST_TEST(r.out.empty(), r.out);
  }
  const Result check = shell("timeout 60 " + std::string(KAIROS_BINARY) + " check " + play.string() + " --schema " +
                             (dir / "schema.yaml").string() + " 2>&1");
  BOOST_TEST(check.status == 1, check.out);
  BOOST_TEST(contains(check.out, "error: the column of field 'deep' has 200000 dotted parts, and a path may have at most 64"),
             check.out);
  // 64 parts are accepted (and lead, through the alias, to the mapping itself).
  std::string ok = "a";
  for (int i = 1; i < 64; ++i) ok += ".a";
  const Run fine = run(dir, play, write(dir / "ok.yaml", "- &r {id: C1, a: *r}\n"),
                       "key: id\nfields:\n  id: string\n  deep: {type: string, column: " + ok + "}\n");
  BOOST_TEST(fine.status == 0);
  BOOST_TEST(contains(fine.errors, "expected a string, found a mapping"), fine.errors);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_test_case_expects_at_most_1000_actions_matched_in_quadratic_time) {
  // Matching searched an augmenting path for every entry, by recursion:
  // 2,000 alike entries and actions took 4 s (cubic), and more overflowed
  // the stack. A free action is taken first now, and a case lists at most
  // 1,000 entries.
  const fs::path dir = temp_dir();
  write(dir / "s.yaml", "key: id\nfields:\n  id: string\n");
  std::string play = "schema \"s.yaml\"\n";
  for (int i = 0; i < 1001; ++i) play += fmt::format("rule r{} when true then tag \"x\"\n", i);
  write(dir / "p.play", play);
  auto test_file = [&](const std::string& name, int entries) {
    std::string text = "playbook: p.play\ncases:\n  - name: many\n    record: {id: C1}\n    expect:\n";
    for (int i = 0; i < entries; ++i) text += "      - {action: tag}\n";
    if (entries == 1000) text += "    exact: false\n";
    return write(dir / name, text);
  };
  const std::string tool = "timeout 60 " + std::string(KAIROS_BINARY) + " test ";
  const auto start = std::chrono::steady_clock::now();
  const Result ok = shell(tool + test_file("ok.test.yaml", 1000).string() + " 2>&1");
  // A generous bound: the sanitizer build on a busy machine takes several
  // seconds; the release build well under one.
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 30.0);
  BOOST_TEST(ok.status == 0, ok.out);
  BOOST_TEST(contains(ok.out, "1 passed, 0 failed"), ok.out);
  const Result over = shell(tool + test_file("over.test.yaml", 1001).string() + " 2>&1");
  BOOST_TEST(over.status == 1, over.out);
  BOOST_TEST(contains(over.out, "error: 'expect' may list at most 1000 actions"), over.out);
  fs::remove_all(dir);
}
