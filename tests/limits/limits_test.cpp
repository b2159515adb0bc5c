// The hard limits of docs/limits.md: each one is reached here and gives its
// documented message instead of a crash. Compiles go through the public API
// (kairos::Engine) with real files, as `kairos check` and `run` do.

#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/kairos.hpp"
#include "grammar/parser.hpp"
#include "interpreter/cost.hpp"
#include "engine/writer.hpp"
#include "tests/limits/support.hpp"

namespace fs = std::filesystem;
using namespace limits_test;

namespace {

/// The customer schema the playbooks below compile against.
fs::path schema(const fs::path& dir) {
  return write(dir / "schema.yaml",
               "key: id\nfields:\n  id: string\n  health: int\n  name: string\n");
}

/// Compiles one playbook file against the schema; returns the rendered diagnostics.
std::string diagnostics(const fs::path& playbook, bool* ok = nullptr) {
  kairos::Engine engine;
  kairos::BuildOptions o;
  o.schema_path = schema(playbook.parent_path()).string();
  kairos::Build b = engine.compile({playbook.string()}, o);
  if (ok) *ok = b.ok();
  return b.render_diagnostics();
}

std::string nested(int depth) {
  return std::string(static_cast<size_t>(depth), '(') + "health" + std::string(static_cast<size_t>(depth), ')');
}

}  // namespace

BOOST_AUTO_TEST_CASE(expression_nesting_is_limited_to_200) {
  const fs::path dir = temp_dir();
  bool ok = false;
  std::string d = diagnostics(write(dir / "ok.play", "when " + nested(150) + " > 1 then tag \"deep\"\n"), &ok);
  BOOST_TEST(ok, d);
  d = diagnostics(write(dir / "deep.play", "when " + nested(kairos::grammar::kMaxNestingDepth + 1) + " > 1 then tag \"x\"\n"), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "deep.play:1:"), d);
  BOOST_TEST(contains(d, "error: expression nested too deeply (limit 200)"), d);
  // Every later stage walks the tree recursively, so a flat chain counts one
  // level per operator (it builds a tree that deep): 150 terms compile, a
  // thousand do not.
  std::string sum = "health";
  for (int i = 0; i < 150; ++i) sum += " + 1";
  d = diagnostics(write(dir / "chain.play", "when " + sum + " > 1 then tag \"x\"\n"), &ok);
  BOOST_TEST(ok, d);
  for (int i = 150; i < 1000; ++i) sum += " + 1";
  d = diagnostics(write(dir / "long_chain.play", "when " + sum + " > 1 then tag \"x\"\n"), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "error: expression nested too deeply (limit 200)"), d);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(playbook_files_are_limited_to_10_mib) {
  const fs::path dir = temp_dir();
  const std::string rule = "when health > 1 then tag \"x\"\n";
  const std::string line = "# " + std::string(97, '-') + "\n";  // 100 bytes
  std::string text;
  while (text.size() + line.size() + rule.size() <= (size_t{10} << 20)) text += line;
  text += rule;
  BOOST_REQUIRE_LE(text.size(), size_t{10} << 20);
  bool ok = false;
  std::string d = diagnostics(write(dir / "at_limit.play", text), &ok);
  BOOST_TEST(ok, d);
  text.insert(0, std::string((size_t{10} << 20) + 1 - text.size(), '#'));
  d = diagnostics(write(dir / "big.play", text), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(d == (dir / "big.play").string() + ": error: cannot read playbook file: it is too large (limit 10 MiB)\n", d);
  // Imported files have the same limit.
  d = diagnostics(write(dir / "imports.play", "import \"big\"\n" + rule), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "cannot import 'big': it is too large (limit 10 MiB)"), d);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_playbook_has_at_most_10000_rules) {
  // One compile (slow under the sanitizers): the first 10,000 rules compile
  // without a word, the 10,001st is the only error.
  const fs::path dir = temp_dir();
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "when health > 0 then tag \"t\"\n";
  const std::string rule = "rule one_too_many when health > 0 then tag \"t\"";
  text += rule + "\n";
  bool ok = false;
  const std::string d = diagnostics(write(dir / "too_many.play", text), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(d == (dir / "too_many.play").string() +
                      ":10001:1: error: a playbook may have at most 10000 rules\n"
                      "10001 | " + rule + "\n"
                      "      | ^" + std::string(rule.size() - 1, '~') + "\n"
                      "      = help: split the playbook into several and run them together\n",
             d);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(string_literals_are_bounded_by_the_file_limit) {
  // A string literal has no limit of its own below the file's: a 9 MiB one
  // compiles and runs; an 11 MiB one is refused with the file-size message.
  const fs::path dir = temp_dir();
  const std::string big(size_t{9} << 20, 'x');
  bool ok = false;
  kairos::Engine engine;
  kairos::BuildOptions o;
  o.schema_path = schema(dir).string();
  kairos::Build b = engine.compile({write(dir / "long.play", "when true then tag \"" + big + "\"\n").string()}, o);
  BOOST_REQUIRE_MESSAGE(b.ok(), b.render_diagnostics());
  kairos::Runner runner(b, engine.registry(), 0);
  kairos::Record r;
  r.values.assign(b.schema->fields.size(), kairos::Value::null());
  std::string out;
  kairos::JsonlWriter w(out, true);
  runner.run(r, w);
  BOOST_TEST(out.size() > big.size());
  std::string d = diagnostics(write(dir / "longer.play", "when true then tag \"" + std::string(size_t{11} << 20, 'x') + "\"\n"), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "cannot read playbook file: it is too large (limit 10 MiB)"), d);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(defs_nest_at_most_64_deep) {
  const fs::path dir = temp_dir();
  std::string text = "def f0(x) = x + 1\n";
  for (int i = 1; i <= 65; ++i) text += "def f" + std::to_string(i) + "(x) = f" + std::to_string(i - 1) + "(x)\n";
  bool ok = false;
  std::string d = diagnostics(write(dir / "defs.play", text + "when f63(health) > 1 then tag \"ok\"\n"), &ok);
  BOOST_TEST(ok, d);
  d = diagnostics(write(dir / "deep_defs.play", text + "when f65(health) > 1 then tag \"x\"\n"), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "error: defs are nested too deeply (limit 64)"), d);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(list_literals_hold_at_most_65535_items) {
  const fs::path dir = temp_dir();
  auto list = [](int n) {  // [0,0,…]: the shortest text to parse
    std::string s = "[0";
    for (int i = 1; i < n; ++i) s += ",0";
    return s + "]";
  };
  // The limit is checked before the items are compiled, so this is cheap;
  // a list of 65,535 items compiles (slowly under the sanitizers: not here).
  bool ok = false;
  const std::string d =
      diagnostics(write(dir / "long_list.play", "when health in " + list(65536) + " then tag \"x\"\n"), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "error: a list literal may hold at most 65535 items"), d);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(check_verbose_prints_the_step_bound_of_each_rule) {
  const fs::path dir = temp_dir();
  const fs::path play = write(dir / "steps.play",
                              "playbook \"steps\"\n"
                              "let adult = health >= 18\n"
                              "rule first when adult and health < 50 then tag \"a\"\n"
                              "rule second when adult or upper(name) == \"X\" then task \"t\" reason \"{name}\"\n");
  const Result r = shell(std::string(KAIROS_BINARY) + " check --verbose --schema " + schema(dir).string() + " " +
                         play.string() + " 2>&1");
  BOOST_TEST(r.status == 0, r.out);
  BOOST_TEST(contains(r.out, "playbook steps (" + play.string() + "): at most "), r.out);
  BOOST_TEST(contains(r.out, "  rule first: at most "), r.out);
  BOOST_TEST(contains(r.out, "  rule second: at most "), r.out);
  const Result quiet = shell(std::string(KAIROS_BINARY) + " check --schema " + schema(dir).string() + " " +
                             play.string() + " 2>&1");
  BOOST_TEST(quiet.out.empty(), quiet.out);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(every_shipped_playbook_has_a_finite_step_bound) {
  // The cost pass proves termination on the real compiled programs (jumps
  // only forward, lets acyclic) and bounds every rule.
  std::vector<fs::path> playbooks;
  for (const char* dir : {"playbooks", "examples"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(KAIROS_SOURCE_DIR) / dir)) {
      if (e.path().extension() == ".play" && e.path().parent_path().filename() != "lib") playbooks.push_back(e.path());
    }
  }
  BOOST_REQUIRE_GE(playbooks.size(), 4u);
  kairos::Engine engine;
  for (const fs::path& p : playbooks) {
    kairos::Build b = engine.compile({p.string()}, {});
    BOOST_REQUIRE_MESSAGE(b.ok(), p.string() << ":\n" << b.render_diagnostics());
    const kairos::ProgramCost cost = kairos::estimate_cost(*b.programs[0], engine.registry());
    BOOST_TEST(cost.rules.size() == b.programs[0]->rules.size());
    for (const kairos::RuleCost& r : cost.rules) {
      BOOST_TEST(r.steps >= 2u, p.string() << " rule " << r.name);
      BOOST_TEST(r.steps <= r.condition + r.actions, p.string() << " rule " << r.name);
    }
    BOOST_TEST(cost.per_record >= cost.rules.front().steps, p.string());
  }
}

// Regressions found by the fuzzers (tests/fuzz/regressions/ replays the
// original inputs; these pin the behaviour down in plain words).

BOOST_AUTO_TEST_CASE(date_plus_a_huge_day_count_is_null_not_overflow) {
  // fuzz_run: `today() + 9223372036854775807` overflowed int64 in the VM
  // (undefined behaviour, reported by UBSan). Now: null and a warning.
  const fs::path dir = temp_dir();
  kairos::Engine engine;
  kairos::BuildOptions o;
  o.schema_path = schema(dir).string();
  kairos::Build b = engine.compile(
      {write(dir / "dates.play",
             "when (today() + 9223372036854775807) is null and (today() - (0 - 9223372036854775807 - 1)) is null\n"
             "then tag \"null\"\n")
           .string()},
      o);
  BOOST_REQUIRE_MESSAGE(b.ok(), b.render_diagnostics());
  kairos::Runner runner(b, engine.registry(), 20468);
  kairos::Record r;
  r.values.assign(b.schema->fields.size(), kairos::Value::null());
  std::string out;
  kairos::JsonlWriter w(out, false);
  runner.run(r, w);
  BOOST_TEST(contains(out, "\"tag\":\"null\""), out);
  BOOST_TEST(runner.vm(0).warnings().at(0) == 2u);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(json_diagnostics_survive_bytes_that_are_not_utf8) {
  // fuzz_schema: a schema key that is not UTF-8 made `check --format json`
  // (and sarif) throw from nlohmann's dump: exit 70 and no output.
  const fs::path dir = temp_dir();
  const fs::path bad = write(dir / "bad.yaml", "key: id\nfields:\n  id: string\n  \xff: {type: wrong}\n");
  const fs::path play = write(dir / "p.play", "when id is null then tag \"x\"\n");
  for (const char* format : {"json", "sarif"}) {
    const Result r = shell(std::string(KAIROS_BINARY) + " check --format " + format + " --schema " + bad.string() + " " +
                           play.string() + " 2>/dev/null");
    BOOST_TEST(r.status == 1, format << ": " << r.out);
    BOOST_TEST(nlohmann::json::accept(r.out), format << ": " << r.out);
    BOOST_TEST(contains(r.out, "\xEF\xBF\xBD"), format << ": " << r.out);  // U+FFFD
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_schema_yaml_cannot_make_the_loader_spin) {
  // fuzz_schema: yaml-cpp's LoadAll never returns on ',' where a document
  // should start; `check --schema` ate all memory. Now: a syntax error.
  const fs::path dir = temp_dir();
  const fs::path play = write(dir / "p.play", "when true then tag \"x\"\n");
  for (const char* text : {",", "key: id\n---\n,x"}) {
    const fs::path s = write(dir / "stuck.yaml", text);
    kairos::Engine engine;
    kairos::BuildOptions o;
    o.schema_path = s.string();
    kairos::Build b = engine.compile({play.string()}, o);
    BOOST_TEST(!b.ok());
    BOOST_TEST(contains(b.render_diagnostics(), "error: invalid YAML: no document can start here"),
               b.render_diagnostics());
  }
  fs::remove_all(dir);
}

// Counts beyond the 16-bit operand of an instruction, the size of def
// expansions and the memory of one record's evaluation (docs/limits.md).

BOOST_AUTO_TEST_CASE(strings_have_at_most_65535_parts_and_calls_65535_arguments) {
  // Both used to wrap silently (65,536 parts gave an empty string). The limit
  // is checked before the parts or arguments are compiled, so this is cheap.
  const fs::path dir = temp_dir();
  std::string text = "\"";
  for (int i = 0; i < 32768; ++i) text += "a{id}";  // a text piece and a value: 65,536 parts
  text += "\"";
  bool ok = false;
  std::string d = diagnostics(write(dir / "parts.play", "when true then tag " + text + "\n"), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "parts.play:1:20: error: a string may have at most 65535 parts (pieces of text and {…} values)"),
             d.substr(0, 300));
  BOOST_TEST(contains(d, "help: build the text in several strings and join them with '+'"), d.substr(0, 600));
  std::string args = "health";
  for (int i = 1; i < 65536; ++i) args += ",0";
  d = diagnostics(write(dir / "args.play", "when max(" + args + ") > 1 then tag \"x\"\n"), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "args.play:1:6: error: a call may have at most 65535 arguments"), d.substr(0, 300));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(def_expansion_is_limited_and_stops_early) {
  // Each level calls the one below twice: level N expands to about 3 * 2^N
  // nodes. 30 levels would take hours to expand; the budget stops it at once.
  const fs::path dir = temp_dir();
  std::string defs = "def f0(x) = x + 1\n";
  for (int i = 1; i <= 30; ++i) {
    const std::string prev = "f" + std::to_string(i - 1);
    defs += "def f" + std::to_string(i) + "(x) = " + prev + "(x) + " + prev + "(x)\n";
  }
  bool ok = false;
  std::string d = diagnostics(write(dir / "small.play", defs + "rule small when f12(health) > 1 then tag \"ok\"\n"), &ok);
  BOOST_TEST(ok, d);
  for (const std::string arg : {"health", "1"}) {  // a constant argument folds, but still expands
    const auto start = std::chrono::steady_clock::now();
    d = diagnostics(write(dir / "big.play", defs + "rule big when f30(" + arg + ") > 1 then tag \"x\"\n"), &ok);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(!ok);
    BOOST_TEST(contains(d, "big.play:32:15: error: calling def 'f30' in rule 'big' expands to too much code "
                           "(limit 1000000 expression nodes for all def calls of a playbook)"),
               d);
    BOOST_TEST(contains(d, "help: each call of a def is compiled again where it is called"), d);
    BOOST_TEST(d.find("error:") == d.rfind("error:"), "one error only:\n" << d);
    BOOST_TEST(seconds < 60.0);  // about a second in a release build; far more under the sanitizers
  }
  // In a let, the message names the let.
  d = diagnostics(write(dir / "let.play", defs + "let big = f30(health)\nwhen big > 1 then tag \"x\"\n"), &ok);
  BOOST_TEST(!ok);
  BOOST_TEST(contains(d, "error: calling def 'f30' in let 'big' expands to too much code"), d);
  fs::remove_all(dir);
}

namespace {

/// Compiles `text` against the schema and runs it over one record whose
/// `name` is `name`; returns the JSON lines and the warnings per rule.
std::string run_with_name(const std::string& text, const std::string& name, std::vector<uint64_t>& warnings) {
  const fs::path dir = temp_dir();
  kairos::Engine engine;
  kairos::BuildOptions o;
  o.schema_path = schema(dir).string();
  kairos::Build b = engine.compile({write(dir / "strings.play", text).string()}, o);
  BOOST_REQUIRE_MESSAGE(b.ok(), b.render_diagnostics());
  kairos::Runner runner(b, engine.registry(), 0);
  kairos::Record r;
  r.values.assign(b.schema->fields.size(), kairos::Value::null());
  r.values[static_cast<size_t>(b.schema->find("name"))] = kairos::Value::string(name);
  std::string out;
  kairos::JsonlWriter w(out, false);
  runner.run(r, w);
  warnings = runner.vm(0).warnings();
  fs::remove_all(dir);
  return out;
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(strings_built_at_run_time_are_capped_at_1_mib) {
  // A chain of lets doubling a string used to grow without bound. Now a
  // string past 1 MiB is null and counts a warning of the rule, like an
  // overflow; null then propagates without further warnings.
  std::string text = "let l0 = name\n";
  for (int i = 1; i <= 24; ++i) text += fmt::format("let l{} = l{} + l{}\n", i, i - 1, i - 1);
  text +=
      "rule at_cap when len(l10) == 1048576 then tag \"at cap\"\n"        // 1 KiB * 2^10: exactly 1 MiB
      "rule over_cap when l11 is null and l24 is null then tag \"over\"\n"  // the one warning
      "rule interpolated when \"{l10}\" == l10 and \"{l10}.\" is null then tag \"interpolated\"\n"
      "rule list when \"{[l9, l9]}\" is null then tag \"list\"\n"
      "rule cased when lower(l10) == l10 and upper(l10 + l0) is null then tag \"cased\"\n";
  std::vector<uint64_t> warnings;
  const std::string out = run_with_name(text, std::string(1024, 'x'), warnings);
  for (const char* tag : {"at cap", "over", "interpolated", "list", "cased"}) {
    BOOST_TEST(contains(out, fmt::format("\"tag\":\"{}\"", tag)), tag << "\n" << out.substr(0, 300));
  }
  BOOST_REQUIRE(warnings.size() == 5u);
  BOOST_TEST(warnings[0] == 0u);
  BOOST_TEST(warnings[1] == 1u);
  BOOST_TEST(warnings[2] == 1u);
  BOOST_TEST(warnings[3] == 1u);
  BOOST_TEST(warnings[4] == 1u);
  // lower/upper of data longer than the cap: null and a warning.
  const std::string long_out =
      run_with_name("when upper(name) is null and lower(name) is null then tag \"long\"\n", std::string((1 << 20) + 1, 'x'),
                    warnings);
  BOOST_TEST(contains(long_out, "\"tag\":\"long\""));
  BOOST_TEST(warnings.at(0) == 2u);
}

BOOST_AUTO_TEST_CASE(one_record_builds_at_most_64_mib_of_strings) {
  // Each rule builds a fresh 1 MiB string: 100 of them would take 100 MiB for
  // one record. Past 64 MiB, what a rule builds is null and counts a warning.
  std::string text = "let l0 = name\n";
  for (int i = 1; i <= 9; ++i) text += fmt::format("let l{} = l{} + l{}\n", i, i - 1, i - 1);
  for (int i = 0; i < 100; ++i) text += fmt::format("rule r{} when len(l9 + l9) > 0 then tag \"built\"\n", i);
  std::vector<uint64_t> warnings;
  const std::string out = run_with_name(text, std::string(1024, 'x'), warnings);
  const size_t fired = count(out, "\"tag\":\"built\"");
  BOOST_TEST(fired >= 60u);
  BOOST_TEST(fired < 64u);
  uint64_t warned = 0;
  for (uint64_t w : warnings) warned += w;
  BOOST_TEST(warned == 100u - fired);
}

BOOST_AUTO_TEST_CASE(threads_are_limited_to_256) {
  // `--threads 100000` aborted (exit 134) when the system refused a thread,
  // and left the temporary file of --out behind. It is a usage error now.
  const fs::path dir = temp_dir();
  const fs::path play = write(dir / "p.play", "when true then tag \"x\"\n");
  const fs::path data = write(dir / "d.jsonl", "{\"id\":\"C1\",\"health\":1}\n");
  const fs::path out = dir / "out" / "actions.jsonl";
  fs::create_directories(out.parent_path());
  const std::string run = std::string(KAIROS_BINARY) + " run " + play.string() + " --data " + data.string() +
                          " --schema " + schema(dir).string() + " --quiet --out " + out.string() + " --threads ";
  for (const char* n : {"100000", "257", "0", "-1"}) {
    const Result r = shell(run + n + " 2>&1");
    BOOST_TEST(r.status == 2, n << ": " << r.out);
    BOOST_TEST(contains(r.out, "--threads must be between 1 and 256"), r.out);
    BOOST_TEST(fs::is_empty(out.parent_path()), n);
  }
  const Result ok = shell(run + "256 2>&1");
  BOOST_TEST(ok.status == 0, ok.out);
  BOOST_TEST(fs::exists(out));
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_chain_of_20000_imports_compiles_in_linear_time) {
  // Imports were followed by recursion, checking every file on the way for
  // a cycle: 20,000 files overflowed the stack, and 10,000 took 9 s.
  const fs::path dir = temp_dir();
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    write(dir / fmt::format("m{}.play", i),
          (i + 1 < n ? fmt::format("import \"m{}\"\n", i + 1) : std::string()) + fmt::format("const C{} = {}\n", i, i));
  }
  const fs::path main = write(dir / "main.play", fmt::format("import \"m0\"\nwhen health > C{} then tag \"x\"\n", n - 1));
  const auto start = std::chrono::steady_clock::now();
  const Result ok = shell("timeout 20 " + std::string(KAIROS_BINARY) + " check --schema " + schema(dir).string() + " " +
                          main.string() + " 2>&1");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(ok.status == 0, ok.out);
  BOOST_TEST(seconds < 10.0);
  // A cycle at the end of the chain is still found.
  write(dir / fmt::format("m{}.play", n - 1), fmt::format("import \"m0\"\nconst C{} = 1\n", n - 1));
  const Result cycle = shell("timeout 20 " + std::string(KAIROS_BINARY) + " check --schema " + schema(dir).string() +
                             " " + main.string() + " 2>&1");
  BOOST_TEST(cycle.status == 1, cycle.out);
  BOOST_TEST(contains(cycle.out, "error: import cycle: '"), cycle.out);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(consts_and_lets_nest_at_most_64_deep) {
  // A let defined through another, and so on, was resolved by recursion in
  // the compiler and evaluated by recursion in the VM: 100,000 of them
  // overflowed the stack (check, or run when declared in order).
  const fs::path dir = temp_dir();
  auto chain = [&](const std::string& name, const std::string& kind, int n, bool reversed) {
    std::string text;
    for (int i = 0; i < n; ++i) {
      const int uses = reversed ? i + 1 : i - 1;
      const bool last = reversed ? i + 1 == n : i == 0;
      text += fmt::format("{} v{} = {}\n", kind, i, last ? (kind == "let" ? "health" : "1") : fmt::format("v{} + 1", uses));
    }
    text += fmt::format("when v{} > health then tag \"x\"\n", reversed ? 0 : n - 1);
    return write(dir / (name + ".play"), text);
  };
  const fs::path data = write(dir / "d.jsonl", "{\"id\":\"C1\",\"health\":1}\n");
  const std::string tool = "timeout 60 " + std::string(KAIROS_BINARY);
  for (const std::string kind : {"let", "const"}) {
    for (const bool reversed : {false, true}) {
      const fs::path at_limit = chain(kind + "64", kind, 64, reversed);
      const Result ok = shell(tool + " run --quiet --schema " + schema(dir).string() + " " + at_limit.string() +
                              " --data " + data.string() + " 2>&1");
      BOOST_TEST(ok.status == 0, kind << reversed << ": " << ok.out);
      BOOST_TEST(contains(ok.out, "\"tag\":\"x\""), ok.out);
      const fs::path deep = chain(kind + "deep", kind, 100000, reversed);
      for (const char* verb : {"check", "run"}) {
        const Result r = shell(tool + " " + verb + " --schema " + schema(dir).string() + " " + deep.string() +
                               (std::string(verb) == "run" ? " --data " + data.string() : std::string()) + " 2>&1");
        BOOST_TEST(r.status == 1, kind << reversed << verb << ": " << r.out);
        BOOST_TEST(contains(r.out, "error: consts and lets are nested too deeply (limit 64)"), r.out);
        BOOST_TEST(contains(r.out, "is defined through a chain of more than 64 consts and lets"), r.out);
      }
    }
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(contains_any_and_contains_all_take_linear_time) {
  // Both compared every element of one list with every element of the
  // other: one record of 1.5 MB took 40 s while `check --verbose` promised
  // a few dozen steps. Their elements are hashed now.
  const fs::path dir = temp_dir();
  const fs::path s = write(dir / "lists.yaml", "key: id\nfields:\n  id: string\n  a: {type: list, of: string}\n"
                                                "  b: {type: list, of: string}\n  n: {type: list, of: int}\n"
                                                "  x: {type: list, of: number}\n");
  const fs::path play = write(dir / "p.play",
                              "rule any_ab when contains_any(a, b) then tag \"any_ab\"\n"
                              "rule all_aa when contains_all(a, a) then tag \"all_aa\"\n"
                              "rule all_ab when contains_all(a, b) then tag \"all_ab\"\n"
                              "rule any_nx when contains_any(n, x) then tag \"any_nx\"\n"
                              "rule all_nx when contains_all(x, n) then tag \"all_nx\"\n");
  const int n = 60000;
  std::string a, b, ints, nums;
  for (int i = 0; i < n; ++i) {
    const std::string sep = i == 0 ? "" : ",";
    a += fmt::format("{}\"a{}\"", sep, i);
    b += fmt::format("{}\"b{}\"", sep, i);
    ints += fmt::format("{}{}", sep, i);
    nums += fmt::format("{}{}.5", sep, i);
  }
  // An int equals a number of the same value: the last of x is n, as a number.
  const std::string record =
      fmt::format("{{\"id\":\"C1\",\"a\":[{}],\"b\":[{}],\"n\":[{}],\"x\":[{},{}.0]}}\n", a, b, ints, nums, n - 1);
  BOOST_REQUIRE_GT(record.size(), size_t{1} << 20);
  const fs::path data = write(dir / "d.jsonl", record);
  const auto start = std::chrono::steady_clock::now();
  const Result r = shell("timeout 120 " + std::string(KAIROS_BINARY) + " run " + play.string() + " --schema " +
                         s.string() + " --data " + data.string() + " --quiet 2>&1");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(r.status == 0, r.out);
  BOOST_TEST(!contains(r.out, "\"any_ab\""), r.out);
  BOOST_TEST(contains(r.out, "\"all_aa\""), r.out);
  BOOST_TEST(!contains(r.out, "\"all_ab\""), r.out);
  BOOST_TEST(contains(r.out, "\"any_nx\""), r.out);
  BOOST_TEST(!contains(r.out, "\"all_nx\""), r.out);
  BOOST_TEST(seconds < 15.0);  // 38 s before, in a release build
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(fmt_reads_at_most_10_mib_from_standard_input) {
  // `kairos fmt -` read standard input without limit: /dev/zero ended in bad_alloc.
  const Result r = shell("timeout 60 " + std::string(KAIROS_BINARY) + " fmt - < /dev/zero 2>&1");
  BOOST_TEST(r.status == 1, r.out);
  BOOST_TEST(contains(r.out, "-: error: cannot read playbook file: it is too large (limit 10 MiB)"), r.out);
  const Result ok = shell("printf 'when  true then tag \"x\"\\n' | " + std::string(KAIROS_BINARY) + " fmt - 2>&1");
  BOOST_TEST(ok.status == 0, ok.out);
  BOOST_TEST(contains(ok.out, "when true"), ok.out);
}
