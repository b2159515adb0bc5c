// End-to-end tests: the kairos binary over the real exports in ../shared/data.
// The expected counts were computed independently with Python's csv module
// (see the comments beside them), not by Kairos.

#include <unistd.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Result {
  int status = -1;
  std::string out;
};

/// Runs a shell command and captures its standard output and exit status.
Result shell(const std::string& command) {
  Result r;
  FILE* p = popen(command.c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  std::array<char, 65536> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string kairos() { return KAIROS_BINARY; }
std::string source(const std::string& rel) { return std::string(KAIROS_SOURCE_DIR) + "/" + rel; }
std::string shared(const std::string& rel) { return std::string(KAIROS_SHARED_DIR) + "/" + rel; }
bool have_shared() { return fs::exists(shared("data/telco-customer-churn.csv")); }

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Actions per rule in JSON Lines output.
std::map<std::string, int> count_rules(const std::string& jsonl) {
  std::map<std::string, int> counts;
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) ++counts[nlohmann::json::parse(line).at("rule").get<std::string>()];
  }
  return counts;
}

/// A path for `name` of this process only (two runs of the tests at once,
/// from two build trees, must not share files).
std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("kairos-e2e-" + std::to_string(::getpid()) + "-" + name)).string();
}

/// Files beside `path` whose names start with its name and ".tmp": the
/// temporary files of an atomic --out.
int temporaries_beside(const std::string& path) {
  const std::string prefix = fs::path(path).filename().string() + ".tmp";
  int n = 0;
  for (const auto& e : fs::directory_iterator(fs::path(path).parent_path())) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(e2e)

BOOST_AUTO_TEST_CASE(telco_sample_with_a_schema) {
  if (!have_shared()) {
    BOOST_TEST_MESSAGE("../shared/data not found: skipped");
    return;
  }
  const std::string errors = temp_path("telco-errors.jsonl");
  const Result r = shell(kairos() + " run " + source("tests/data/telco/telco.play") + " --data " +
                         shared("data/telco-customer-churn.csv") + " --as-of 2026-01-15 --quiet --errors " + errors);
  BOOST_TEST(r.status == 0);
  // python3: csv.DictReader over the file; Contract == 'Month-to-month' and
  // int(tenure) >= 12 -> 1967; InternetService == 'Fiber optic' and
  // TechSupport == 'No' -> 2230; TotalCharges.strip() == '' -> 11;
  // SeniorCitizen == '1' and Partner == 'Yes' -> 573; MonthlyCharges >= 100
  // and tenure < 6 -> 21.
  const std::map<std::string, int> want = {
      {"yearly", 1967}, {"support", 2230}, {"new_account", 11}, {"senior_partner", 573}, {"check_in", 21}};
  BOOST_TEST(count_rules(r.out) == want);
  BOOST_TEST(read(errors).empty());  // the 11 blank TotalCharges are nulls, not rejections
}

BOOST_AUTO_TEST_CASE(telco_sample_without_a_schema_infers_types) {
  if (!have_shared()) {
    BOOST_TEST_MESSAGE("../shared/data not found: skipped");
    return;
  }
  const std::string play = temp_path("infer.play");
  std::ofstream(play) << "rule long when tenure >= 60 and Contract == \"Two year\" then tag \"loyal\"\n"
                         "rule blank when TotalCharges is null then tag \"blank\"\n"
                         "rule senior when SeniorCitizen == 1 then tag \"senior\"\n";
  const Result r = shell(kairos() + " run " + play + " --data " + shared("data/telco-customer-churn.csv") +
                         " --as-of 2026-01-15 --quiet --strict --no-facts");
  BOOST_TEST(r.status == 0);
  // python3: tenure >= 60 and Contract == 'Two year' -> 1019; blank TotalCharges -> 11;
  // SeniorCitizen == '1' -> 1142.
  const std::map<std::string, int> want = {{"long", 1019}, {"blank", 11}, {"senior", 1142}};
  BOOST_TEST(count_rules(r.out) == want);
}

BOOST_AUTO_TEST_CASE(ravenstack_subscriptions_with_true_false_flags_and_blank_dates) {
  if (!have_shared()) {
    BOOST_TEST_MESSAGE("../shared/data not found: skipped");
    return;
  }
  const Result r = shell(kairos() + " run " + source("tests/data/ravenstack/subscriptions.play") + " --data " +
                         shared("data/ravenstack/ravenstack_subscriptions.csv") + " --as-of 2026-01-15 --quiet --strict");
  BOOST_TEST(r.status == 0);
  // python3 over ravenstack_subscriptions.csv: end_date == '' and plan_tier ==
  // 'Enterprise' -> 1551; is_trial and not churn_flag -> 700; seats >= 50 and
  // not Enterprise -> 517; not auto_renew_flag and end_date == '' -> 899;
  // annual and mrr_amount >= 1000 -> 1151; end_date in 2024 -> 468.
  const std::map<std::string, int> want = {{"active_enterprise", 1551}, {"trial_convert", 700},
                                           {"seat_upgrade", 517},       {"renewal_risk", 899},
                                           {"big_annual", 1151},        {"ended_2024", 468}};
  BOOST_TEST(count_rules(r.out) == want);
}

BOOST_AUTO_TEST_CASE(csv_output_and_atomic_out_file) {
  if (!have_shared()) {
    BOOST_TEST_MESSAGE("../shared/data not found: skipped");
    return;
  }
  const std::string out = temp_path("telco.csv");
  fs::remove(out);
  const Result r = shell(kairos() + " run " + source("tests/data/telco/telco.play") + " --data " +
                         shared("data/telco-customer-churn.csv") + " --as-of 2026-01-15 --quiet --output csv --out " + out);
  BOOST_TEST(r.status == 0);
  BOOST_TEST(r.out.empty());
  const std::string csv = read(out);
  BOOST_TEST(csv.rfind("key,playbook,rule,action,kind,subject,owner,due,discount,reason,date,holdout\n", 0) == 0u);
  // Every action carries the run's as-of date; none is held out.
  BOOST_TEST(csv.find(",2026-01-15,\n") != std::string::npos);
  BOOST_TEST(std::count(csv.begin(), csv.end(), '\n') == 1 + 1967 + 2230 + 11 + 573 + 21);
  BOOST_TEST(temporaries_beside(out) == 0);

  // Again over the existing file, which is replaced whole (the names are
  // exchanged and the old file removed).
  const Result again = shell(kairos() + " run " + source("tests/data/telco/telco.play") + " --data " +
                             shared("data/telco-customer-churn.csv") + " --as-of 2026-01-15 --quiet --out " + out);
  BOOST_TEST(again.status == 0);
  const std::string jsonl = read(out);
  BOOST_TEST(jsonl.rfind("{", 0) == 0u);
  BOOST_TEST(count_rules(jsonl) == (std::map<std::string, int>{
                                        {"yearly", 1967}, {"support", 2230}, {"new_account", 11},
                                        {"senior_partner", 573}, {"check_in", 21}}));
  BOOST_TEST(temporaries_beside(out) == 0);
  fs::remove(out);
}

BOOST_AUTO_TEST_CASE(an_out_file_that_is_a_directory_is_refused_and_left_alone) {
  const std::string out = temp_path("out-dir");
  fs::remove_all(out);
  fs::create_directory(out);
  std::ofstream(out + "/inside") << "kept\n";
  const Result r = shell(kairos() + " run " + source("playbooks/expansion.play") + " --data " +
                         source("examples/customers.csv") + " --as-of 2026-01-15 --quiet --out " + out + " 2>&1");
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.out.find("cannot write '" + out + "'") != std::string::npos, r.out);
  BOOST_TEST(fs::is_directory(out));
  BOOST_TEST(read(out + "/inside") == "kept\n");
  BOOST_TEST(temporaries_beside(out) == 0);
  fs::remove_all(out);

  // A folder that does not exist: the same status, before any record is read.
  const std::string missing = out + "/no/such/folder/actions.jsonl";
  const Result m = shell(kairos() + " run " + source("playbooks/expansion.play") + " --data " +
                         source("examples/customers.csv") + " --quiet --out " + missing + " 2>&1");
  BOOST_TEST(m.status == 2);
  BOOST_TEST(m.out.find("cannot write '" + missing + "': No such file or directory") != std::string::npos, m.out);
  BOOST_TEST(m.out.find("internal error") == std::string::npos, m.out);
}

BOOST_AUTO_TEST_CASE(a_failed_run_leaves_an_existing_output_file_alone) {
  const std::string out = temp_path("kept.jsonl");
  std::ofstream(out) << "the previous output\n";
  const std::string play = temp_path("broken-kept.play");
  std::ofstream(play) << "rule r when health >= then tag \"x\"\n";
  const Result r = shell(kairos() + " run " + play + " --data " + source("tests/data/telco/telco.yaml") +
                         " --format yaml --out " + out + " 2>/dev/null");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(read(out) == "the previous output\n");
  BOOST_TEST(temporaries_beside(out) == 0);
  fs::remove(out);
  fs::remove(play);
}

BOOST_AUTO_TEST_CASE(a_failed_run_leaves_no_output_file) {
  const std::string out = temp_path("never.jsonl");
  fs::remove(out);
  const std::string play = temp_path("broken.play");
  std::ofstream(play) << "rule r when health >= then tag \"x\"\n";
  const Result r = shell(kairos() + " run " + play + " --data " + source("tests/data/telco/telco.yaml") +
                         " --format yaml --out " + out + " 2>/dev/null");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(!fs::exists(out));
}

BOOST_AUTO_TEST_CASE(exit_statuses) {
  const std::string play = temp_path("ok.play");
  std::ofstream(play) << "rule r when true then tag \"t\"\n";
  BOOST_TEST(shell(kairos() + " run " + play + " --data /nonexistent.csv 2>/dev/null").status == 2);
  BOOST_TEST(shell(kairos() + " run " + play + " --data " + play + " 2>/dev/null").status == 2);
  BOOST_TEST(shell(kairos() + " run " + play + " --data x.csv --as-of 2026-13-01 2>/dev/null").status == 2);
  BOOST_TEST(shell(kairos() + " frobnicate 2>/dev/null").status == 2);
  BOOST_TEST(shell(kairos() + " check /nonexistent.play 2>/dev/null").status == 1);
  BOOST_TEST(shell(kairos() + " check " + play).status == 0);
}

BOOST_AUTO_TEST_CASE(max_proposals_holds_across_the_playbooks_of_a_run) {
  // The four shipped playbooks together give some accounts several
  // proposals from several teams; --max-proposals 1 keeps, per record, the
  // first proposal in the order the playbooks are given, and every other
  // action. The expectation is made here from the unlimited run.
  std::string plays;
  for (const char* p : {"expansion", "cross_sell", "renewal", "advocacy"}) plays += " " + source("playbooks/" + std::string(p) + ".play");
  const std::string common = kairos() + " run" + plays + " --data " + source("examples/customers.csv") +
                             " --as-of 2026-01-15 --no-facts";
  const Result all = shell(common + " --quiet");
  BOOST_REQUIRE(all.status == 0);
  std::map<std::string, int> seen;
  std::string want;
  int several = 0;
  std::istringstream in(all.out);
  for (std::string line; std::getline(in, line);) {
    const auto a = nlohmann::json::parse(line);
    if (a.at("action") == "propose" && ++seen[a.at("key").get<std::string>()] > 1) {
      if (seen[a.at("key").get<std::string>()] == 2) ++several;
      continue;
    }
    want += line + "\n";
  }
  BOOST_TEST(several > 100);  // the limit has work to do
  const std::string summary = temp_path("max-proposals.txt");
  for (const char* threads : {"1", "2"}) {
    const Result one = shell(common + " --max-proposals 1 --threads " + threads + " 2> " + summary);
    BOOST_TEST(one.status == 0);
    BOOST_TEST(one.out == want);
    // The summary's actions per rule add up to what was written.
    const std::string text = read(summary);
    long counted = 0;
    std::istringstream lines(text);
    for (std::string l; std::getline(lines, l);) {
      const size_t colon = l.rfind(": ");
      if (l.rfind("  ", 0) == 0 && l.find(" action") != std::string::npos && colon != std::string::npos) {
        counted += std::stol(l.substr(colon + 2));
      }
    }
    BOOST_TEST(counted == static_cast<long>(std::count(want.begin(), want.end(), '\n')), text);
    BOOST_TEST(text.find("proposals dropped by --max-proposals 1") != std::string::npos, text);
  }
  fs::remove(summary);
  BOOST_TEST(shell(common + " --max-proposals 0 2>&1").status == 2);
}

BOOST_AUTO_TEST_CASE(test_fails_when_the_playbook_does_not_compile_even_without_cases) {
  const Result r = shell(kairos() + " test " + source("tests/engine/data/runner/compile_error_no_cases.yaml") +
                         " 2>/dev/null");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.out.find("0 passed, 1 failed") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(an_option_with_an_empty_value_is_a_usage_error) {
  const std::string play = source("playbooks/expansion.play");
  const std::string data = source("examples/customers.csv");
  for (const std::string& command :
       {" run " + play + " --data " + data + " --as-of ''", " explain " + play + " --data " + data + " --key C1 --as-of ''",
        " diff " + play + " " + play + " --data " + data + " --as-of ''"}) {
    const Result r = shell(kairos() + command + " 2>&1 >/dev/null");
    BOOST_TEST(r.status == 2, command);
    BOOST_TEST(r.out == "kairos: --as-of: the value is empty (leave the option out for its default)\n", command);
  }
  // The same for every option that takes a value: none silently means its default.
  for (const std::string option : {"--out", "--errors", "--schema", "--format"}) {
    const Result r = shell(kairos() + " run " + play + " --data " + data + " --as-of 2026-01-15 " + option + " '' 2>&1");
    BOOST_TEST(r.status == 2, option);
    BOOST_TEST(r.out.find("kairos: " + option + ": the value is empty") == 0u, r.out);
  }
  BOOST_TEST(shell(kairos() + " test --junit '' " + source("playbooks") + " >/dev/null 2>&1").status == 2);
  BOOST_TEST(shell(kairos() + " check --schema '' " + play + " 2>/dev/null").status == 2);
}

BOOST_AUTO_TEST_CASE(every_verb_fails_when_standard_output_cannot_be_written) {
  if (!fs::exists("/dev/full")) return;
  const std::string play = source("playbooks/expansion.play");
  const std::string data = source("examples/customers.csv");
  const std::string broken = source("tests/engine/data/runner/compile_error_no_cases.yaml");
  for (const std::string& command : {
           " run " + play + " --data " + data + " --as-of 2026-01-15 --quiet",  // more than stdio buffers
           " run " + play + " --data " + data + " --as-of 2026-01-15 --quiet --threads 2",
           " check " + play + " --format json",
           " check " + play + " --verbose",
           " fmt " + play,
           " explain " + play + " --data " + data + " --key CUS-00001 --as-of 2026-01-15",
           " diff " + play + " " + play + " --data " + data + " --as-of 2026-01-15",
           " disasm " + play,
           " test " + source("playbooks"),
           " test " + broken,
           std::string(" --help"),
       }) {
    // The last line of standard error (a broken playbook's diagnostics come first).
    const Result r = shell(kairos() + command + " 2>&1 >/dev/full | tail -n 1");
    BOOST_TEST(r.out == "kairos: cannot write standard output: No space left on device\n", command);
    const Result s = shell(kairos() + command + " >/dev/full 2>/dev/null");
    BOOST_TEST(s.status == 2, command);
  }
  // A little output, all of it still in stdio's buffer at the end.
  const std::string small = temp_path("small.play");
  std::ofstream(small) << "rule r when true then tag \"t\"\n";
  const Result r = shell(kairos() + " run " + small + " --data " + data + " --as-of 2026-01-15 --quiet " +
                         "--no-facts 2>&1 >/dev/full");
  BOOST_TEST(r.out == "kairos: cannot write standard output: No space left on device\n");
  BOOST_TEST(shell(kairos() + " fmt " + small + " >/dev/full 2>/dev/null").status == 2);
  fs::remove(small);
}

BOOST_AUTO_TEST_CASE(an_import_cycle_through_the_main_playbook_is_reported_where_it_closes) {
  const fs::path dir = temp_path("cycle");
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a.play") << "import \"b.play\"\nconst A = 1\nrule r when A == B then tag \"x\"\n";
  std::ofstream(dir / "b.play") << "import \"./a\"\nconst B = 2\n";
  const Result r = shell(kairos() + " check " + (dir / "a.play").string() + " 2>&1");
  BOOST_TEST(r.status == 1);
  const std::string a = (dir / "a.play").string(), b = (dir / "b.play").string();
  BOOST_TEST(r.out.find(b + ":1:1: error: import cycle: '" + a + "' imports '" + b + "', which imports '" + a + "'") !=
                 std::string::npos,
             r.out);
  BOOST_TEST(r.out.find("already defined") == std::string::npos, r.out);
  BOOST_TEST(r.out.find("1 error,") != std::string::npos, r.out);

  // Three files, the main one named by another spelling of its path.
  std::ofstream(dir / "b.play") << "import \"c.play\"\nconst B = 2\n";
  std::ofstream(dir / "c.play") << "import \"" << fs::absolute(dir / "a.play").string() << "\"\n";
  const Result three = shell("cd " + dir.string() + " && " + kairos() + " check ./a.play 2>&1");
  BOOST_TEST(three.status == 1);
  BOOST_TEST(three.out.find("c.play:1:1: error: import cycle: './a.play' imports 'b.play', which imports 'c.play', "
                            "which imports './a.play'") != std::string::npos,
             three.out);
  BOOST_TEST(three.out.find("already defined") == std::string::npos, three.out);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(explain_shows_every_record_with_the_key_and_says_so) {
  const std::string play = temp_path("dup.play"), schema = temp_path("dup.yaml"), data = temp_path("dup.csv");
  std::ofstream(play) << "rule r when health > 1 then tag \"t\"\n";
  std::ofstream(schema) << "key: id\nfields:\n  id: string\n  health: int\n";
  std::ofstream(data) << "id,health\nA,1\nB,5\nA,2\nA,x\n";
  const std::string base = kairos() + " explain " + play + " --schema " + schema + " --data " + data + " --as-of 2026-01-15";
  const Result note = shell(base + " --key A 2>&1 >/dev/null");
  BOOST_TEST(note.status == 1);  // one of them is rejected
  BOOST_TEST(note.out == "kairos: 3 records in " + data +
                             " have the key 'A' (lines 2, 4, 5); each is explained, in file order\n");
  const Result text = shell(base + " --key A 2>/dev/null");
  BOOST_TEST(text.out.find("== record 1 of 3 with the key 'A', line 2 ==\nrecord A in playbook") == 0u, text.out);
  BOOST_TEST(text.out.find("== record 2 of 3 with the key 'A', line 4 ==") != std::string::npos, text.out);
  BOOST_TEST(text.out.find("rule r: fired") != std::string::npos, text.out);
  BOOST_TEST(text.out.find("== record 3 of 3 with the key 'A', line 5 ==\nrejected, so no rule runs on it: field "
                           "'health', value 'x': not an int") != std::string::npos,
             text.out);
  const Result json = shell(base + " --key A --format json 2>/dev/null");
  const nlohmann::json j = nlohmann::json::parse(json.out);
  BOOST_TEST_REQUIRE(j.is_array());
  BOOST_TEST_REQUIRE(j.size() == 3u);
  BOOST_TEST(j[0]["line"] == 2);
  BOOST_TEST(j[0]["rules"][0]["fired"] == false);
  BOOST_TEST(j[1]["line"] == 4);
  BOOST_TEST(j[1]["rules"][0]["fired"] == true);
  BOOST_TEST(j[2]["rejected"] == "field 'health', value 'x': not an int");

  // A key that appears once: one object, as before, with its line.
  const Result once = shell(base + " --key B --format json 2>&1");
  BOOST_TEST(once.status == 0);
  const nlohmann::json b = nlohmann::json::parse(once.out);
  BOOST_TEST(b["key"] == "B");
  BOOST_TEST(b["line"] == 3);
  // Twice, both explained: status 0.
  std::ofstream(data) << "id,health\nA,1\nA,2\n";
  BOOST_TEST(shell(base + " --key A >/dev/null 2>&1").status == 0);
  for (const std::string& f : {play, schema, data}) fs::remove(f);
}

BOOST_AUTO_TEST_CASE(a_read_error_while_inferring_the_schema_is_a_data_error) {
  // Reading /proc/self/mem at offset 0 fails with EIO: a data file that
  // opens but cannot be read. Without a schema its fields would be inferred.
  if (!fs::exists("/proc/self/mem")) return;
  const std::string play = temp_path("infer-eio.play");
  std::ofstream(play) << "rule r when health > 1 then tag \"t\"\n";
  for (const std::string format : {"csv", "jsonl", "yaml"}) {
    for (const std::string& command :
         {" run " + play + " --data /proc/self/mem --as-of 2026-01-15 --format " + format,
          " explain " + play + " --data /proc/self/mem --key A --as-of 2026-01-15 --data-format " + format,
          " diff " + play + " " + play + " --data /proc/self/mem --as-of 2026-01-15 --data-format " + format}) {
      const Result r = shell(kairos() + command + " 2>&1");
      BOOST_TEST(r.status == 2, command);
      BOOST_TEST(r.out == "kairos: cannot read '/proc/self/mem' at byte 0: Input/output error\n", command);
    }
  }
  fs::remove(play);
}

BOOST_AUTO_TEST_CASE(a_csv_header_naming_a_column_twice_is_an_error_of_the_file) {
  const std::string play = temp_path("dup-header.play"), data = temp_path("dup-header.csv");
  std::ofstream(play) << "rule r when n > 0 then tag \"t\"\n";
  std::ofstream(data) << "id,n,x,n\nA,1,2,3\n";
  const std::string message =
      "kairos: " + data + ": the CSV header names the column 'n' twice (columns 2 and 4)\n";
  for (const std::string& command :
       {" run " + play + " --data " + data + " --as-of 2026-01-15", " run " + play + " --data - --format csv < " + data,
        " explain " + play + " --data " + data + " --key A --as-of 2026-01-15",
        " diff " + play + " " + play + " --data " + data + " --as-of 2026-01-15"}) {
    const Result r = shell(kairos() + command + " 2>&1");
    BOOST_TEST(r.status == 2, command);
    if (command.find("--data -") == std::string::npos) {
      BOOST_TEST(r.out == message, command);
    } else {
      BOOST_TEST(r.out == "kairos: standard input: the CSV header names the column 'n' twice (columns 2 and 4)\n");
    }
  }
  fs::remove(play);
  fs::remove(data);
}

BOOST_AUTO_TEST_SUITE_END()
