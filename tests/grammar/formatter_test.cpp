// The formatter: golden files (tests/grammar/fmt/NAME.play -> NAME.expected),
// idempotence, unchanged AST and comments, and the comment-safety fallback.
//
// KAIROS_UPDATE_GOLDEN=1 rewrites the .expected files from the current output
// (review the diff before committing it).

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "grammar/formatter.hpp"
#include "grammar/parser.hpp"

namespace fs = std::filesystem;
using namespace kairos;
using namespace kairos::grammar;

namespace {

const fs::path kGoldenDir = fs::path(KAIROS_SOURCE_DIR) / "tests" / "grammar" / "fmt";

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A parsed text together with the sources it points into.
struct Parsed {
  SourceManager sources;
  uint32_t id = 0;
  Diagnostics diags;
  ast::Module module;
};

std::unique_ptr<Parsed> parse_text(const std::string& text, const std::string& path = "test.play") {
  auto p = std::make_unique<Parsed>();
  p->id = p->sources.add(path, text);
  p->module = parse(p->sources, p->id, p->diags);
  return p;
}

std::string rendered(const Parsed& p, const Diagnostics& diags) {
  std::string out;
  for (const Diagnostic& d : diags.items()) out += render_text(p.sources, d);
  return out;
}

/// format_file on a text; fails the test (with the diagnostics) when it gives no result.
std::string format_text(const std::string& text, const std::string& path = "test.play") {
  auto p = parse_text(text, path);
  Diagnostics diags;
  std::optional<std::string> out = format_file(p->sources, p->id, diags);
  BOOST_REQUIRE_MESSAGE(out, "formatting " << path << " failed:\n" << rendered(*p, diags));
  BOOST_TEST(!diags.has_errors());
  return *out;
}

std::vector<std::string> comment_texts(const ast::Module& m) {
  std::vector<std::string> out;
  for (const ast::Comment& c : m.comments) {
    std::string t = c.text;
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    out.push_back(t);
  }
  return out;
}

/// The first line where two texts differ, for readable failures.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) return "texts differ only in their line endings";
    if (!more_a || !more_b || la != lb) {
      return "line " + std::to_string(line) + ":\n  expected: " + (more_a ? la : "<end>") +
             "\n  got:      " + (more_b ? lb : "<end>");
    }
  }
}

std::vector<std::string> golden_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kGoldenDir)) {
    if (entry.path().extension() == ".play") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(formatter)

BOOST_AUTO_TEST_CASE(the_required_golden_files_exist) {
  const std::vector<std::string> names = golden_names();
  for (const char* required : {"spec_example", "messy", "expressions", "declarations", "comments", "anonymous",
                               "wrapping", "edge"}) {
    BOOST_TEST_CONTEXT(required) {
      BOOST_TEST((std::find(names.begin(), names.end(), required) != names.end()));
      BOOST_TEST(fs::exists(kGoldenDir / (std::string(required) + ".expected")));
    }
  }
}

BOOST_AUTO_TEST_CASE(golden_files) {
  const bool update = std::getenv("KAIROS_UPDATE_GOLDEN") != nullptr;
  for (const std::string& name : golden_names()) {
    BOOST_TEST_CONTEXT("golden " << name) {
      const fs::path input_path = kGoldenDir / (name + ".play");
      const fs::path expected_path = kGoldenDir / (name + ".expected");
      const std::string input = read(input_path);
      const std::string got = format_text(input, input_path.string());
      if (update) {
        std::ofstream(expected_path, std::ios::binary) << got;
      }
      const std::string expected = read(expected_path);
      BOOST_CHECK_MESSAGE(got == expected, first_difference(expected, got));

      // Idempotent: the formatted text is its own format.
      const std::string again = format_text(expected, expected_path.string());
      BOOST_CHECK_MESSAGE(again == expected, "not idempotent: " << first_difference(expected, again));

      // Same program, same comments in the same order.
      auto before = parse_text(input);
      auto after = parse_text(expected);
      BOOST_REQUIRE(!before->diags.has_errors());
      BOOST_REQUIRE_MESSAGE(!after->diags.has_errors(), rendered(*after, after->diags));
      BOOST_TEST(same_ast(before->module, after->module));
      BOOST_TEST(comment_texts(before->module) == comment_texts(after->module), boost::test_tools::per_element());

      // No trailing whitespace, and a final newline unless the file is empty.
      BOOST_TEST((expected.empty() || expected.back() == '\n'));
      BOOST_TEST(expected.find(" \n") == std::string::npos);
      BOOST_TEST(expected.find('\t') == std::string::npos);
      BOOST_TEST(expected.find("\n\n\n") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(layout_does_not_depend_on_the_input_layout) {
  // The SPEC example squeezed onto one line gives the golden layout back.
  std::string expected = read(kGoldenDir / "spec_example.expected");
  std::string flat;
  std::istringstream lines(expected);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("#")) continue;
    flat += line + " ";
  }
  expected = expected.substr(expected.find('\n') + 1);  // without its header comment
  const std::string got = format_text(flat);
  BOOST_CHECK_MESSAGE(got == expected, first_difference(expected, got));
}

BOOST_AUTO_TEST_CASE(anonymous_rules_stay_anonymous) {
  const std::string out =
      format_text("when a then stop when b then tag \"x\" rule n when c then stop when d then stop");
  BOOST_TEST(out ==
             "when a\nthen stop\n\nwhen b\nthen tag \"x\"\n\nrule n\n  when c\n  then stop\n\nwhen d\nthen stop\n");
  auto p = parse_text(out);
  BOOST_REQUIRE(p->module.decls.size() == 4u);
  BOOST_TEST(p->module.decls[0].rule->anonymous_index == 1);
  BOOST_TEST(p->module.decls[1].rule->anonymous_index == 2);
  BOOST_TEST(p->module.decls[2].rule->name == "n");
  BOOST_TEST(p->module.decls[3].rule->anonymous_index == 3);
}

BOOST_AUTO_TEST_CASE(refuses_syntax_errors) {
  auto p = parse_text("const A = 1\nrule broken when health >= then stop\n");
  Diagnostics diags;
  BOOST_TEST(!format_file(p->sources, p->id, diags));
  BOOST_TEST(diags.has_errors());
  BOOST_TEST(rendered(*p, diags).find("test.play:2:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(comment_safety_falls_back_on_reordered_comments) {
  const std::string text = "# first\nconst A = 1\n# second\nconst B = 2\n";
  auto p = parse_text(text);
  BOOST_REQUIRE(p->module.comments.size() == 2u);
  // A module whose comments disagree with its source: the output would put
  // them in another order than the list says.
  std::swap(p->module.comments[0].span, p->module.comments[1].span);
  Diagnostics diags;
  const std::string out = format_module(p->sources.file(p->id), p->module, diags);
  BOOST_TEST(out == text);
  BOOST_REQUIRE(diags.items().size() == 1u);
  BOOST_TEST(diags.items()[0].code == "fmt-lost-comment");
  BOOST_TEST(diags.has_errors());
}

BOOST_AUTO_TEST_CASE(comment_safety_falls_back_on_a_lost_comment) {
  const std::string text = "const   A=1 # kept\n";
  auto p = parse_text(text);
  BOOST_REQUIRE(p->module.comments.size() == 1u);
  // Text that would not read back as a comment counts as lost.
  p->module.comments[0].text = "not a comment";
  Diagnostics diags;
  BOOST_TEST(format_module(p->sources.file(p->id), p->module, diags) == text);
  BOOST_REQUIRE(diags.items().size() == 1u);
  BOOST_TEST(diags.items()[0].code == "fmt-lost-comment");
  BOOST_TEST(render_text(p->sources, diags.items()[0]).find("test.play:1:13: error:") != std::string::npos);

  // And with the real comment the same module formats.
  p->module.comments[0].text = "# kept";
  Diagnostics clean;
  BOOST_TEST(format_module(p->sources.file(p->id), p->module, clean) == "const A = 1  # kept\n");
  BOOST_TEST(!clean.has_errors());
}

BOOST_AUTO_TEST_CASE(same_ast_ignores_layout_but_not_meaning) {
  auto same = [](const std::string& a, const std::string& b) {
    auto pa = parse_text(a);
    auto pb = parse_text(b);
    BOOST_REQUIRE(!pa->diags.has_errors());
    BOOST_REQUIRE(!pb->diags.has_errors());
    return same_ast(pa->module, pb->module);
  };
  BOOST_TEST(same("let a = 1+2*3 # c", "let a =\n  1 + 2 * 3"));
  BOOST_TEST(same("when a then tag \"x\" owner csm", "when a\nthen tag \"x\"\n       owner csm"));
  BOOST_TEST(!same("let a = (b)", "let a = b"));
  BOOST_TEST(!same("let a = 1 + 2", "let a = 1 - 2"));
  BOOST_TEST(!same("let a = 10%", "let a = 0.10"));
  BOOST_TEST(!same("let a = 90d", "let a = 90"));
  BOOST_TEST(!same("let a = \"x\"", "let a = \"y\""));
  BOOST_TEST(!same("rule r when a then stop", "when a then stop"));
  BOOST_TEST(!same("rule r priority 1 when a then stop", "rule r priority 2 when a then stop"));
  BOOST_TEST(!same("when a then tag \"x\" owner csm", "when a then tag \"x\" owner am"));
  BOOST_TEST(!same("let a = 1 let b = 2", "let a = 1"));
}

BOOST_AUTO_TEST_CASE(comments_keep_their_places) {
  const std::string out = format_text(
      "# head\nconst A=1 # a\n\n\n\n# about B\nconst B=2\nrule r when x # x\n then tag \"a\"\n  # between\n tag \"b\"\n"
      "# end\n");
  BOOST_TEST(out ==
             "# head\nconst A = 1  # a\n\n# about B\nconst B = 2\n\nrule r\n  when x  # x\n  then tag \"a\"\n"
             "       # between\n       tag \"b\"\n\n# end\n");
}

BOOST_AUTO_TEST_CASE(comments_inside_an_expression_move_above_its_line) {
  const std::string out = format_text("let xs = [1, # one\n  2, # two\n  3]\n");
  BOOST_TEST(out == "# one\n# two\nlet xs = [1, 2, 3]\n");
}

BOOST_AUTO_TEST_CASE(strings_keep_their_spelling) {
  const std::string out = format_text("let s = \"a \\u{3042} \\\"q\\\" {{x}} {  health  }\"\n");
  BOOST_TEST(out == "let s = \"a \\u{3042} \\\"q\\\" {{x}} {  health  }\"\n");
}

BOOST_AUTO_TEST_CASE(long_lines_break_at_and_or_else) {
  const std::string out = format_text(
      "rule r when alpha_alpha_alpha and beta_beta_beta_beta and gamma_gamma_gamma_gamma or delta_delta "
      "then stop\n");
  BOOST_TEST(out ==
             "rule r\n  when alpha_alpha_alpha and beta_beta_beta_beta and gamma_gamma_gamma_gamma\n"
             "       or delta_delta\n  then stop\n");
}

BOOST_AUTO_TEST_SUITE_END()
