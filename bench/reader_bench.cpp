// Micro-benchmark of the record readers: reads a data file through
// DataInput/RecordReader (parsing, conversion, checks; no playbook) and prints
// the best and median wall time of several passes.
//
//   reader_bench DATA [SCHEMA.yaml] [--runs N] [--bytes] [--format csv|jsonl|yaml]
//
// Without SCHEMA the schema is inferred. --bytes uses the byte-at-a-time CSV
// scanner instead of the block one (the reference the tests compare with).
// Example (the benchmark workload of bench/WORKLOAD.md):
//   reader_bench /tmp/kairos-bench/customers_1000000.csv /work/shared/bench/schema.yaml --runs 5

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "grammar/diagnostic.hpp"
#include "data/reader_common.hpp"
#include "data/record.hpp"
#include "data/schema.hpp"

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "reader_bench: %s\n", what.c_str());
  std::exit(2);
}

kairos::Schema load_schema(const std::string& path) {
  std::ifstream in(path);
  if (!in) die("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  kairos::grammar::SourceManager sources;
  kairos::grammar::Diagnostics diags;
  const auto schema = kairos::parse_schema(sources.add(path, text.str()), sources, diags);
  if (!schema) die("the schema " + path + " does not load");
  return *schema;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, schema_path, format_name;
  int runs = 5;
  bool bytes = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--bytes") {
      bytes = true;
    } else if (a == "--format" && i + 1 < argc) {
      format_name = argv[++i];
    } else if (data.empty()) {
      data = a;
    } else if (schema_path.empty()) {
      schema_path = a;
    } else {
      die("usage: reader_bench DATA [SCHEMA.yaml] [--runs N] [--bytes] [--format csv|jsonl|yaml]");
    }
  }
  if (data.empty()) die("usage: reader_bench DATA [SCHEMA.yaml] [--runs N] [--bytes] [--format csv|jsonl|yaml]");
  const auto format = format_name.empty() ? kairos::format_from_path(data) : kairos::format_from_name(format_name);
  if (!format) die("unknown data format");

  std::vector<double> times;
  uint64_t records = 0, rejected = 0, checksum = 0;
  for (int run = 0; run < runs; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<kairos::DataInput> input;
    if (bytes && *format == kairos::DataFormat::Csv) {
      const int fd = ::open(data.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) die("cannot open " + data);
      input = kairos::reader::open_csv(std::make_unique<kairos::reader::ByteSource>(fd, true, data),
                                       kairos::reader::CsvScanner::Bytes);
    } else {
      std::string error;
      input = kairos::DataInput::open(data, *format, error);
      if (!input) die(error);
    }
    const kairos::Schema schema = schema_path.empty() ? input->infer_schema() : load_schema(schema_path);
    auto reader = input->reader(schema);
    kairos::Record record;
    kairos::Rejection rejection;
    records = rejected = checksum = 0;
    for (;;) {
      const auto s = reader->next(record, rejection);
      if (s == kairos::RecordReader::Status::End) break;
      if (s == kairos::RecordReader::Status::Rejected) {
        ++rejected;
        continue;
      }
      ++records;
      // Touch the values so nothing is optimized away.
      for (const kairos::Value& v : record.values) checksum += static_cast<uint64_t>(v.kind) + v.size;
    }
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  std::printf("records=%llu rejected=%llu checksum=%llu  best %.3f s  median %.3f s  (%d runs%s)\n",
              static_cast<unsigned long long>(records), static_cast<unsigned long long>(rejected),
              static_cast<unsigned long long>(checksum), sorted.front(), sorted[sorted.size() / 2], runs,
              bytes ? ", byte scanner" : "");
  return 0;
}
