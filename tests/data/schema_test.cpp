// Schemas: loading every field form, defaults, and each problem reported with
// its line and column.

#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <unistd.h>
#include <string>

#include "grammar/diagnostic.hpp"
#include "data/schema.hpp"

BOOST_TEST_DONT_PRINT_LOG_VALUE(kairos::TypeKind)

namespace {

using kairos::FieldSpec;
using kairos::Schema;
using kairos::TypeKind;
using kairos::grammar::Diagnostics;
using kairos::grammar::SourceManager;

struct Parsed {
  SourceManager sources;
  Diagnostics diags;
  std::optional<Schema> schema;

  explicit Parsed(const std::string& text) {
    const uint32_t file = sources.add("schema.yaml", text);
    schema = kairos::parse_schema(file, sources, diags);
  }

  /// "line:col: message" for every diagnostic, in order of position.
  std::vector<std::string> problems() {
    diags.sort(sources);
    std::vector<std::string> out;
    for (const auto& d : diags.items()) {
      const auto loc = kairos::grammar::locate(sources, d);
      out.push_back(fmt::format("{}:{}: {}", loc.line, loc.column, d.message));
    }
    return out;
  }
};

const char* kSpecSchema = R"(key: customer_id                 # default: the first field
fields:
  customer_id: {type: string, required: true}
  account:      {type: string, column: "Account Name"}   # CSV header / JSON path
  health:       {type: int, min: 0, max: 100}
  phase:        {type: enum, values: [onboarding, adoption, expansion, renewal]}
  renewal_date: date
  products:     {type: list, of: string, separator: ";"}
  trial_active: bool             # true/false, yes/no, 1/0, any case
  nps:          int
  mrr:          number
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(schema)

BOOST_AUTO_TEST_CASE(spec_example_loads_every_type) {
  Parsed p(kSpecSchema);
  BOOST_TEST(p.problems().empty());
  BOOST_REQUIRE(p.schema);
  const Schema& s = *p.schema;
  BOOST_TEST(s.path == "schema.yaml");
  BOOST_TEST(s.names() == (std::vector<std::string>{"customer_id", "account", "health", "phase", "renewal_date",
                                                     "products", "trial_active", "nps", "mrr"}),
             boost::test_tools::per_element());
  BOOST_TEST(s.key == 0u);
  BOOST_TEST(s.fields[0].required);
  BOOST_TEST(s.fields[0].type.kind == TypeKind::String);
  BOOST_TEST(s.fields[1].source == "Account Name");
  BOOST_TEST(!s.fields[1].required);
  BOOST_TEST(s.fields[2].type.kind == TypeKind::Int);
  BOOST_TEST(*s.fields[2].min == 0.0);
  BOOST_TEST(*s.fields[2].max == 100.0);
  BOOST_TEST(s.fields[3].type.kind == TypeKind::Enum);
  BOOST_REQUIRE(s.fields[3].type.enum_values);
  BOOST_TEST(s.fields[3].type.enum_values->values ==
                 (std::vector<std::string>{"onboarding", "adoption", "expansion", "renewal"}),
             boost::test_tools::per_element());
  BOOST_TEST(s.fields[4].type.kind == TypeKind::Date);
  BOOST_TEST(kairos::type_name(s.fields[5].type) == "list<string>");
  BOOST_TEST(s.fields[5].separator == ";");
  BOOST_TEST(s.fields[6].type.kind == TypeKind::Bool);
  BOOST_TEST(s.fields[7].type.kind == TypeKind::Int);
  BOOST_TEST(!s.fields[7].min.has_value());
  BOOST_TEST(s.fields[8].type.kind == TypeKind::Number);
  BOOST_TEST(s.find("phase") == 3);
  BOOST_TEST(s.find("nope") == -1);
}

BOOST_AUTO_TEST_CASE(defaults_and_key) {
  Parsed p("fields:\n  a: string\n  b: list\n  c: {type: number}\nkey: c\n");
  BOOST_REQUIRE(p.schema);
  const Schema& s = *p.schema;
  BOOST_TEST(s.key == 2u);
  BOOST_TEST(s.fields[0].source == "a");
  BOOST_TEST(kairos::type_name(s.fields[1].type) == "list<string>");
  BOOST_TEST(s.fields[1].separator == ";");
  BOOST_TEST(!s.fields[2].required);

  Parsed q("fields:\n  z: int\n  a: int\n");
  BOOST_REQUIRE(q.schema);
  BOOST_TEST(q.schema->key == 0u);
  BOOST_TEST(q.schema->fields[0].name == "z");
}

BOOST_AUTO_TEST_CASE(japanese_column_and_dotted_name) {
  Parsed p("fields:\n  account: {type: string, column: \"顧客名\"}\n  usage.seats.used: int\n"
           "  tier: {type: list, of: enum, values: [gold, silver], separator: \"|\"}\n"
           "  counts: {type: list, of: int}\n");
  BOOST_TEST(p.problems().empty());
  BOOST_REQUIRE(p.schema);
  BOOST_TEST(p.schema->fields[0].source == "顧客名");
  BOOST_TEST(p.schema->fields[1].source == "usage.seats.used");
  const auto& tier = p.schema->fields[2].type;
  BOOST_TEST(kairos::type_name(tier) == "list<enum>");
  BOOST_REQUIRE(tier.enum_values);
  BOOST_TEST(tier.enum_values->values.size() == 2u);
  BOOST_TEST(p.schema->fields[2].separator == "|");
  BOOST_TEST(kairos::type_name(p.schema->fields[3].type) == "list<int>");
}

BOOST_AUTO_TEST_CASE(unknown_type_suggests) {
  Parsed p("fields:\n  id: string\n  health: in\n  nps: {type: nubmer}\n");
  BOOST_TEST(!p.schema);
  BOOST_TEST(p.problems() == (std::vector<std::string>{"3:11: unknown type 'in' (did you mean 'int'?)",
                                                        "4:15: unknown type 'nubmer' (did you mean 'number'?)"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unknown_option_and_top_level_key) {
  Parsed p("feilds: {}\nfields:\n  id: {type: string, requird: true}\n");
  BOOST_TEST(p.problems() ==
                 (std::vector<std::string>{"1:1: unknown schema key 'feilds' (did you mean 'fields'?)",
                                           "3:22: unknown option 'requird' for field 'id' (did you mean 'required'?)"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(enum_without_values) {
  Parsed p("fields:\n  phase: enum\n  tier: {type: enum}\n  bad: {type: enum, values: []}\n");
  BOOST_TEST(p.problems() == (std::vector<std::string>{"2:10: enum field 'phase' has no 'values'",
                                                        "3:16: enum field 'tier' has no 'values'",
                                                        "4:29: 'values' of field 'bad' must be a non-empty list of names"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(key_naming_no_field) {
  Parsed p("key: customr_id\nfields:\n  customer_id: string\n");
  BOOST_TEST(p.problems() ==
                 (std::vector<std::string>{"1:6: key 'customr_id' names no field (did you mean 'customer_id'?)"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(min_greater_than_max_and_misplaced_options) {
  Parsed p("fields:\n  health: {type: int, min: 100, max: 0}\n  name: {type: string, min: 1}\n"
           "  n: {type: int, values: [a]}\n  m: {type: int, separator: \",\"}\n  o: {type: int, min: lots}\n"
           "  r: {type: string, required: maybe}\n");
  BOOST_TEST(p.problems() ==
                 (std::vector<std::string>{
                     "2:28: min 100 is greater than max 0 for field 'health'",
                     "3:29: 'min' applies only to int and number fields, and 'name' is string",
                     "4:26: 'values' applies only to enum fields, and 'n' is int",
                     "5:29: 'separator' applies only to list fields, and 'm' is int",
                     "6:23: 'min' of field 'o' must be a number",
                     "7:31: 'required' of field 'r' must be true or false"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(duplicate_field_and_bad_names) {
  Parsed p("fields:\n  id: string\n  health: int\n  id: int\n  Account Name: string\n  x: [int]\n");
  BOOST_TEST(p.problems() ==
                 (std::vector<std::string>{"4:3: duplicate field 'id'",
                                           "5:3: field name 'Account Name' is not an identifier",
                                           "6:6: field 'x' must be a type name or a mapping of options"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(collects_every_problem) {
  Parsed p("key: nope\nfields:\n  a: in\n  b: {type: enum}\n  c: {type: int, colour: red}\n  d: {type: list, of: list}\n");
  const auto problems = p.problems();
  BOOST_TEST(problems.size() == 5u);
  BOOST_TEST(!p.schema);
}

BOOST_AUTO_TEST_CASE(not_yaml_and_not_a_mapping) {
  Parsed a("fields:\n  a: {type: int\n  b: string\n");
  BOOST_TEST(a.problems() == (std::vector<std::string>{"3:4: invalid YAML: end of map flow not found"}),
             boost::test_tools::per_element());
  Parsed b("- a\n- b\n");
  BOOST_TEST(b.problems() == (std::vector<std::string>{"1:1: a schema must be a mapping with 'fields'"}),
             boost::test_tools::per_element());
  Parsed c("");
  BOOST_TEST(c.problems() == (std::vector<std::string>{"1:1: a schema must be a mapping with 'fields'"}),
             boost::test_tools::per_element());
  Parsed d("key: a\n");
  BOOST_TEST(d.problems() == (std::vector<std::string>{"1:1: the schema has no 'fields'"}),
             boost::test_tools::per_element());
  Parsed e("fields: []\n");
  BOOST_TEST(e.problems() == (std::vector<std::string>{"1:9: 'fields' must be a mapping of field names to types"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(byte_order_mark_keeps_columns_right) {
  Parsed p("\xEF\xBB\xBF" "fields:\n  a: in\n");
  BOOST_TEST(p.problems() == (std::vector<std::string>{"2:6: unknown type 'in' (did you mean 'int'?)"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rendered_with_caret) {
  Parsed p("fields:\n  health: {type: in, min: 0}\n");
  BOOST_REQUIRE(p.diags.items().size() == 1u);
  BOOST_TEST(kairos::grammar::render_text(p.sources, p.diags.items()[0]) ==
             "schema.yaml:2:18: error: unknown type 'in' (did you mean 'int'?)\n"
             "    2 |   health: {type: in, min: 0}\n"
             "      |                  ^~\n"
             "      = help: the types are int, number, bool, date, string, enum and list\n");
}

BOOST_AUTO_TEST_CASE(load_from_file_and_unreadable) {
  const std::string path = fmt::format("/tmp/kairos_schema_test_{}.yaml", ::getpid());
  {
    std::ofstream out(path);
    out << kSpecSchema;
  }
  SourceManager sources;
  Diagnostics diags;
  const auto schema = kairos::load_schema(path, sources, diags);
  std::remove(path.c_str());
  BOOST_REQUIRE(schema);
  BOOST_TEST(schema->path == path);
  BOOST_TEST(sources.size() == 1u);
  BOOST_TEST(schema->fields.size() == 9u);

  const auto missing = kairos::load_schema("/nonexistent/schema.yaml", sources, diags);
  BOOST_TEST(!missing);
  BOOST_REQUIRE(diags.items().size() == 1u);
  BOOST_TEST(diags.items()[0].code == "schema-unreadable");
  BOOST_TEST(!diags.items()[0].has_position);
  BOOST_TEST(diags.items()[0].message == "cannot read schema file: No such file or directory");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(enum_values_are_found_by_hash_after_growing_and_copying) {
  kairos::EnumValues values;
  for (int i = 0; i < 1000; ++i) values.add(i % 2 == 0 ? std::to_string(i) : std::string(40, 'a') + std::to_string(i));
  BOOST_TEST(values.contains("0"));
  BOOST_TEST(values.contains("998"));
  BOOST_TEST(values.contains(std::string(40, 'a') + "999"));
  BOOST_TEST(!values.contains("999"));
  BOOST_TEST(values.find("42") == &values.values[42]);
  const kairos::EnumValues copy = values;
  BOOST_TEST(copy.find("42") == &copy.values[42]);
  kairos::EnumValues direct;
  direct.values = {"bronze", "gold"};  // changed directly: still found
  BOOST_TEST(direct.contains("gold"));
  BOOST_TEST(!direct.contains("silver"));
}
