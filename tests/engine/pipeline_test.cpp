// The run pipeline: the same bytes and counts whatever the number of threads.

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/pipeline.hpp"

namespace fs = std::filesystem;
using namespace kairos;

namespace {

struct Output {
  std::string bytes;
  std::string rejections;
  PipelineStats stats;
};

Output run_with(const Build& build, const Engine& engine, const std::string& data, int threads, OutputFormat format) {
  std::string error;
  auto input = DataInput::open(data, DataFormat::Csv, error);
  BOOST_REQUIRE_MESSAGE(input, error);
  auto reader = input->reader(*build.schema);
  PipelineOptions po;
  po.threads = threads;
  po.format = format;
  po.batch_records = 7;  // many small batches, so the ring wraps often
  Output out;
  out.stats = run_pipeline(
      build, engine.registry(), days_from_civil(2026, 1, 15), *reader, po,
      [&](std::string_view b) { out.bytes.append(b); },
      [&](const Rejection& r) { out.rejections += std::to_string(r.line) + " " + r.field + "\n"; });
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(output_is_identical_whatever_the_thread_count) {
  const fs::path dir = fs::temp_directory_path() / "kairos-pipeline-test";
  fs::create_directories(dir);
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
