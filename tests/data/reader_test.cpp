// Record readers: CSV, JSON Lines and YAML edge cases, rejections, type
// inference, streaming of large inputs and standard input, and the real data
// files under ../shared/data (expected numbers computed with Python's csv module).

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include "grammar/diagnostic.hpp"
#include "data/convert.hpp"
#include "data/reader_common.hpp"
#include "data/record.hpp"

#ifndef KAIROS_SHARED_DIR
#define KAIROS_SHARED_DIR "/work/shared"
#endif

BOOST_TEST_DONT_PRINT_LOG_VALUE(kairos::RecordReader::Status)
BOOST_TEST_DONT_PRINT_LOG_VALUE(kairos::DataFormat)

namespace {

using kairos::DataFormat;
using kairos::DataInput;
using kairos::Record;
using kairos::RecordReader;
using kairos::Rejection;
using kairos::Schema;
using kairos::TypeKind;
using kairos::Value;
using kairos::ValueKind;
using Status = RecordReader::Status;
using Lines = std::vector<std::string>;

struct TempFile {
  std::string path;
  TempFile(std::string_view content, const std::string& ext) {
    static int counter = 0;
    path = fmt::format("/tmp/kairos_reader_test_{}_{}.{}", ::getpid(), counter++, ext);
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  ~TempFile() { std::remove(path.c_str()); }
};

Schema schema_of(const std::string& yaml) {
  kairos::grammar::SourceManager sources;
  kairos::grammar::Diagnostics diags;
  const auto schema = kairos::parse_schema(sources.add("test.yaml", yaml), sources, diags);
  BOOST_REQUIRE_MESSAGE(schema, "schema does not load");
  return *schema;
}

std::string show(const Value& v) {
  switch (v.kind) {
    case ValueKind::Null: return "null";
    case ValueKind::Bool: return v.b ? "true" : "false";
    case ValueKind::Int: return std::to_string(v.i);
    case ValueKind::Number: return fmt::format("num:{}", v.n);
    case ValueKind::Date: {
      char buf[16];
      return std::string(buf, kairos::format_iso_date(v.d, buf));
    }
    case ValueKind::String: return fmt::format("\"{}\"", v.str());
    case ValueKind::List: {
      std::string out = "[";
      for (uint32_t i = 0; i < v.size; ++i) out += (i > 0 ? "," : "") + show(v.l[i]);
      return out + "]";
    }
  }
  return "?";
}

std::string show(const Record& r, const Schema& s) {
  std::string out = fmt::format("{}:", r.line);
  for (size_t i = 0; i < s.fields.size(); ++i) out += fmt::format(" {}={}", s.fields[i].name, show(r.values[i]));
  return out;
}

std::string show(const Rejection& r) {
  return fmt::format("{}: rejected key={} field={} value={} reason={}", r.line, r.key, r.field, r.value, r.reason);
}

/// Every record and rejection of a reader that splits, read through
/// read_raw() in batches of at most `max_rows` rows and convert().
Lines read_split(RecordReader& reader, const Schema& schema, size_t max_rows) {
  Lines out;
  kairos::RawRows raw;
  Record record;
  Rejection rejection;
  uint64_t index = 0;
  while (reader.read_raw(raw, max_rows) > 0) {
    BOOST_TEST(raw.rows.size() <= max_rows);
    for (size_t i = 0; i < raw.rows.size(); ++i) {
      const Status s = reader.convert(raw, i, record, rejection);
      BOOST_REQUIRE(s != Status::End);
      ++index;
      if (s == Status::Record) {
        BOOST_TEST(record.index == index);
        BOOST_TEST(record.values.size() == schema.fields.size());
        out.push_back(show(record, schema));
      } else {
        out.push_back(show(rejection));
      }
    }
  }
  BOOST_TEST(reader.read_raw(raw, max_rows) == 0u);
  if (const std::string failure = reader.failure(); !failure.empty()) out.push_back("failure: " + failure);
  return out;
}

/// Every record and rejection of an input, in order. When the reader splits
/// and the input can be read again, reading in two stages (in batches of 3
/// rows) must give the same.
Lines read_input(DataInput& input, const Schema& schema) {
  Lines out;
  auto reader = input.reader(schema);
  Record record;
  Rejection rejection;
  uint64_t index = 0;
  for (;;) {
    const Status s = reader->next(record, rejection);
    if (s == Status::End) break;
    ++index;
    if (s == Status::Record) {
      BOOST_TEST(record.index == index);
      BOOST_TEST(record.values.size() == schema.fields.size());
      out.push_back(show(record, schema));
    } else {
      out.push_back(show(rejection));
    }
  }
  if (const std::string failure = reader->failure(); !failure.empty()) out.push_back("failure: " + failure);
  if (reader->splits()) {
    std::unique_ptr<RecordReader> again;
    try {
      again = input.reader(schema);
    } catch (const std::logic_error&) {
      return out;  // standard input or a pipe: read once only
    }
    BOOST_TEST(read_split(*again, schema, 3) == out, boost::test_tools::per_element());
  }
  return out;
}

std::unique_ptr<DataInput> open_text(const TempFile& file, DataFormat format) {
  std::string error;
  auto input = DataInput::open(file.path, format, error);
  BOOST_REQUIRE_MESSAGE(input, error);
  return input;
}

Lines read_text(std::string_view text, DataFormat format, const std::string& schema_yaml) {
  const TempFile file(text, "data");
  const Schema schema = schema_of(schema_yaml);
  return read_input(*open_text(file, format), schema);
}

/// Reads with an inferred schema, which is returned through `schema`.
Lines read_inferred(std::string_view text, DataFormat format, Schema& schema) {
  const TempFile file(text, "data");
  auto input = open_text(file, format);
  schema = input->infer_schema();
  return read_input(*input, schema);
}

std::string types_of(const Schema& s) {
  std::string out;
  for (const auto& f : s.fields) out += fmt::format("{}{}:{}", out.empty() ? "" : " ", f.name, kairos::type_name(f.type));
  return out;
}

#define CHECK_LINES(actual, ...) BOOST_TEST((actual) == (Lines{__VA_ARGS__}), boost::test_tools::per_element())

}  // namespace

BOOST_AUTO_TEST_SUITE(csv)

BOOST_AUTO_TEST_CASE(quotes_and_line_numbers) {
  const Lines out = read_text(
      "id,note,n\n"
      "A1,\"hello, world\",1\n"
      "A2,\"she said \"\"hi\"\"\",2\n"
      "A3,\"two\nlines\",3\n"
      "A4,\"crlf\r\ninside\",4\r\n"
      "A5,\"\",5\n"
      "A6,plain,6",
      DataFormat::Csv, "fields: {id: string, note: string, n: int}");
  CHECK_LINES(out, "2: id=\"A1\" note=\"hello, world\" n=1", "3: id=\"A2\" note=\"she said \"hi\"\" n=2",
              "4: id=\"A3\" note=\"two\nlines\" n=3", "6: id=\"A4\" note=\"crlf\r\ninside\" n=4",
              "8: id=\"A5\" note=null n=5", "9: id=\"A6\" note=\"plain\" n=6");
}

BOOST_AUTO_TEST_CASE(bom_crlf_blank_lines_and_whitespace) {
  const Lines out = read_text("\xEF\xBB\xBFid,n\r\nB1,1\r\n\r\nB2,   \r\nB3, 5\r\n\r\n", DataFormat::Csv,
                              "fields: {id: string, n: int}");
  CHECK_LINES(out, "2: id=\"B1\" n=1", "4: id=\"B2\" n=null",
              "5: rejected key=B3 field=n value= 5 reason=not an int");
}

BOOST_AUTO_TEST_CASE(malformed_rows) {
  const Lines out = read_text("id,n\nC1,1\nC2,2,3\nC3\nC4,\"open\n5\n", DataFormat::Csv,
                              "fields: {id: string, n: int}");
  CHECK_LINES(out, "2: id=\"C1\" n=1", "3: rejected key=C2 field= value=C2,2,3 reason=row has 3 fields, the header has 2",
              "4: rejected key=C3 field= value=C3 reason=row has 1 field, the header has 2",
              "5: rejected key=C4 field= value=C4,\"open\n5 reason=unterminated quoted field");
  const Lines later = read_text("id,n\nC1,\"1\nC2,2\n", DataFormat::Csv, "fields: {id: string, n: int}");
  CHECK_LINES(later, "2: rejected key=C1 field= value=C1,\"1\nC2,2 reason=unterminated quoted field");
  const Lines after_quote = read_text("id,note\nG1,a\"b\nG2,\"x\"y\nG3,ok\n", DataFormat::Csv,
                                      "fields: {id: string, note: string}");
  CHECK_LINES(after_quote, "2: id=\"G1\" note=\"a\"b\"",
              "3: rejected key=G2 field=note value=G2,\"x\"y reason=text after the closing quote of a quoted field",
              "4: id=\"G3\" note=\"ok\"");
}

BOOST_AUTO_TEST_CASE(invalid_utf8) {
  const Lines out = read_text("id,name\nD1,caf\xE9\nD2,café\nD3,\xED\xA0\x80\n", DataFormat::Csv,
                              "fields: {id: string, name: string}");
  CHECK_LINES(out, "2: rejected key=D1 field=name value=caf\xEF\xBF\xBD reason=invalid UTF-8", "3: id=\"D2\" name=\"café\"",
              "4: rejected key=D3 field=name value=\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD reason=invalid UTF-8");
}

BOOST_AUTO_TEST_CASE(bool_spellings) {
  const Lines out = read_text("b\ntrue\nTRUE\nFalse\nyes\nNo\n1\n0\nY\n", DataFormat::Csv, "fields: {b: bool}");
  CHECK_LINES(out, "2: b=true", "3: b=true", "4: b=false", "5: b=true", "6: b=false", "7: b=true", "8: b=false",
              "9: rejected key=Y field=b value=Y reason=not a bool (true/false, yes/no or 1/0)");
}

BOOST_AUTO_TEST_CASE(bad_values) {
  const Lines out = read_text(
      "id,health,phase,mrr,since\n"
      "E1,50,adoption,10.5,2026-01-31\n"
      "E2,101,adoption,1,\n"
      "E3,-1,adoption,1,\n"
      "E4,abc,adoption,1,\n"
      "E5,99999999999999999999,adoption,1,\n"
      "E6,5,adoptoin,1,\n"
      ",5,adoption,1,\n"
      "E8,5,Adoption,1,\n"
      "E9,5,,-0.5,\n"
      "E10,5,,1e3,2026-02-29\n"
      "E11,5,,+2.5,\n"
      "E12,5,,nan,\n",
      DataFormat::Csv,
      "fields:\n  id: {type: string, required: true}\n  health: {type: int, min: 0, max: 100}\n"
      "  phase: {type: enum, values: [onboarding, adoption, expansion, renewal]}\n  mrr: {type: number, min: 0}\n"
      "  since: date\n");
  CHECK_LINES(out, "2: id=\"E1\" health=50 phase=\"adoption\" mrr=num:10.5 since=2026-01-31",
              "3: rejected key=E2 field=health value=101 reason=above the maximum 100",
              "4: rejected key=E3 field=health value=-1 reason=below the minimum 0",
              "5: rejected key=E4 field=health value=abc reason=not an int",
              "6: rejected key=E5 field=health value=99999999999999999999 reason=not an int (outside the 64-bit range)",
              "7: rejected key=E6 field=phase value=adoptoin reason=not a declared value (onboarding, adoption, "
              "expansion, renewal) (did you mean 'adoption'?)",
              "8: rejected key= field=id value= reason=required field is missing",
              "9: rejected key=E8 field=phase value=Adoption reason=not a declared value (onboarding, adoption, "
              "expansion, renewal) (did you mean 'adoption'?)",
              "10: rejected key=E9 field=mrr value=-0.5 reason=below the minimum 0",
              "11: rejected key=E10 field=since value=2026-02-29 reason=not a date (YYYY-MM-DD)",
              "12: id=\"E11\" health=5 phase=null mrr=num:2.5 since=null",
              "13: rejected key=E12 field=mrr value=nan reason=not a number");
}

BOOST_AUTO_TEST_CASE(int_limits) {
  const Lines out = read_text("n\n9223372036854775807\n-9223372036854775808\n9223372036854775808\n-\n007\n",
                              DataFormat::Csv, "fields: {n: int}");
  CHECK_LINES(out, "2: n=9223372036854775807", "3: n=-9223372036854775808",
              "4: rejected key=9223372036854775808 field=n value=9223372036854775808 reason=not an int (outside the "
              "64-bit range)",
              "5: rejected key=- field=n value=- reason=not an int", "6: n=7");
}

BOOST_AUTO_TEST_CASE(lists) {
  const Lines out = read_text("id,products,counts,tiers\nF1,\"crm; ma;\",1|2|3,gold\nF2,,  ,\nF3,crm,1|x,gold\n"
                              "F4,crm,1,gold;bronze\n",
                              DataFormat::Csv,
                              "fields:\n  id: string\n  products: list\n  counts: {type: list, of: int, separator: '|'}\n"
                              "  tiers: {type: list, of: enum, values: [gold, silver]}\n");
  CHECK_LINES(out, "2: id=\"F1\" products=[\"crm\",\"ma\"] counts=[1,2,3] tiers=[\"gold\"]",
              "3: id=\"F2\" products=null counts=null tiers=null",
              "4: rejected key=F3 field=counts value=1|x reason=list item 'x': not an int",
              "5: rejected key=F4 field=tiers value=gold;bronze reason=list item 'bronze': not a declared value (gold, "
              "silver)");
}

BOOST_AUTO_TEST_CASE(columns_by_source) {
  const std::string data = "顧客ID,Account Name,extra\nH1,Acme,ignored\nH2,\"Beta, Inc\",x\n";
  const Lines out = read_text(data, DataFormat::Csv,
                              "fields:\n  id: {type: string, column: 顧客ID}\n  account: {type: string, column: Account Name}\n"
                              "  region: {type: string, optional: true}\n");
  CHECK_LINES(out, "2: id=\"H1\" account=\"Acme\" region=null", "3: id=\"H2\" account=\"Beta, Inc\" region=null");
  const Lines required = read_text(data, DataFormat::Csv,
                                   "fields:\n  id: {type: string, column: 顧客ID}\n"
                                   "  region: {type: string, required: true, optional: true}\n");
  CHECK_LINES(required, "2: rejected key=H1 field=region value= reason=required field is missing",
              "3: rejected key=H2 field=region value= reason=required field is missing");
}

BOOST_AUTO_TEST_CASE(a_missing_column_is_an_error_of_the_file) {
  // Every value of the field would be null and every rule would quietly
  // give nothing: the file does not fit the schema, before any record.
  const auto failure_of = [](const std::string& data, const std::string& schema) {
    const Lines out = read_text(data, DataFormat::Csv, schema);
    BOOST_REQUIRE_EQUAL(out.size(), 1u);
    BOOST_TEST(out[0].rfind("failure: cannot read '/tmp/kairos_reader_test_", 0) == 0, out[0]);
    return out[0].substr(out[0].find("': ") + 3);
  };
  BOOST_TEST(failure_of("Customer ID,Health Score,Phase\nC1,80,adoption\n",
                        "fields:\n  customer_id: string\n  health: int\n  Phase: string\n") ==
             "the header (line 1) has no column 'customer_id' for field 'customer_id' (did you mean 'Customer ID'?); "
             "no column 'health' for field 'health' (did you mean 'Health Score'?); a field whose column may be "
             "absent is marked 'optional: true' in the schema");
  BOOST_TEST(failure_of("id;health\nC1;80\n", "fields:\n  id: string\n  health: int\n") ==
             "the header (line 1) has no column 'id' for field 'id'; no column 'health' for field 'health'; the header "
             "is one column holding semicolons: the file looks separated by semicolons, not by commas; a field whose "
             "column may be absent is marked 'optional: true' in the schema");
}

BOOST_AUTO_TEST_CASE(empty_inputs) {
  Schema s;
  BOOST_TEST(read_inferred("", DataFormat::Csv, s).empty());
  BOOST_TEST(s.fields.empty());
  BOOST_TEST(read_inferred("a,b\r\n", DataFormat::Csv, s).empty());
  BOOST_TEST(types_of(s) == "a:string b:string");
  BOOST_TEST(read_text("a\n\n\n", DataFormat::Csv, "fields: {a: int}").empty());
  CHECK_LINES(read_text("a\n\"\"\n", DataFormat::Csv, "fields: {a: int}"), "2: a=null");
}

BOOST_AUTO_TEST_CASE(records_own_their_values) {
  const TempFile file("id,note\nR1,\"a \"\"quoted\"\" note\"\nR2,second\n", "csv");
  const Schema schema = schema_of("fields: {id: string, note: string}");
  auto input = open_text(file, DataFormat::Csv);
  auto reader = input->reader(schema);
  Record first, second;
  Rejection rejection;
  BOOST_REQUIRE(reader->next(first, rejection) == Status::Record);
  BOOST_REQUIRE(reader->next(second, rejection) == Status::Record);
  BOOST_TEST(reader->next(second, rejection) == Status::End);
  BOOST_TEST(first.values[1].str() == "a \"quoted\" note");
  BOOST_TEST(first.values[0].str() == "R1");
  BOOST_TEST(second.values[1].str() == "second");
}

BOOST_AUTO_TEST_CASE(inference) {
  Schema s;
  const Lines out = read_inferred(
      "id,i,n,b,d,s,e,Account Name\nX1,1,1.5,true,2026-01-01,abc,,x\nX2,-2,2,FALSE,2026-02-28,12,   ,y\n",
      DataFormat::Csv, s);
  BOOST_TEST(types_of(s) == "id:string i:int n:number b:bool d:date s:string e:string Account Name:string");
  BOOST_TEST(s.key == 0u);
  BOOST_TEST(s.path.empty());
  BOOST_TEST(s.fields[7].source == "Account Name");
  CHECK_LINES(out,
              "2: id=\"X1\" i=1 n=num:1.5 b=true d=2026-01-01 s=\"abc\" e=null Account Name=\"x\"",
              "3: id=\"X2\" i=-2 n=num:2 b=false d=2026-02-28 s=\"12\" e=null Account Name=\"y\"");
}

BOOST_AUTO_TEST_CASE(inference_looks_at_the_first_1000_values) {
  std::string data = "id,n\n";
  for (int i = 0; i < 1000; ++i) data += fmt::format("r{},{}\n", i, i);
  data += "late,1.5\nlast,7\n";
  Schema s;
  const Lines out = read_inferred(data, DataFormat::Csv, s);
  BOOST_TEST(types_of(s) == "id:string n:int");
  BOOST_REQUIRE(out.size() == 1002u);
  BOOST_TEST(out[1000] == "1002: rejected key=late field=n value=1.5 reason=not an int");
  BOOST_TEST(out[1001] == "1003: id=\"last\" n=7");

  std::string early = "id,n\n";
  for (int i = 0; i < 999; ++i) early += fmt::format("r{},{}\n", i, i);
  early += "late,1.5\n";
  read_inferred(early, DataFormat::Csv, s);
  BOOST_TEST(types_of(s) == "id:string n:number");
}

BOOST_AUTO_TEST_CASE(empty_header_names_are_left_out) {
  Schema s;
  const Lines out = read_inferred("a,,b,\n1,2,3,4\n", DataFormat::Csv, s);
  BOOST_TEST(types_of(s) == "a:int b:int");
  CHECK_LINES(out, "2: a=1 b=3");
}

BOOST_AUTO_TEST_CASE(a_header_that_names_a_column_twice_is_an_error_of_the_file) {
  // Whether the schema is inferred or given, and whether or not the schema
  // reads the column: a guess about which column is meant would be silent.
  const TempFile file("a,b,c,b\n1,2,3,4\n", "csv");
  const std::string message =
      file.path + ": the CSV header names the column 'b' twice (columns 2 and 4)";
  const auto is_it = [&](const kairos::DataError& e) {
    BOOST_TEST(std::string(e.what()) == message);
    return true;
  };
  BOOST_CHECK_EXCEPTION(open_text(file, DataFormat::Csv)->infer_schema(), kairos::DataError, is_it);
  for (const char* schema : {"fields:\n  b: int\n", "fields:\n  a: int\n"}) {
    const Schema s = schema_of(schema);
    BOOST_CHECK_EXCEPTION(open_text(file, DataFormat::Csv)->reader(s), kairos::DataError, is_it);
  }
}

BOOST_AUTO_TEST_CASE(read_twice_from_a_file) {
  const TempFile file("id\nA\nB\n", "csv");
  auto input = open_text(file, DataFormat::Csv);
  const Schema s = input->infer_schema();
  BOOST_TEST(read_input(*input, s).size() == 2u);
  BOOST_TEST(read_input(*input, s).size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(formats)

BOOST_AUTO_TEST_CASE(names_and_extensions) {
  BOOST_TEST((kairos::format_from_path("data/x.csv") == DataFormat::Csv));
  BOOST_TEST((kairos::format_from_path("x.CSV") == DataFormat::Csv));
  BOOST_TEST((kairos::format_from_path("x.jsonl") == DataFormat::Jsonl));
  BOOST_TEST((kairos::format_from_path("x.ndjson") == DataFormat::Jsonl));
  BOOST_TEST((kairos::format_from_path("x.yaml") == DataFormat::Yaml));
  BOOST_TEST((kairos::format_from_path("x.yml") == DataFormat::Yaml));
  BOOST_TEST(!kairos::format_from_path("x.json"));
  BOOST_TEST(!kairos::format_from_path("dir.csv/x"));
  BOOST_TEST(!kairos::format_from_path("-"));
  BOOST_TEST((kairos::format_from_name("json") == DataFormat::Jsonl));
  BOOST_TEST((kairos::format_from_name("ndjson") == DataFormat::Jsonl));
  BOOST_TEST((kairos::format_from_name("yml") == DataFormat::Yaml));
  BOOST_TEST((kairos::format_from_name("csv") == DataFormat::Csv));
  BOOST_TEST(!kairos::format_from_name("xml"));
}

BOOST_AUTO_TEST_CASE(open_failures) {
  std::string error;
  BOOST_TEST(!DataInput::open("/nonexistent/x.csv", DataFormat::Csv, error));
  BOOST_TEST(error == "cannot open data file '/nonexistent/x.csv': No such file or directory");
  BOOST_TEST(!DataInput::open("/tmp", DataFormat::Csv, error));
  BOOST_TEST(error == "cannot open data file '/tmp': Is a directory");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jsonl)

const char* kJsonSchema =
    "fields:\n  id: string\n  usage.seats.used: int\n  products: list\n  health: int\n  mrr: number\n"
    "  active: bool\n  renew: date\n  phase: {type: enum, values: [adoption, renewal]}\n";

BOOST_AUTO_TEST_CASE(nested_paths_arrays_and_nulls) {
  const Lines out = read_text(
      "{\"id\":\"J1\",\"usage\":{\"seats\":{\"used\":9}},\"products\":[\"crm\",\"ma\"],\"health\":85,\"mrr\":10,"
      "\"active\":true,\"renew\":\"2026-02-24\",\"phase\":\"adoption\"}\n"
      "{\"id\":\"J2\",\"usage\":{\"seats\":{}},\"products\":[],\"health\":null,\"mrr\":2.5,\"phase\":\"  \"}\r\n"
      "\n"
      "   \n"
      "{\"id\":\"J3\",\"usage\":null,\"products\":[null,\"x\"],\"unknown\":{\"deep\":[1]}}",
      DataFormat::Jsonl, kJsonSchema);
  CHECK_LINES(out,
              "1: id=\"J1\" usage.seats.used=9 products=[\"crm\",\"ma\"] health=85 mrr=num:10 active=true "
              "renew=2026-02-24 phase=\"adoption\"",
              "2: id=\"J2\" usage.seats.used=null products=[] health=null mrr=num:2.5 active=null renew=null phase=null",
              "5: id=\"J3\" usage.seats.used=null products=[\"x\"] health=null mrr=null active=null renew=null "
              "phase=null");
}

BOOST_AUTO_TEST_CASE(nul_byte_rejects_its_line) {
  // The JSON parser stops at a NUL byte: what follows it on the line (here
  // a second object) must not be lost without a word.
  using namespace std::string_literals;
  const Lines out = read_text("{\"id\":\"N1\"}\0{\"id\":\"N2\"}\n{\"id\":\"N3\",\"health\":1\0}\n{\"id\":\"N4\"}\n"s,
                              DataFormat::Jsonl, kJsonSchema);
  CHECK_LINES(out,
              "1: rejected key= field= value={\"id\":\"N1\"}\0{\"id\":\"N2\"} reason=a NUL byte at column 12: JSON "
              "text cannot hold one (write \\u0000 inside a string)"s,
              "2: rejected key= field= value={\"id\":\"N3\",\"health\":1\0} reason=a NUL byte at column 22: JSON "
              "text cannot hold one (write \\u0000 inside a string)"s,
              "3: id=\"N4\" usage.seats.used=null products=null health=null mrr=null active=null renew=null phase=null");
}

BOOST_AUTO_TEST_CASE(wrong_json_types) {
  const Lines out = read_text(
      "{\"id\":\"K1\",\"health\":\"85\"}\n"
      "{\"id\":\"K2\",\"products\":\"crm\"}\n"
      "{\"id\":\"K3\",\"health\":1.5}\n"
      "{\"id\":5}\n"
      "{\"id\":\"K5\",\"usage\":{\"seats\":5}}\n"
      "{\"id\":\"K6\",\"health\":{\"a\":1}}\n"
      "{\"id\":\"K7\",\"products\":[\"crm\",3]}\n"
      "{\"id\":\"K8\",\"renew\":\"2026-02-30\"}\n"
      "{\"id\":\"K9\",\"active\":\"yes\"}\n"
      "{\"id\":\"K10\",\"health\":18446744073709551615}\n"
      "{\"id\":\"K11\",\"phase\":\"expansion\"}\n"
      "{\"id\":\"K12\",\"mrr\":7,\"health\":-3}\n",
      DataFormat::Jsonl, kJsonSchema);
  CHECK_LINES(out, "1: rejected key=K1 field=health value=85 reason=expected an int, found a JSON string",
              "2: rejected key=K2 field=products value=crm reason=expected a list, found a JSON string",
              "3: rejected key=K3 field=health value=1.5 reason=not an int",
              "4: rejected key=5 field=id value=5 reason=expected a string, found a JSON number",
              "5: rejected key=K5 field=usage.seats.used value=5 reason=expected an object at 'usage.seats', found a "
              "JSON number",
              "6: rejected key=K6 field=health value={\"a\":1} reason=expected an int, found a JSON object",
              "7: rejected key=K7 field=products value=[\"crm\",3] reason=list item 2: expected a string, found a "
              "JSON number",
              "8: rejected key=K8 field=renew value=2026-02-30 reason=not a date (YYYY-MM-DD)",
              "9: rejected key=K9 field=active value=yes reason=expected a bool, found a JSON string",
              "10: rejected key=K10 field=health value=18446744073709551615 reason=not an int (outside the 64-bit "
              "range)",
              "11: rejected key=K11 field=phase value=expansion reason=not a declared value (adoption, renewal)",
              "12: id=\"K12\" usage.seats.used=null products=null health=-3 mrr=num:7 active=null renew=null "
              "phase=null");
}

BOOST_AUTO_TEST_CASE(malformed_lines) {
  const Lines out = read_text(
      "{\"id\": \"L1\",\n"
      "[1,2]\n"
      "{\"id\":\"L3\",\"name\":\"caf\xE9\"}\n"
      "{\"id\":\"L4\"} x\n"
      "{\"id\":\"L5\"}\n",
      DataFormat::Jsonl, "fields: {id: string, name: string}");
  CHECK_LINES(out,
              "1: rejected key= field= value={\"id\": \"L1\", reason=invalid JSON at column 13: syntax error while "
              "parsing object key - unexpected end of input; expected string literal",
              "2: rejected key= field= value=[1,2] reason=a JSON line must be an object, found a JSON array",
              "3: rejected key= field= value={\"id\":\"L3\",\"name\":\"caf\xEF\xBF\xBD\"} reason=invalid UTF-8",
              "4: rejected key= field= value={\"id\":\"L4\"} x reason=invalid JSON at column 13: syntax error while "
              "parsing value - invalid literal; last read: '\"L4\"} x'; expected end of input",
              "5: id=\"L5\" name=null");
}

BOOST_AUTO_TEST_CASE(dotted_keys_bom_and_required) {
  const Lines out = read_text("\xEF\xBB\xBF{\"a.b\":5,\"id\":\"M1\"}\n{\"a\":{\"b\":6}}\n", DataFormat::Jsonl,
                              "fields:\n  id: {type: string, required: true}\n  a.b: int\nkey: a.b\n");
  CHECK_LINES(out, "1: id=\"M1\" a.b=5", "2: rejected key=6 field=id value= reason=required field is missing");
}

BOOST_AUTO_TEST_CASE(inference) {
  Schema s;
  const Lines out = read_inferred(
      "{\"id\":\"A\",\"usage\":{\"seats\":{\"used\":9,\"max\":10}},\"tags\":[\"x\"],\"score\":1,\"ok\":true,"
      "\"d\":\"2026-01-01\"}\n"
      "{\"id\":\"B\",\"usage\":{\"seats\":{\"used\":1.5}},\"extra\":null,\"score\":2.5,\"n\":[1,2],"
      "\"deep\":[{\"a\":1}],\"num_text\":\"12\"}\n"
      "not json\n"
      "{\"id\":\"C\",\"score\":\"high\"}\n",
      DataFormat::Jsonl, s);
  // "high" is among the first 1,000 values, so score is a string and the
  // JSON numbers in it do not fit.
  BOOST_TEST(types_of(s) ==
             "id:string usage.seats.used:number usage.seats.max:int tags:list<string> score:string ok:bool d:date "
             "extra:string n:list<int> num_text:string");
  BOOST_REQUIRE(out.size() == 4u);
  BOOST_TEST(out[0] == "1: rejected key=A field=score value=1 reason=expected a string, found a JSON number");
  BOOST_TEST(out[1] == "2: rejected key=B field=score value=2.5 reason=expected a string, found a JSON number");
  BOOST_TEST(out[2].find("3: rejected key= field= value=not json reason=invalid JSON") == 0u);
  BOOST_TEST(out[3] ==
             "4: id=\"C\" usage.seats.used=null usage.seats.max=null tags=null score=\"high\" ok=null d=null "
             "extra=null n=null num_text=null");

  const Lines typed = read_inferred(
      "{\"id\":\"A\",\"usage\":{\"seats\":{\"used\":9}},\"score\":1}\n{\"id\":\"B\",\"score\":2.5}\n",
      DataFormat::Jsonl, s);
  BOOST_TEST(types_of(s) == "id:string usage.seats.used:int score:number");
  CHECK_LINES(typed, "1: id=\"A\" usage.seats.used=9 score=num:1", "2: id=\"B\" usage.seats.used=null score=num:2.5");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(yaml)

const char* kYamlSchema =
    "fields:\n  id: string\n  health: int\n  products: list\n  renewal_date: date\n  trial: bool\n"
    "  usage.seats: int\n";

BOOST_AUTO_TEST_CASE(sequence_of_mappings) {
  const Lines out = read_text(
      "# customers\n"
      "- {id: Y1, health: 85, products: [crm, ma], renewal_date: 2026-02-24, trial: yes}\n"
      "- id: Y2\n"
      "  health: \"90\"\n"
      "  products: crm;ma\n"
      "  usage:\n"
      "    seats: 9\n"
      "- id: Y3\n"
      "  health: abc\n"
      "- just a scalar\n"
      "- id: Y5\n"
      "  usage: 3\n"
      "- {id: Y6, health: ~, products: [[1]]}\n"
      "- {id: Y7, renewal_date: 2026-13-01}\n",
      DataFormat::Yaml, kYamlSchema);
  CHECK_LINES(out,
              "2: id=\"Y1\" health=85 products=[\"crm\",\"ma\"] renewal_date=2026-02-24 trial=true usage.seats=null",
              "3: id=\"Y2\" health=90 products=[\"crm\",\"ma\"] renewal_date=null trial=null usage.seats=9",
              "8: rejected key=Y3 field=health value=abc reason=not an int",
              "10: rejected key= field= value=just a scalar reason=a record must be a mapping, found a scalar",
              "11: id=\"Y5\" health=null products=null renewal_date=null trial=null usage.seats=null",
              "13: rejected key=Y6 field=products value=[[1]] reason=list item 1: expected a string, found a sequence",
              "14: rejected key=Y7 field=renewal_date value=2026-13-01 reason=not a date (YYYY-MM-DD)");
}

BOOST_AUTO_TEST_CASE(syntax_errors_lose_nothing) {
  const Lines out = read_text("- {id: Z1, health: 1}\n- {id: Z2, health: [1\n- {id: Z3, health: 3}\n",
                              DataFormat::Yaml, kYamlSchema);
  BOOST_REQUIRE(out.size() == 3u);
  BOOST_TEST(out[0] == "1: id=\"Z1\" health=1 products=null renewal_date=null trial=null usage.seats=null");
  BOOST_TEST(out[1].find("2: rejected key= field= value=- {id: Z2, health: [1\n reason=invalid YAML at line ") == 0u);
  BOOST_TEST(out[2] == "3: id=\"Z3\" health=3 products=null renewal_date=null trial=null usage.seats=null");

  // Items indented under the document (as some exporters write them) are
  // recovered the same way, block mappings too: only the broken item is lost.
  const Lines indented = read_text(
      "# export\n  - id: Z1\n    health: 1\n  - {id: Z2, health: [1\n  - id: Z3\n    health: 3\n  - {id: Z4, health: 4}\n",
      DataFormat::Yaml, kYamlSchema);
  BOOST_REQUIRE(indented.size() == 4u);
  BOOST_TEST(indented[0] == "2: id=\"Z1\" health=1 products=null renewal_date=null trial=null usage.seats=null");
  BOOST_TEST(indented[1].find("4: rejected key= field= value=  - {id: Z2, health: [1\n reason=invalid YAML at line ") ==
             0u);
  BOOST_TEST(indented[2] == "5: id=\"Z3\" health=3 products=null renewal_date=null trial=null usage.seats=null");
  BOOST_TEST(indented[3] == "7: id=\"Z4\" health=4 products=null renewal_date=null trial=null usage.seats=null");

  const Lines whole = read_text("id: [1\nfoo: bar\n", DataFormat::Yaml, kYamlSchema);
  BOOST_REQUIRE(whole.size() == 1u);
  BOOST_TEST(whole[0].find("rejected key= field= value= reason=invalid YAML at line") != std::string::npos);
  BOOST_TEST(whole[0].find("no record could be read") != std::string::npos);

  CHECK_LINES(read_text("id: 1\n", DataFormat::Yaml, kYamlSchema),
              "1: rejected key= field= value={id: 1} reason=the YAML data must be a sequence of mappings, found a "
              "mapping");
  BOOST_TEST(read_text("", DataFormat::Yaml, kYamlSchema).empty());
  BOOST_TEST(read_text("# nothing\n", DataFormat::Yaml, kYamlSchema).empty());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_yaml) {
  const Lines out = read_text("- {id: \"caf\xE9\"}\n- {id: ok}\n", DataFormat::Yaml, "fields: {id: string}");
  CHECK_LINES(out, "1: rejected key=caf\xEF\xBF\xBD field=id value=caf\xEF\xBF\xBD reason=invalid UTF-8",
              "2: id=\"ok\"");
}

BOOST_AUTO_TEST_CASE(inference) {
  Schema s;
  const Lines out = read_inferred(
      "- {id: A, health: 85, score: 1.5, ok: True, when: 2026-01-01, products: [crm, ma], usage: {seats: 3}}\n"
      "- {id: B, health: 90, score: 2, ok: false, when: 2026-01-02, products: [1], nested: [{a: 1}], none: ~}\n",
      DataFormat::Yaml, s);
  BOOST_TEST(types_of(s) == "id:string health:int score:number ok:bool when:date products:list<string> usage.seats:int none:string");
  CHECK_LINES(out,
              "1: id=\"A\" health=85 score=num:1.5 ok=true when=2026-01-01 products=[\"crm\",\"ma\"] usage.seats=3 "
              "none=null",
              "2: id=\"B\" health=90 score=num:2 ok=false when=2026-01-02 products=[\"1\"] usage.seats=null none=null");
}

BOOST_AUTO_TEST_CASE(test_case_records) {
  const Schema schema = schema_of(
      "key: customer_id\nfields:\n  customer_id: {type: string, required: true}\n  health: {type: int, min: 0, max: 100}\n"
      "  phase: {type: enum, values: [onboarding, adoption, expansion, renewal]}\n  renewal_date: date\n"
      "  products: {type: list, of: string}\n");
  const YAML::Node cases = YAML::Load(
      "- {customer_id: C1, health: 85, phase: adoption,\n   renewal_date: 2026-02-24, products: [crm]}\n"
      "- {customer_id: C2, health: 85, phase: adoptoin}\n"
      "- {health: 101}\n");
  Record record;
  Rejection rejection;
  BOOST_REQUIRE(kairos::convert_yaml_record(cases[0], schema, record, rejection) == Status::Record);
  BOOST_TEST(show(record, schema) ==
             "1: customer_id=\"C1\" health=85 phase=\"adoption\" renewal_date=2026-02-24 products=[\"crm\"]");
  BOOST_REQUIRE(kairos::convert_yaml_record(cases[1], schema, record, rejection) == Status::Rejected);
  BOOST_TEST(show(rejection) ==
             "3: rejected key=C2 field=phase value=adoptoin reason=not a declared value (onboarding, adoption, "
             "expansion, renewal) (did you mean 'adoption'?)");
  BOOST_REQUIRE(kairos::convert_yaml_record(cases[2], schema, record, rejection) == Status::Rejected);
  BOOST_TEST(show(rejection) == "4: rejected key= field=customer_id value= reason=required field is missing");

  const Schema inferred = kairos::infer_schema_from_yaml({cases[0], cases[2]});
  BOOST_TEST(types_of(inferred) == "customer_id:string health:int phase:string renewal_date:date products:list<string>");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jsonl_raw_values)

// A rejection shows the value as found in the line: the source text of a
// number, list or object (spacing, digits and all), the content of a string.
BOOST_AUTO_TEST_CASE(a_rejection_shows_the_value_as_found) {
  const Lines out = read_text(
      "{\"id\":\"C\",\"n\": [1, 2 ]}\n"
      "{\"id\":\"D\",\"n\":{\"x\": \"y\", \"z\": [1]} }\n"
      "{\"id\":\"E\",\"n\":1.50}\n"
      "{\"id\":\"F\",\"usage\":{\"seats\": 2.0e1}}\n"
      "{\"id\":\"G\",\"usage.seats\": -3.25 }\n"
      "{\"id\":\"H\",\"x\":[{\"n\":5}],\"n\":7.5}\n"
      "{\"id\":\"I\",\"n\":\"caf\\u00e9\"}\n"
      "{\"id\":\"J\",\"n\":true}\n",
      DataFormat::Jsonl, "key: id\nfields:\n  id: string\n  n: int\n  usage.seats: int\n");
  CHECK_LINES(out, "1: rejected key=C field=n value=[1, 2 ] reason=expected an int, found a JSON array",
              "2: rejected key=D field=n value={\"x\": \"y\", \"z\": [1]} reason=expected an int, found a JSON object",
              "3: rejected key=E field=n value=1.50 reason=not an int",
              "4: rejected key=F field=usage.seats value=2.0e1 reason=not an int",
              "5: rejected key=G field=usage.seats value=-3.25 reason=not an int",
              "6: rejected key=H field=n value=7.5 reason=not an int",
              "7: rejected key=I field=n value=caf\xC3\xA9 reason=expected an int, found a JSON string",
              "8: rejected key=J field=n value=true reason=expected an int, found a JSON boolean");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(duplicate_keys)

// One rule for JSON Lines and YAML: a key given twice in one object of a
// record (at any depth) rejects that record, naming the key's path; the key
// of the record is unknown when it is the key given twice.
const char* kDupSchema = "key: id\nfields:\n  id: string\n  n: int\n  u.a: int\n";

BOOST_AUTO_TEST_CASE(a_key_given_twice_rejects_its_record_in_json_lines) {
  const Lines out = read_text(
      "{\"id\":\"A\",\"n\":1,\"n\":2}\n"
      "{\"id\":\"B\",\"n\":3}\n"
      "{\"id\":\"C\",\"u\":{\"a\":1,\"a\":2}}\n"
      "{\"id\":\"D\",\"id\":\"E\"}\n"
      "{\"id\":\"F\",\"other\":[{\"x\":1,\"x\":1}]}\n"
      "{\"id\":\"G\",\"l\":[{\"x\":1},{\"x\":2}]}\n",
      DataFormat::Jsonl, kDupSchema);
  CHECK_LINES(out, "1: rejected key=A field=n value= reason=the key 'n' is given twice in one object",
              "2: id=\"B\" n=3 u.a=null",
              "3: rejected key=C field=u.a value= reason=the key 'u.a' is given twice in one object",
              "4: rejected key= field=id value= reason=the key 'id' is given twice in one object",
              "5: rejected key=F field=other.x value= reason=the key 'other.x' is given twice in one object",
              "6: id=\"G\" n=null u.a=null");
}

BOOST_AUTO_TEST_CASE(a_key_given_twice_rejects_its_record_in_yaml) {
  const Lines out = read_text(
      "- {id: A, n: 1, n: 2}\n"
      "- {id: B, n: 3}\n"
      "- {id: C, u: {a: 1, a: 2}}\n"
      "- {id: D, id: E}\n"
      "- {id: F, other: [{x: 1, x: 1}]}\n"
      "- {id: G, l: [{x: 1}, {x: 2}]}\n"
      "- &r {id: H, self: *r}\n",
      DataFormat::Yaml, kDupSchema);
  CHECK_LINES(out, "1: rejected key=A field=n value= reason=the key 'n' is given twice in one object",
              "2: id=\"B\" n=3 u.a=null",
              "3: rejected key=C field=u.a value= reason=the key 'u.a' is given twice in one object",
              "4: rejected key= field=id value= reason=the key 'id' is given twice in one object",
              "5: rejected key=F field=other.x value= reason=the key 'other.x' is given twice in one object",
              "6: id=\"G\" n=null u.a=null", "7: id=\"H\" n=null u.a=null");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(streaming)

/// A large CSV with quoted cells, embedded newlines and CRLF; returns the
/// expected record count, sum of n and line of the last row.
std::string big_csv(int rows, long long& sum, uint64_t& last_line) {
  std::string data = "id,n,note\r\n";
  uint64_t line = 2;
  sum = 0;
  for (int i = 0; i < rows; ++i) {
    last_line = line;
    sum += i;
    if (i % 13 == 0) {
      data += fmt::format("R{},{},\"multi\nline, {}\"\r\n", i, i, i);
      line += 2;
    } else if (i % 7 == 0) {
      data += fmt::format("R{},{},\"say \"\"{}\"\"\"\n", i, i, i);
      line += 1;
    } else {
      data += fmt::format("R{},{},plain {}\n", i, i, i);
      line += 1;
    }
  }
  return data;
}

struct Totals {
  size_t records = 0, rejected = 0;
  long long sum = 0;
  uint64_t last_line = 0;
  std::string last_note;
};

Totals drain(DataInput& input, const Schema& schema) {
  Totals t;
  auto reader = input.reader(schema);
  Record r;
  Rejection rej;
  for (Status s; (s = reader->next(r, rej)) != Status::End;) {
    if (s == Status::Rejected) {
      ++t.rejected;
      continue;
    }
    ++t.records;
    t.sum += r.values[1].i;
    t.last_line = r.line;
    t.last_note = std::string(r.values[2].str());
  }
  return t;
}

BOOST_AUTO_TEST_CASE(large_file_through_small_buffer) {
  long long sum;
  uint64_t last_line;
  const std::string data = big_csv(200000, sum, last_line);
  BOOST_TEST(data.size() > (size_t{3} << 20));
  const TempFile file(data, "csv");
  auto input = open_text(file, DataFormat::Csv);
  const Schema schema = input->infer_schema();
  BOOST_TEST(types_of(schema) == "id:string n:int note:string");
  const Totals t = drain(*input, schema);
  BOOST_TEST(t.records == 200000u);
  BOOST_TEST(t.rejected == 0u);
  BOOST_TEST(t.sum == sum);
  BOOST_TEST(t.last_line == last_line);
  BOOST_TEST(t.last_note == "plain 199999");
}

BOOST_AUTO_TEST_CASE(standard_input_keeps_the_inference_prefix) {
  long long sum;
  uint64_t last_line;
  const std::string data = big_csv(200000, sum, last_line);
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  const int saved = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  ::close(fds[0]);
  std::thread writer([&] {
    size_t at = 0;
    while (at < data.size()) {
      const ssize_t n = ::write(fds[1], data.data() + at, std::min<size_t>(data.size() - at, 4096));
      if (n <= 0) break;
      at += static_cast<size_t>(n);
    }
    ::close(fds[1]);
  });
  Totals t;
  bool threw = false;
  {
    std::string error;
    auto input = DataInput::open("-", DataFormat::Csv, error);
    BOOST_REQUIRE(input);
    const Schema schema = input->infer_schema();
    t = drain(*input, schema);
    try {
      input->reader(schema);
    } catch (const std::logic_error&) {
      threw = true;
    }
  }
  writer.join();
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  BOOST_TEST(t.records == 200000u);
  BOOST_TEST(t.sum == sum);
  BOOST_TEST(t.last_line == last_line);
  BOOST_TEST(threw);
}

BOOST_AUTO_TEST_CASE(huge_quoted_cell_and_long_json_line) {
  // Cells of more than one read chunk (1 MiB): one of exactly the field
  // limit, one past it (rejected), then a short row.
  std::string big(1 << 20, 'x');
  for (size_t i = 1000; i < big.size(); i += 1000) big[i] = '\n';
  std::string bigger(3 << 20, 'x');
  for (size_t i = 1000; i < bigger.size(); i += 1000) bigger[i] = '\n';
  const std::string data = "id,note\nA,\"" + big + "\"\nA2,\"" + bigger + "\"\nB,after\n";
  const TempFile file(data, "csv");
  const Schema schema = schema_of("fields: {id: string, note: string}");
  auto input = open_text(file, DataFormat::Csv);
  auto reader = input->reader(schema);
  Record r;
  Rejection rej;
  BOOST_REQUIRE(reader->next(r, rej) == Status::Record);
  BOOST_TEST(r.values[1].size == big.size());
  BOOST_TEST(r.values[1].str() == big);
  const uint64_t a2 = 2u + std::count(big.begin(), big.end(), '\n') + 1u;
  BOOST_REQUIRE(reader->next(r, rej) == Status::Rejected);
  BOOST_TEST(rej.line == a2);
  BOOST_TEST(rej.key == "A2");
  BOOST_TEST(rej.field == "note");
  BOOST_TEST(rej.reason == "field is longer than the 1 MiB limit");
  BOOST_REQUIRE(reader->next(r, rej) == Status::Record);
  BOOST_TEST(r.line == a2 + std::count(bigger.begin(), bigger.end(), '\n') + 1u);
  BOOST_TEST(r.values[1].str() == "after");
  BOOST_TEST(reader->next(r, rej) == Status::End);

  const std::string json = "{\"id\":\"A\",\"note\":\"" + std::string(3 << 20, 'y') + "\"}\n{\"id\":\"B\"}";
  const TempFile jfile(json, "jsonl");
  auto jinput = open_text(jfile, DataFormat::Jsonl);
  auto jreader = jinput->reader(schema);
  BOOST_REQUIRE(jreader->next(r, rej) == Status::Record);
  BOOST_TEST(r.values[1].size == (3u << 20));
  BOOST_REQUIRE(jreader->next(r, rej) == Status::Record);
  BOOST_TEST(r.line == 2u);
  BOOST_TEST(jreader->next(r, rej) == Status::End);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(csv_scanner)

using kairos::reader::ByteSource;
using kairos::reader::CsvScanner;

/// Reads CSV text with one scanner, every read(2) cut at `cap` bytes (0: whole
/// chunks), against `schema_yaml` or, when empty, an inferred schema (whose
/// types come first in the result).
Lines read_csv_with(std::string_view text, CsvScanner scanner, size_t cap, const std::string& schema_yaml = "") {
  const TempFile file(text, "csv");
  const int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  BOOST_REQUIRE(fd >= 0);
  auto src = std::make_unique<ByteSource>(fd, true, file.path);
  src->cap_reads(cap);
  auto input = kairos::reader::open_csv(std::move(src), scanner);
  Lines out;
  Schema schema;
  if (schema_yaml.empty()) {
    schema = input->infer_schema();
    out.push_back(types_of(schema));
  } else {
    schema = schema_of(schema_yaml);
  }
  const Lines rest = read_input(*input, schema);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

/// Both scanners, with whole and cut reads, read `text` the same way; returns that.
Lines same_with_both(std::string_view text, const std::string& schema_yaml = "",
                     std::initializer_list<size_t> caps = {0, 1, 7, 64}) {
  const Lines expected = read_csv_with(text, CsvScanner::Bytes, 0, schema_yaml);
  for (const size_t cap : caps) {
    for (const CsvScanner scanner : {CsvScanner::Blocks, CsvScanner::Bytes}) {
      if (scanner == CsvScanner::Bytes && cap == 0) continue;
      const Lines got = read_csv_with(text, scanner, cap, schema_yaml);
      BOOST_TEST_CONTEXT("scanner " << (scanner == CsvScanner::Blocks ? "blocks" : "bytes") << ", reads cut at "
                                    << cap << ", input " << kairos::reader::printable(text, 2000)) {
        BOOST_TEST(got == expected, boost::test_tools::per_element());
      }
    }
  }
  return expected;
}

BOOST_AUTO_TEST_CASE(block_masks_match_the_portable_ones) {
  std::mt19937 rng(7);
  const std::string special = ",\n\"\r a\x80\xff";
  for (int round = 0; round < 2000; ++round) {
    char block[64];
    for (char& c : block) {
      c = round % 2 == 0 ? special[rng() % special.size()] : static_cast<char>(rng() & 0xFF);
    }
    uint64_t sep, quote, sep2, quote2;
    kairos::reader::csv_block_masks(block, sep, quote);
    kairos::reader::csv_block_masks_portable(block, sep2, quote2);
    BOOST_TEST(sep == sep2);
    BOOST_TEST(quote == quote2);
  }
  char block[64];
  std::memset(block, ',', 64);
  uint64_t sep, quote;
  kairos::reader::csv_block_masks(block, sep, quote);
  BOOST_TEST(sep == ~uint64_t{0});
  BOOST_TEST(quote == 0u);
}

BOOST_AUTO_TEST_CASE(fields_quotes_and_crlf_at_every_block_offset) {
  // The rows move one byte further for each k, so every separator, quote,
  // "" pair and CR LF falls on every position of a 64-byte block, and on
  // the edges of reads cut at 7 and 64 bytes.
  const std::string schema = "fields: {h1: string, h2: string, h3: string}";
  for (size_t k = 0; k < 140; ++k) {
    const std::string pad(k, 'x');
    const std::string text = "h1,h2,h3\r\n" + pad + ",\"q\"\"q\",\"multi\r\nline\"\r\n" + pad + "y,\"" + pad +
                             "\",z\r\n\r\nlast,1,\"2\"";
    const std::string h1 = k == 0 ? "null" : "\"" + pad + "\"";
    const std::string h2 = k == 0 ? "null" : "\"" + pad + "\"";
    BOOST_TEST_CONTEXT("k = " << k) {
      CHECK_LINES(same_with_both(text, schema, {0, 7, 64}), "2: h1=" + h1 + " h2=\"q\"q\" h3=\"multi\r\nline\"",
                  "4: h1=\"" + pad + "y\" h2=" + h2 + " h3=\"z\"", "6: h1=\"last\" h2=\"1\" h3=\"2\"");
    }
  }
}

BOOST_AUTO_TEST_CASE(every_byte_around_the_special_ones) {
  const std::string schema = "fields: {id: string, v: string, w: string}";
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const std::string text = std::string("id,v,w\nA,x") + c + "y,\"p" + c + "q\"\nB,1,2\n";
    BOOST_TEST_CONTEXT("byte " << b) {
      const Lines out = same_with_both(text, schema, {0, 1, 64});
      if (c == ',' || c == '\n' || c == '"' || c == '\r') continue;
      if (b >= 0x80) {
        CHECK_LINES(out, "2: rejected key=A field=v value=x\xEF\xBF\xBDy reason=invalid UTF-8",
                    "3: id=\"B\" v=\"1\" w=\"2\"");
      } else {
        CHECK_LINES(out, std::string("2: id=\"A\" v=\"x") + c + "y\" w=\"p" + c + "q\"", "3: id=\"B\" v=\"1\" w=\"2\"");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(random_inputs_read_alike_with_both_scanners) {
  // Random texts over the bytes that matter to CSV (and some UTF-8), read
  // against a fixed schema and an inferred one, whole and through cut reads.
  std::mt19937 rng(20260115);
  const std::vector<std::string> pieces = {",", ",", "\"", "\"", "\"\"", "\n", "\n", "\r\n", "\r", " ", "a", "b7",
                                           "12", "-3", "4.5", "true", "\xC3\xA9", "\xFF", "\xE6\x97\xA5",
                                           std::string(70, 'z')};
  for (int round = 0; round < 300; ++round) {
    std::string text = round % 3 == 0 ? "\xEF\xBB\xBF" : "";
    text += round % 2 == 0 ? "a,b,c\n" : "a,\"b\",c\r\n";
    const size_t n = rng() % 120;
    for (size_t i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    BOOST_TEST_CONTEXT("round " << round) {
      same_with_both(text, "fields: {a: string, b: int, c: string}", {0, 1, 5, 64});
      same_with_both(text, "", {0, 3});
    }
  }
}

BOOST_AUTO_TEST_CASE(long_fields_across_blocks_and_reads) {
  std::string plain(200000, 'p');
  std::string quoted;
  for (int i = 0; i < 30000; ++i) quoted += i % 100 == 0 ? "\n" : i % 7 == 0 ? "\"\"" : "q,";
  std::string unquoted_value;
  for (size_t i = 0; i < quoted.size(); ++i) {
    unquoted_value += quoted[i];
    if (quoted[i] == '"') ++i;
  }
  const std::string text = "id,a,b\nL1," + plain + ",\"" + quoted + "\"\r\nL2,\"" + plain + "\",x\n";
  const uint64_t newlines = static_cast<uint64_t>(std::count(quoted.begin(), quoted.end(), '\n'));
  const Lines out = same_with_both(text, "fields: {id: string, a: string, b: string}", {0, 4096, 65537});
  CHECK_LINES(out, "2: id=\"L1\" a=\"" + plain + "\" b=\"" + unquoted_value + "\"",
              fmt::format("{}: id=\"L2\" a=\"{}\" b=\"x\"", 3 + newlines, plain));
}

BOOST_AUTO_TEST_CASE(number_and_int_fast_paths_match_the_general_ones) {
  std::mt19937_64 rng(42);
  auto digits = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  for (int round = 0; round < 50000; ++round) {
    std::string s = rng() % 4 == 0 ? "-" : "";
    s += digits(1 + rng() % 17);
    if (rng() % 3 != 0) s += "." + digits(1 + rng() % 17);
    double fast = 0, general = 0;
    const bool ok = kairos::reader::parse_number(s, fast);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), general);
    BOOST_TEST_CONTEXT(s) {
      BOOST_TEST(ok);
      BOOST_TEST((ec == std::errc() && end == s.data() + s.size()));
      BOOST_TEST(std::memcmp(&fast, &general, sizeof fast) == 0);
    }
    int64_t i = 0, j = 0;
    std::string t = rng() % 4 == 0 ? "-" : "";
    t += digits(1 + rng() % 21);
    const auto [iend, iec] = std::from_chars(t.data(), t.data() + t.size(), j);
    BOOST_TEST(kairos::reader::parse_int(t, i) == (iec == std::errc() && iend == t.data() + t.size()));
    if (iec == std::errc()) BOOST_TEST(i == j);
  }
  double d = 1;
  BOOST_TEST(kairos::reader::parse_number("-0.0", d));
  BOOST_TEST(std::signbit(d));
  for (const char* bad : {"", "-", ".", "1.", ".5x", "1..2", "+", "+-1", "1e", "0x10", "inf", "nan", " 1", "1 "}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!kairos::reader::parse_plain_decimal(bad, d)); }
  }
  BOOST_TEST((kairos::reader::parse_number(".5", d) && d == 0.5));
  BOOST_TEST((kairos::reader::parse_number("+1.25", d) && d == 1.25));
  BOOST_TEST((kairos::reader::parse_number("1e3", d) && d == 1000));
  BOOST_TEST(!kairos::reader::parse_number("1e999", d));
}

BOOST_AUTO_TEST_CASE(utf8_is_checked_in_rows_with_high_bytes_only) {
  // A long ASCII stretch (past a read chunk), then rows with valid and invalid
  // UTF-8 in used and unused columns.
  std::string text = "id,name,unused\n";
  for (int i = 0; i < 20000; ++i) text += fmt::format("A{},plain name {},ignored\n", i, i);
  text += "U1,caf\xC3\xA9,x\nU2,caf\xE9,x\nU3,ok,\xFF\nU4,\xE6\x97\xA5\xE6\x9C,x\nU5,ok,ok\n";
  const Lines out = same_with_both(text, "fields: {id: string, name: string}", {0, 4093});
  BOOST_REQUIRE(out.size() == 20005u);
  CHECK_LINES(Lines(out.end() - 5, out.end()), "20002: id=\"U1\" name=\"caf\xC3\xA9\"",
              "20003: rejected key=U2 field=name value=caf\xEF\xBF\xBD reason=invalid UTF-8",
              "20004: id=\"U3\" name=\"ok\"",
              "20005: rejected key=U4 field=name value=\xE6\x97\xA5\xEF\xBF\xBD\xEF\xBF\xBD reason=invalid UTF-8",
              "20006: id=\"U5\" name=\"ok\"");
}

BOOST_AUTO_TEST_CASE(lone_cr_line_ends) {
  // Old spreadsheet exports end lines with CR alone. Every read(2) size is
  // tried, so a CR meets the end of a read before its next byte is known;
  // a CR inside quotes stays part of the value, CR LF stays one line end.
  const std::string text = "id,note,n\rA,plain,1\rB,\"two\rlines\",2\r\rC,\"cr lf\r\ninside\",3\rD,last,4\r";
  const Lines want{"id:string note:string n:int", "2: id=\"A\" note=\"plain\" n=1",
                   "3: id=\"B\" note=\"two\rlines\" n=2", "5: id=\"C\" note=\"cr lf\r\ninside\" n=3",
                   "7: id=\"D\" note=\"last\" n=4"};
  for (const CsvScanner scanner : {CsvScanner::Blocks, CsvScanner::Bytes}) {
    for (const size_t cap : {0, 1, 2, 3, 5, 7}) {
      BOOST_TEST_CONTEXT("cap " << cap) {
        BOOST_TEST(read_csv_with(text, scanner, cap) == want, boost::test_tools::per_element());
        // Without the final CR, and without a schema to infer from the same bytes.
        BOOST_TEST(read_csv_with(text.substr(0, text.size() - 1), scanner, cap,
                                 "fields: {id: string, note: string, n: int}") ==
                       Lines(want.begin() + 1, want.end()),
                   boost::test_tools::per_element());
      }
    }
  }
  // A file with LF line ends keeps a lone CR inside a cell, as before.
  CHECK_LINES(read_csv_with("id,note\nA,x\ry\n", CsvScanner::Blocks, 0, "fields: {id: string, note: string}"),
              "2: id=\"A\" note=\"x\ry\"");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(csv_split)

/// The rows of `text` read by read_raw() in one batch (at most `max_rows`).
struct RawBatch {
  TempFile file;
  Schema schema;
  std::unique_ptr<DataInput> input;
  std::unique_ptr<RecordReader> reader;
  kairos::RawRows raw;
  RawBatch(std::string_view text, const std::string& schema_yaml, size_t max_rows)
      : file(text, "csv"), schema(schema_of(schema_yaml)), input(open_text(file, DataFormat::Csv)),
        reader(input->reader(schema)) {
    BOOST_REQUIRE(reader->splits());
    reader->read_raw(raw, max_rows);
  }
};

BOOST_AUTO_TEST_CASE(records_of_one_batch_stay_valid_together) {
  RawBatch b("id,note,n\nR1,\"a \"\"quoted\"\" note\",1\nR2,second,x\nR3,caf\xC3\xA9,3\n",
             "fields: {id: string, note: string, n: int}", 10);
  BOOST_REQUIRE(b.raw.rows.size() == 3u);
  std::vector<Record> records(3);
  std::vector<Rejection> rejections(3);
  std::vector<Status> status(3);
  for (size_t i = 0; i < 3; ++i) status[i] = b.reader->convert(b.raw, i, records[i], rejections[i]);
  BOOST_TEST((status[0] == Status::Record && status[1] == Status::Rejected && status[2] == Status::Record));
  BOOST_TEST(show(records[0], b.schema) == "2: id=\"R1\" note=\"a \"quoted\" note\" n=1");
  BOOST_TEST(show(rejections[1]) == "3: rejected key=R2 field=n value=x reason=not an int");
  BOOST_TEST(show(records[2], b.schema) == "4: id=\"R3\" note=\"caf\xC3\xA9\" n=3");
  BOOST_TEST(b.reader->read_raw(b.raw, 10) == 0u);
}

BOOST_AUTO_TEST_CASE(batches_stop_at_a_mib_of_rows) {
  std::string text = "id,note\n";
  for (int i = 0; i < 3000; ++i) text += fmt::format("K{:04},{}\n", i, std::string(993, 'n'));  // 1,000 bytes a row
  RawBatch b(text, "fields: {id: string, note: string}", 100000);
  BOOST_TEST(b.raw.rows.size() == 1049u);  // the first to reach 1 MiB (1,048,576 bytes) is the last taken
  BOOST_TEST(b.raw.text.size() == 1049000u + 64);  // and the padding after the last row
  kairos::RawRows more;
  BOOST_TEST(b.reader->read_raw(more, 5) == 5u);
  Record r;
  Rejection rej;
  BOOST_REQUIRE(b.reader->convert(more, 0, r, rej) == Status::Record);
  BOOST_TEST(r.line == 1051u);
  BOOST_TEST(r.index == 1050u);
  BOOST_TEST(r.values[0].str() == "K1049");
}

BOOST_AUTO_TEST_CASE(long_rows_keep_only_the_cells_of_schema_fields) {
  // Past 4 KiB a row's unused columns are not copied; used ones keep their
  // "" pairs, UTF-8 checks and keys.
  const std::string unused(100000, 'u');
  const std::string text = "id,unused,note,n\nL1," + unused + ",\"x\"\"y\",1\n\"L\"\"2\"," + unused +
                           ",caf\xE9,2\nL3," + unused + ",\xE6\x97\xA5,3\nL4," + unused + ",ok,four\n";
  RawBatch b(text, "fields: {id: string, note: string, n: int}", 10);
  BOOST_REQUIRE(b.raw.rows.size() == 4u);
  BOOST_TEST(b.raw.text.size() < 100u);
  Lines out;
  Record r;
  Rejection rej;
  for (size_t i = 0; i < 4; ++i) {
    out.push_back(b.reader->convert(b.raw, i, r, rej) == Status::Record ? show(r, b.schema) : show(rej));
  }
  CHECK_LINES(out, "2: id=\"L1\" note=\"x\"y\" n=1",
              "3: rejected key=L\"2 field=note value=caf\xEF\xBF\xBD reason=invalid UTF-8",
              "4: id=\"L3\" note=\"\xE6\x97\xA5\" n=3", "5: rejected key=L4 field=n value=four reason=not an int");
}

BOOST_AUTO_TEST_CASE(rows_convert_on_several_threads_at_once) {
  std::string text = "id,n,note\n";
  for (int i = 0; i < 4000; ++i) {
    text += i % 11 == 0 ? fmt::format("T{},{}x,\"q\"\"{}\"\n", i, i, i) : fmt::format("T{},{},\"a\nb{}\"\r\n", i, i, i);
  }
  RawBatch b(text, "fields: {id: string, n: int, note: string}", 4000);
  BOOST_REQUIRE(b.raw.rows.size() == 4000u);
  const auto convert_all = [&](size_t from, size_t step, Lines& out) {
    Record r;
    Rejection rej;
    for (size_t i = from; i < b.raw.rows.size(); i += step) {
      out.push_back(b.reader->convert(b.raw, i, r, rej) == Status::Record ? show(r, b.schema) : show(rej));
    }
  };
  Lines alone, even, odd;
  convert_all(0, 1, alone);
  std::thread t1([&] { convert_all(0, 2, even); });
  std::thread t2([&] { convert_all(1, 2, odd); });
  t1.join();
  t2.join();
  BOOST_REQUIRE(even.size() + odd.size() == alone.size());
  for (size_t i = 0; i < alone.size(); ++i) BOOST_TEST(alone[i] == (i % 2 == 0 ? even[i / 2] : odd[i / 2]));
  BOOST_TEST(alone[1] == "3: id=\"T1\" n=1 note=\"a\nb1\"");
  BOOST_TEST(alone[11] == "23: rejected key=T11 field=n value=11x reason=not an int");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reader_limits)

using kairos::reader::ByteSource;
using kairos::reader::CsvScanner;
using kairos::reader::kMaxRecordBytes;
using kairos::reader::printable;

constexpr size_t kMiB = size_t{1} << 20;

/// Every record and rejection of a CSV text read with one scanner; a record
/// shows its fields' sizes and first bytes only. The blocks scanner reads
/// the text a second time in two stages (read_raw, convert), which must give
/// the same.
Lines read_big(const std::string& text, CsvScanner scanner, const Schema& schema) {
  const TempFile file(text, "csv");
  const int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  BOOST_REQUIRE(fd >= 0);
  auto input = kairos::reader::open_csv(std::make_unique<ByteSource>(fd, true, file.path), scanner);
  const auto show_big = [](const Record& r) {
    std::string line = fmt::format("{}:", r.line);
    for (const Value& v : r.values) {
      line += v.kind == ValueKind::String ? fmt::format(" {}:{}", v.size, v.str().substr(0, 8)) : " " + show(v);
    }
    return line;
  };
  auto reader = input->reader(schema);
  Lines out;
  Record r;
  Rejection rej;
  for (Status s; (s = reader->next(r, rej)) != Status::End;) out.push_back(s == Status::Rejected ? show(rej) : show_big(r));
  if (const std::string failure = reader->failure(); !failure.empty()) out.push_back("failure: " + failure);
  if (scanner == CsvScanner::Blocks) {
    auto again = input->reader(schema);
    Lines split;
    kairos::RawRows raw;
    while (again->read_raw(raw, 2) > 0) {
      for (size_t i = 0; i < raw.rows.size(); ++i) {
        split.push_back(again->convert(raw, i, r, rej) == Status::Rejected ? show(rej) : show_big(r));
      }
    }
    if (const std::string failure = again->failure(); !failure.empty()) split.push_back("failure: " + failure);
    BOOST_TEST(split == out, boost::test_tools::per_element());
  }
  return out;
}

BOOST_AUTO_TEST_CASE(field_longer_than_1_mib) {
  const std::string at_limit(kMiB, 'a');
  const std::string past_limit(kMiB + 1, 'b');
  std::string escaped;  // 1.5 MiB in the file, 1 MiB of text
  for (size_t i = 0; i < kMiB / 2; ++i) escaped += "\"\"x";
  const Schema schema = schema_of("fields: {id: string, note: string}");
  const std::string text = "id,note,other\nA," + at_limit + ",\nB," + past_limit + ",\nC,\"" + escaped +
                           "\",\nD,short," + std::string(3 * kMiB, 'o') + "\nE,\"" + past_limit + "\",\n";
  for (const CsvScanner scanner : {CsvScanner::Blocks, CsvScanner::Bytes}) {
    CHECK_LINES(read_big(text, scanner, schema), fmt::format("2: 1:A {}:aaaaaaaa", kMiB),
                "3: rejected key=B field=note value=" + kairos::reader::printable(past_limit) +
                    " reason=field is longer than the 1 MiB limit",
                fmt::format("4: 1:C {}:\"x\"x\"x\"x", kMiB), "5: 1:D 5:short",
                "6: rejected key=E field=note value=" + kairos::reader::printable(past_limit) +
                    " reason=field is longer than the 1 MiB limit");
  }
}

BOOST_AUTO_TEST_CASE(record_longer_than_16_mib) {
  // Rows of exactly the limit (not counting CR LF) are read; one byte more,
  // and the row is rejected and read past, its quoted newlines counted.
  const Schema schema = schema_of("fields: {id: string, note: string}");
  const std::string head = "A,n,";
  std::string at_limit(kMaxRecordBytes - head.size(), 'u');
  std::string past_limit(kMaxRecordBytes, 'q');
  for (size_t i = 100; i < past_limit.size(); i += 4096) past_limit[i] = '\n';
  const uint64_t newlines = static_cast<uint64_t>(std::count(past_limit.begin(), past_limit.end(), '\n'));
  const std::string text = "id,note,big\n" + head + at_limit + "\r\nB,\"n\",\"" + past_limit + "\"\nC,after,\nD," +
                           std::string(kMaxRecordBytes, 'd') + "\n";
  for (const CsvScanner scanner : {CsvScanner::Blocks, CsvScanner::Bytes}) {
    CHECK_LINES(read_big(text, scanner, schema), "2: 1:A 1:n",
                "3: rejected key=B field= value=" + printable("B,\"n\",\"" + past_limit.substr(0, 1000)) +
                    " reason=record is longer than the 16 MiB limit",
                fmt::format("{}: 1:C 5:after", 4 + newlines),
                fmt::format("{}: rejected key=D field= value={} reason=record is longer than the 16 MiB limit",
                            5 + newlines, printable("D," + std::string(300, 'd'))));
  }
}

BOOST_AUTO_TEST_CASE(header_longer_than_16_mib) {
  // No row can be told apart from such a header: the file cannot be read,
  // which fails the run; rows are not quietly lost behind one rejection.
  const std::string text = "id,\"" + std::string(kMaxRecordBytes + 10, 'h') + "\"\nA,1\n";
  for (const CsvScanner scanner : {CsvScanner::Blocks, CsvScanner::Bytes}) {
    const Lines out = read_big(text, scanner, schema_of("fields: {id: string}"));
    BOOST_REQUIRE_EQUAL(out.size(), 1u);
    BOOST_TEST(out[0].rfind("failure: cannot read '/tmp/kairos_reader_test_", 0) == 0, out[0]);
    BOOST_TEST(out[0].find("': line 1: header is longer than the 16 MiB limit") != std::string::npos, out[0]);
  }
  const Lines open = read_text("id,\"note\nA,1\n", DataFormat::Csv, "fields: {id: string}");
  BOOST_REQUIRE_EQUAL(open.size(), 1u);
  BOOST_TEST(open[0].find("': line 1: the header has a quoted field that is never closed") != std::string::npos, open[0]);
}

/// Streams `head`, `count` times `chunk`, then `tail` through a pipe into a
/// CSV reader (so the input is never held whole) and returns what it read
/// and how much the peak memory of the process grew meanwhile.
Lines stream_csv(const std::string& head, const std::string& chunk, size_t count, const std::string& tail,
                 const Schema& schema, long& grown_kib) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  rusage before;
  ::getrusage(RUSAGE_SELF, &before);
  std::thread writer([&] {
    auto put = [&](const std::string& s) {
      for (size_t at = 0; at < s.size();) {
        const ssize_t n = ::write(fds[1], s.data() + at, s.size() - at);
        if (n <= 0) return false;
        at += static_cast<size_t>(n);
      }
      return true;
    };
    bool ok = put(head);
    for (size_t i = 0; ok && i < count; ++i) ok = put(chunk);
    if (ok) put(tail);
    ::close(fds[1]);
  });
  Lines out;
  {
    auto input = kairos::reader::open_csv(std::make_unique<ByteSource>(fds[0], true, "pipe"));
    out = read_input(*input, schema);
  }
  writer.join();
  rusage after;
  ::getrusage(RUSAGE_SELF, &after);
  grown_kib = after.ru_maxrss - before.ru_maxrss;
  return out;
}

BOOST_AUTO_TEST_CASE(an_endless_row_is_not_buffered) {
  const Schema schema = schema_of("fields: {id: string, note: string}");
  std::string chunk(64 * 1024, 'x');
  chunk[1000] = '\n';
  long grown = 0;
  // 96 MiB in one quoted field, then a good row.
  const Lines out = stream_csv("id,note\nA,\"", chunk, 96 * 16, "\"\nB,after\n", schema, grown);
  CHECK_LINES(out,
              "2: rejected key=A field= value=" + printable("A,\"" + chunk) +
                  " reason=record is longer than the 16 MiB limit",
              fmt::format("{}: id=\"B\" note=\"after\"", 2 + 96 * 16 + 1));
  BOOST_TEST(grown < 64 * 1024, "peak memory grew by " << grown << " KiB");

  // An unterminated quote that opens on the row's second line: the rest of
  // the input is that row.
  const Lines unterminated = stream_csv("id,note,more\nU,\"two\nlines\",\"", chunk, 40 * 16, "", schema, grown);
  CHECK_LINES(unterminated, "2: rejected key=U field= value=" + printable("U,\"two\nlines\",\"" + chunk) +
                                " reason=unterminated quoted field (the quote opens on line 3)");
  BOOST_TEST(grown < 64 * 1024, "peak memory grew by " << grown << " KiB");
}

BOOST_AUTO_TEST_CASE(inference_stops_at_a_row_too_long_to_keep) {
  const std::string text = "id,n,note\nA,1,x\nB,2,\"" + std::string(kMaxRecordBytes + 1, 'b') + "\"\nC,2.5,y\n";
  Schema s;
  const Lines out = read_inferred(text, DataFormat::Csv, s);
  BOOST_TEST(types_of(s) == "id:string n:int note:string");
  BOOST_REQUIRE(out.size() == 3u);
  BOOST_TEST(out[0] == "2: id=\"A\" n=1 note=\"x\"");
  BOOST_TEST(out[1].find("3: rejected key=B field= value=B,2,\"bbb") == 0u);
  BOOST_TEST(out[1].find("reason=record is longer than the 16 MiB limit") != std::string::npos);
  BOOST_TEST(out[2] == "4: rejected key=C field=n value=2.5 reason=not an int");
}

BOOST_AUTO_TEST_CASE(json_line_longer_than_16_mib) {
  const std::string head = "{\"id\":\"A\",\"note\":\"";
  const std::string at_limit = head + std::string(kMaxRecordBytes - head.size() - 2, 'a') + "\"}";
  const std::string past_limit = "{\"id\":\"B\",\"note\":\"" + std::string(kMaxRecordBytes, 'b') + "\"}";
  const std::string text = at_limit + "\r\n" + past_limit + "\n{\"id\":\"C\"}\n" + past_limit;
  const Schema schema = schema_of("fields: {id: string, note: string}");
  const TempFile file(text, "jsonl");
  auto input = open_text(file, DataFormat::Jsonl);
  auto reader = input->reader(schema);
  Record r;
  Rejection rej;
  BOOST_REQUIRE(reader->next(r, rej) == Status::Record);
  BOOST_TEST(r.values[1].size == kMaxRecordBytes - head.size() - 2);
  for (const uint64_t line : {2u, 4u}) {
    if (line == 4u) {
      BOOST_REQUIRE(reader->next(r, rej) == Status::Record);
      BOOST_TEST(r.line == 3u);
      BOOST_TEST(r.values[0].str() == "C");
    }
    BOOST_REQUIRE(reader->next(r, rej) == Status::Rejected);
    BOOST_TEST(rej.line == line);
    BOOST_TEST(rej.reason == "record is longer than the 16 MiB limit");
    BOOST_TEST(rej.value == kairos::reader::printable(past_limit));
  }
  BOOST_TEST(reader->next(r, rej) == Status::End);

  Schema s;
  const Lines out = read_inferred("{\"id\":\"A\",\"n\":1}\n" + past_limit + "\n{\"id\":\"C\",\"n\":1.5}\n",
                                  DataFormat::Jsonl, s);
  BOOST_TEST(types_of(s) == "id:string n:int");
  BOOST_REQUIRE(out.size() == 3u);
  BOOST_TEST(out[2] == "3: rejected key=C field=n value=1.5 reason=not an int");
}

BOOST_AUTO_TEST_SUITE_END()

/// The real exports sit in ../shared/data beside the checkout; without it
/// these tests are skipped, and Boost.Test says why.
struct SharedData {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result found(std::filesystem::exists(KAIROS_SHARED_DIR "/data"));
    found.message() << KAIROS_SHARED_DIR "/data not found (the shared data sets): skipped";
    return found;
  }
};

BOOST_AUTO_TEST_SUITE(real_data, *boost::unit_test::precondition(SharedData()))

BOOST_AUTO_TEST_CASE(telco_customer_churn) {
  std::string error;
  auto input = DataInput::open(KAIROS_SHARED_DIR "/data/telco-customer-churn.csv", DataFormat::Csv, error);
  BOOST_REQUIRE_MESSAGE(input, error);
  const Schema s = input->infer_schema();
  BOOST_TEST(types_of(s) ==
             "customerID:string gender:string SeniorCitizen:int Partner:string Dependents:string tenure:int "
             "PhoneService:string MultipleLines:string InternetService:string OnlineSecurity:string "
             "OnlineBackup:string DeviceProtection:string TechSupport:string StreamingTV:string "
             "StreamingMovies:string Contract:string PaperlessBilling:string PaymentMethod:string "
             "MonthlyCharges:number TotalCharges:number Churn:string");
  auto reader = input->reader(s);
  Record r;
  Rejection rej;
  size_t records = 0, rejected = 0, null_total = 0, churned = 0;
  long long tenure = 0, senior = 0;
  double monthly = 0, total = 0;
  std::string first, last;
  uint64_t first_null_line = 0, last_line = 0;
  for (Status st; (st = reader->next(r, rej)) != Status::End;) {
    if (st == Status::Rejected) {
      ++rejected;
      BOOST_TEST_MESSAGE(show(rej));
      continue;
    }
    ++records;
    if (first.empty()) first = r.values[0].str();
    last = r.values[0].str();
    last_line = r.line;
    tenure += r.values[5].i;
    senior += r.values[2].i;
    monthly += r.values[18].n;
    if (r.values[19].is_null()) {
      if (null_total++ == 0) {
        first_null_line = r.line;
        BOOST_TEST(r.values[0].str() == "4472-LVYGI");
      }
    } else {
      total += r.values[19].n;
    }
    if (r.values[20].str() == "Yes") ++churned;
  }
  BOOST_TEST(records == 7043u);
  BOOST_TEST(rejected == 0u);
  BOOST_TEST(null_total == 11u);
  BOOST_TEST(first_null_line == 490u);
  BOOST_TEST(last_line == 7044u);
  BOOST_TEST(first == "7590-VHVEG");
  BOOST_TEST(last == "3186-AJIEK");
  BOOST_TEST(tenure == 227990);
  BOOST_TEST(senior == 1142);
  BOOST_TEST(churned == 1869u);
  BOOST_TEST(monthly == 456116.6, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(total == 16056168.7, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(ravenstack_subscriptions_inferred) {
  std::string error;
  auto input = DataInput::open(KAIROS_SHARED_DIR "/data/ravenstack/ravenstack_subscriptions.csv", DataFormat::Csv, error);
  BOOST_REQUIRE_MESSAGE(input, error);
  const Schema s = input->infer_schema();
  BOOST_TEST(types_of(s) ==
             "subscription_id:string account_id:string start_date:date end_date:date plan_tier:string seats:int "
             "mrr_amount:int arr_amount:int is_trial:bool upgrade_flag:bool downgrade_flag:bool churn_flag:bool "
             "billing_frequency:string auto_renew_flag:bool");
  auto reader = input->reader(s);
  Record r;
  Rejection rej;
  size_t records = 0, rejected = 0, open_ended = 0, trials = 0, auto_renew = 0;
  long long mrr = 0;
  for (Status st; (st = reader->next(r, rej)) != Status::End;) {
    if (st == Status::Rejected) {
      ++rejected;
      continue;
    }
    ++records;
    if (r.values[3].is_null()) ++open_ended;
    trials += r.values[8].b;
    auto_renew += r.values[13].b;
    mrr += r.values[6].i;
  }
  BOOST_TEST(records == 5000u);
  BOOST_TEST(rejected == 0u);
  BOOST_TEST(open_ended == 4514u);
  BOOST_TEST(trials == 778u);
  BOOST_TEST(auto_renew == 4005u);
  BOOST_TEST(mrr == 11338747);
}

BOOST_AUTO_TEST_CASE(ravenstack_accounts_with_a_schema) {
  const Schema s = schema_of(
      "key: account_id\nfields:\n  account_id: {type: string, required: true}\n"
      "  industry: {type: enum, values: [Cybersecurity, DevTools, EdTech, FinTech, HealthTech]}\n"
      "  signup_date: date\n  plan: {type: enum, values: [Basic, Pro, Enterprise], column: plan_tier}\n"
      "  seats: {type: int, min: 1}\n  trial: {type: bool, column: is_trial}\n  churned: {type: bool, column: churn_flag}\n");
  std::string error;
  auto input = DataInput::open(KAIROS_SHARED_DIR "/data/ravenstack/ravenstack_accounts.csv", DataFormat::Csv, error);
  BOOST_REQUIRE_MESSAGE(input, error);
  auto reader = input->reader(s);
  Record r;
  Rejection rej;
  size_t records = 0, rejected = 0, churned = 0;
  long long seats = 0;
  std::string last;
  for (Status st; (st = reader->next(r, rej)) != Status::End;) {
    if (st == Status::Rejected) {
      ++rejected;
      continue;
    }
    ++records;
    seats += r.values[4].i;
    churned += r.values[6].b;
    last = show(r, s);
  }
  BOOST_TEST(records == 500u);
  BOOST_TEST(rejected == 0u);
  BOOST_TEST(churned == 110u);
  BOOST_TEST(seats == 10280);
  BOOST_TEST(last.find("501: account_id=\"A-781cc0\"") == 0u);
  BOOST_TEST(last.find("signup_date=2024-09-04") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
