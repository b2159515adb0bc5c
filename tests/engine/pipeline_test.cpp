// The run pipeline: the same bytes and counts whatever the number of threads.

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/pipeline.hpp"

namespace fs = std::filesystem;
using namespace kairos;

namespace {

struct Output {
  std::string bytes;
  std::string rejections;
  PipelineStats stats;
};

Output run_with(const Build& build, const Engine& engine, const std::string& data, int threads, OutputFormat format,
                size_t batch_records = 7, const std::function<void(std::string_view)>& write = {}) {
  std::string error;
  auto input = DataInput::open(data, format_from_path(data).value_or(DataFormat::Csv), error);
  BOOST_REQUIRE_MESSAGE(input, error);
  auto reader = input->reader(*build.schema);
  PipelineOptions po;
  po.threads = threads;
  po.format = format;
  po.batch_records = batch_records;  // small batches, so the ring wraps often
  Output out;
  out.stats = run_pipeline(
      build, engine.registry(), days_from_civil(2026, 1, 15), *reader, po,
      [&](std::string_view b) {
        if (write) write(b);
        out.bytes.append(b);
      },
      [&](const Rejection& r) {
        out.rejections += std::to_string(r.line) + " " + r.key + " " + r.field + " " + r.value + " " + r.reason + "\n";
      });
  return out;
}

/// Writes `files` (name, content) into a fresh temporary directory.
fs::path write_files(const std::string& name, const std::vector<std::pair<std::string, std::string>>& files) {
  // The process id keeps two runs of the tests at once (two build trees)
  // out of each other's files.
  const fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [file, content] : files) std::ofstream(dir / file, std::ios::binary) << content;
  return dir;
}

/// A CSV of `rows` rows mixing good rows with every kind of malformed one;
/// counts the rejections it should cause and the line of the last row.
std::string messy_csv(int rows, uint64_t seed, int& rejected, uint64_t& last_line) {
  std::mt19937_64 rng(seed);
  std::string csv = seed % 2 == 0 ? "\xEF\xBB\xBFid,health,plan,note,since\r\n" : "id,health,plan,note,since\n";
  uint64_t line = 2;
  rejected = 0;
  for (int i = 0; i < rows; ++i) {
    const std::string id = "C" + std::to_string(i);
    const std::string health = std::to_string(rng() % 101);
    const std::string plan = rng() % 3 == 0 ? "premium" : "basic";
    const std::string end = rng() % 4 == 0 ? "\r\n" : "\n";
    last_line = line;
    switch (rng() % 28) {
      case 0: csv += id + ",x" + health + "," + plan + ",bad int,2026-01-01" + end; ++rejected; break;
      case 1: csv += id + ",150," + plan + ",too big," + end; ++rejected; break;
      case 2: csv += id + "," + health + "," + plan + ",extra,2026-01-01,field" + end; ++rejected; break;
      case 3: csv += id + "," + health + end; ++rejected; break;
      case 4:
        csv += id + "," + health + "," + plan + ",\"two\nlines, \"\"quoted\"\"\",2025-12-31" + end;
        ++line;
        break;
      case 5:
        csv += id + "," + health + "," + plan + ",\"crlf\r\ninside\"" + end;
        ++rejected;  // four fields
        ++line;
        break;
      case 6: csv += end; ++line; last_line = line; csv += id + "," + health + "," + plan + ",after a blank,"  + end; break;
      case 7: csv += id + "," + health + "," + plan + ",caf\xE9," + end; ++rejected; break;
      case 8: csv += id + "," + health + "," + plan + ",caf\xC3\xA9 \xE6\x97\xA5," + end; break;
      case 9: csv += id + "," + health + "," + plan + ",\"a\"b," + end; ++rejected; break;
      case 10: csv += "," + health + "," + plan + ",no id," + end; ++rejected; break;
      case 11: csv += id + "," + health + ",gold,enum,2026-02-30" + end; ++rejected; break;
      case 12: csv += id + "," + health + "," + plan + ",\"" + std::string(5000 + rng() % 3000, 'L') + "\"," + end; break;
      case 13: csv += "\"" + id + "\"\"q\"," + health + "," + plan + ",\"\",2026-01-15" + end; break;
      case 14: csv += id + ", " + health + "," + plan + ",space,2026-01-15" + end; ++rejected; break;
      case 15: csv += id + "," + health + "," + plan + ",two CRs,2026-01-15\r\r\n"; ++rejected; break;  // date "2026-01-15\r"
      case 16: csv += id + "," + health + "," + plan + "," + std::string(4090 + rng() % 20, 'P') + ",2026-01-15" + end; break;
      case 17: csv += "x" + end; ++rejected; break;
      case 18: csv += id + "," + health + "," + plan + ",six,fields,here\r\r" + end; ++rejected; break;
      default: csv += id + "," + health + "," + plan + ",plain " + std::to_string(i) + ",2026-01-15" + end; break;
    }
    ++line;
  }
  // An unterminated quote at the end: the rest of the input is one row.
  last_line = line;
  csv += "U1,5,basic,\"open\nnever closed,\n";
  ++rejected;
  return csv;
}

}  // namespace

BOOST_AUTO_TEST_CASE(malformed_rows_read_alike_whatever_the_thread_count) {
  const fs::path dir = write_files(
      "kairos-pipeline-messy",
      {{"s.yaml",
        "key: id\nfields:\n  id: {type: string, required: true}\n  health: {type: int, min: 0, max: 100}\n"
        "  plan: {type: enum, values: [basic, premium]}\n  note: string\n  since: date\n"},
       {"p.play",
        "schema \"s.yaml\"\n"
        "rule a when health >= 50 and plan == \"premium\" then propose upgrade \"enterprise\" reason \"{note}\"\n"
        "rule b when health < 20 then task \"nurture {id} {since}\"\n"
        "rule c when true then tag \"seen {id} {note}\"\n"}});
  Engine engine;
  BuildOptions bo;
  Build build = engine.compile({(dir / "p.play").string()}, bo);
  BOOST_REQUIRE_MESSAGE(build.ok(), build.render_diagnostics());
  for (const uint64_t seed : {1u, 2u, 3u}) {
    int rejected = 0;
    uint64_t last_line = 0;
    const std::string data = (dir / ("d" + std::to_string(seed) + ".csv")).string();
    std::ofstream(data, std::ios::binary) << messy_csv(seed == 3 ? 6000 : 1500, seed, rejected, last_line);
    const Output one = run_with(build, engine, data, 1, OutputFormat::Csv);
    BOOST_TEST(one.stats.rejected == static_cast<uint64_t>(rejected));
    const std::string last = std::to_string(last_line) + " U1  U1,5,basic,\"open\nnever closed, unterminated quoted field\n";
    BOOST_TEST(one.rejections.size() > last.size());
    BOOST_TEST(one.rejections.substr(one.rejections.size() - last.size()) == last);
    for (const int threads : {2, 3}) {
      for (const size_t batch : {size_t{1}, size_t{3}, size_t{7}, size_t{64}, size_t{512}}) {
        BOOST_TEST_CONTEXT("seed " << seed << ", " << threads << " threads, batches of " << batch) {
          const Output many = run_with(build, engine, data, threads, OutputFormat::Csv, batch);
          BOOST_TEST(many.bytes == one.bytes);
          BOOST_TEST(many.rejections == one.rejections);
          BOOST_TEST(many.stats.evaluated == one.stats.evaluated);
          BOOST_TEST(many.stats.rejected == one.stats.rejected);
          BOOST_TEST(many.stats.actions == one.stats.actions);
        }
      }
    }
    const Output jsonl = run_with(build, engine, data, 1, OutputFormat::Jsonl);
    BOOST_TEST(run_with(build, engine, data, 2, OutputFormat::Jsonl, 5).bytes == jsonl.bytes);
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(output_is_identical_whatever_the_thread_count) {
  const fs::path dir = write_files("kairos-pipeline-test", {});
  {
    std::ofstream play(dir / "p.play");
    std::ofstream(dir / "s.yaml") << "key: id\nfields:\n  id: string\n  health: int\n  plan: string\n";
    play << "schema \"s.yaml\"\nlet ready = health >= 50\n"
            "rule a when ready and plan == \"premium\" then propose upgrade \"enterprise\" reason \"h {health}\"\n"
            "rule b priority 2 when health < 20 then task \"nurture\" stop\n"
            "rule c when true then tag \"seen {id}\"\n";
    std::ofstream csv(dir / "d.csv");
    csv << "id,health,plan\n";
    for (int i = 0; i < 3000; ++i) {
      if (i % 97 == 5) {
        csv << "X" << i << ",not-a-number,basic\n";  // rejected
      } else {
        csv << "C" << i << "," << (i * 37) % 101 << "," << (i % 3 ? "basic" : "premium") << "\n";
      }
    }
  }
  Engine engine;
  const std::string data = (dir / "d.csv").string();
  BuildOptions bo;
  Build build = engine.compile({(dir / "p.play").string()}, bo);
  BOOST_REQUIRE_MESSAGE(build.ok(), build.render_diagnostics());

  for (OutputFormat format : {OutputFormat::Jsonl, OutputFormat::Csv}) {
    const Output one = run_with(build, engine, data, 1, format);
    BOOST_TEST(one.stats.evaluated + one.stats.rejected == 3000u);
    BOOST_TEST(one.stats.rejected == 31u);
    BOOST_TEST(!one.bytes.empty());
    for (int threads : {2, 3, 8}) {
      const Output many = run_with(build, engine, data, threads, format);
      BOOST_TEST(many.bytes == one.bytes);
      BOOST_TEST(many.rejections == one.rejections);
      BOOST_TEST(many.stats.evaluated == one.stats.evaluated);
      BOOST_TEST(many.stats.actions == one.stats.actions);
    }
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(json_lines_read_alike_whatever_the_thread_count) {
  const fs::path dir = write_files("kairos-pipeline-jsonl", {{"s.yaml", "key: id\nfields:\n  id: string\n  health: int\n"},
                                                            {"p.play", "schema \"s.yaml\"\n"
                                                                       "rule a when health >= 50 then tag \"hi {id}\"\n"}});
  std::string jsonl;
  for (int i = 0; i < 2000; ++i) {
    jsonl += i % 89 == 3 ? "{\"id\": \"X" + std::to_string(i) + "\", \"health\": \"high\"}\n"  // rejected
                         : "{\"id\": \"C" + std::to_string(i) + "\", \"health\": " + std::to_string(i % 101) + "}\n";
  }
  std::ofstream(dir / "d.jsonl", std::ios::binary) << jsonl;
  Engine engine;
  BuildOptions bo;
  Build build = engine.compile({(dir / "p.play").string()}, bo);
  BOOST_REQUIRE_MESSAGE(build.ok(), build.render_diagnostics());
  const std::string data = (dir / "d.jsonl").string();
  const Output one = run_with(build, engine, data, 1, OutputFormat::Jsonl);
  BOOST_TEST(one.stats.rejected == 23u);
  BOOST_TEST(one.stats.evaluated == 1977u);
  for (const int threads : {2, 3}) {
    const Output many = run_with(build, engine, data, threads, OutputFormat::Jsonl, 5);
    BOOST_TEST(many.bytes == one.bytes);
    BOOST_TEST(many.rejections == one.rejections);
    BOOST_TEST(many.stats.evaluated == one.stats.evaluated);
    BOOST_TEST(many.stats.rejected == one.stats.rejected);
    BOOST_TEST(many.stats.actions == one.stats.actions);
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(what_write_throws_stops_every_thread_and_reaches_the_caller) {
  const fs::path dir = write_files("kairos-pipeline-throw", {{"s.yaml", "key: id\nfields:\n  id: string\n  health: int\n"},
                                                            {"p.play", "schema \"s.yaml\"\n"
                                                                       "rule a when true then tag \"seen {id}\"\n"}});
  std::string csv = "id,health\n", jsonl;
  for (int i = 0; i < 3000; ++i) {
    csv += "C" + std::to_string(i) + "," + std::to_string(i % 101) + "\n";
    jsonl += "{\"id\": \"C" + std::to_string(i) + "\", \"health\": " + std::to_string(i % 101) + "}\n";
  }
  std::ofstream(dir / "d.csv", std::ios::binary) << csv;
  std::ofstream(dir / "d.jsonl", std::ios::binary) << jsonl;
  Engine engine;
  BuildOptions bo;
  Build build = engine.compile({(dir / "p.play").string()}, bo);
  BOOST_REQUIRE_MESSAGE(build.ok(), build.render_diagnostics());
  for (const std::string file : {"d.csv", "d.jsonl"}) {
    const std::string data = (dir / file).string();
    const Output whole = run_with(build, engine, data, 1, OutputFormat::Jsonl);
    for (const int threads : {1, 2, 3}) {
      BOOST_TEST_CONTEXT(file << ", " << threads << " threads") {
        int calls = 0;
        std::string written;
        const auto write = [&](std::string_view b) {
          if (++calls == 5) throw std::runtime_error("disk full");
          written.append(b);
        };
        BOOST_CHECK_EXCEPTION(run_with(build, engine, data, threads, OutputFormat::Jsonl, 7, write), std::runtime_error,
                              [](const std::runtime_error& e) { return std::string(e.what()) == "disk full"; });
        BOOST_TEST(calls == 5);  // nothing is written after the failure
        BOOST_TEST(!written.empty());
        BOOST_TEST(whole.bytes.substr(0, written.size()) == written);  // the batches before it, in order
      }
    }
  }
  fs::remove_all(dir);
}
