// Fuzz target: compile, then run. The input is not text but a stream of
// choices: they pick a playbook from a small typed grammar (lets, defs,
// consts, rules with priorities, groups, policies and every action and
// option; expressions over every operator and builtin, nested a few levels),
// then records of the fixed schema (nulls, extremes, Unicode) and an as-of
// date. Most generated playbooks type-check, so the VM runs real code; now and
// then an expression of the wrong type is put in on purpose to exercise the
// checker's errors.
// An input means something only to this version of the generator: a change
// to the grammar below turns old inputs into other playbooks. So each bug
// this target finds also gets a plain test that states it (tests/limits).
// Properties: nothing crashes; the cost pass accepts every compiled program;
// every JSON line the VM's writer emits parses (strictly: valid UTF-8) and
// has the keys every action has; the CSV writer does not crash.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.hpp"
#include "interpreter/cost.hpp"
#include "interpreter/vm.hpp"
#include "engine/writer.hpp"

namespace {

using namespace kairos;

/// Reads choices from the input; once it is used up every choice is 0, and
/// choice 0 is always the simplest, so generation ends.
class Choices {
 public:
  Choices(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  uint8_t byte() { return p_ < end_ ? *p_++ : 0; }
  /// 0..n-1 (n at most 256).
  size_t pick(size_t n) { return n <= 1 ? 0 : byte() % n; }
  /// True once in `n` times.
  bool one_in(size_t n) { return pick(n) == n - 1; }
  bool used_up() const { return p_ >= end_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

enum class G { Int, Num, Bool, Str, Date, StrList, IntList };
constexpr size_t kTypes = 7;

template <size_t N>
std::string_view one_of(Choices& ch, const std::array<std::string_view, N>& options) {
  return options[ch.pick(N)];
}

class Generator {
 public:
  explicit Generator(Choices& ch) : ch_(ch) {}

  std::string playbook() {
    std::string out;
    if (ch_.one_in(2)) out += "playbook \"fuzz\"\n";
    if (ch_.one_in(3)) out += "policy max_discount " + std::string(one_of<3>(ch_, {"15%", "0%", "100%"})) + "\n";
    if (ch_.one_in(3)) out += "policy max_proposals " + std::to_string(ch_.pick(3)) + "\n";
    if (ch_.one_in(4)) out += "import \"stdlib/expansion\"\n";
    if (ch_.one_in(4)) {
      out += "import \"lib\"\n";
      lib_ = true;
    }
    if (ch_.one_in(2)) out += "const C0 = " + std::string(one_of<4>(ch_, {"80", "2 * 40", "-1", "9223372036854775807"})) + "\n";
    const size_t lets = ch_.pick(4);
    for (size_t i = 0; i < lets; ++i) {
      const G t = type();
      const std::string name = "l" + std::to_string(i);
      out += "let " + name + " = " + expr(t, 0) + "\n";
      lets_.push_back({name, t});
    }
    const size_t defs = ch_.pick(3);
    for (size_t i = 0; i < defs; ++i) {
      Def d{"f" + std::to_string(i), {}, type()};
      const size_t params = 1 + ch_.pick(2);
      for (size_t p = 0; p < params; ++p) d.params.push_back(type());
      locals_.clear();
      std::string head;
      for (size_t p = 0; p < d.params.size(); ++p) {
        const std::string name = "p" + std::to_string(p);
        head += (p ? ", " : "") + name;
        locals_.push_back({name, d.params[p]});
      }
      out += "def " + d.name + "(" + head + ") = " + expr(d.result, 0) + "\n";
      locals_.clear();
      defs_.push_back(d);
    }
    const size_t rules = 1 + ch_.pick(6);
    for (size_t i = 0; i < rules; ++i) out += rule(i);
    return out;
  }

 private:
  struct Named {
    std::string name;
    G type;
  };
  struct Def {
    std::string name;
    std::vector<G> params;
    G result;
  };

  G type() { return static_cast<G>(ch_.pick(kTypes)); }

  std::string rule(size_t i) {
    std::string out;
    if (ch_.one_in(5)) {
      out += "when " + expr(G::Bool, 0) + " then " + action() + "\n";
      return out;
    }
    out += "rule r" + std::to_string(i);
    if (ch_.one_in(3)) out += " \"rule number " + std::to_string(i) + "\"";
    out += "\n";
    if (ch_.one_in(3)) out += "  priority " + std::string(one_of<4>(ch_, {"1", "100", "-5", "0"})) + "\n";
    if (ch_.one_in(3)) out += "  group g" + std::to_string(ch_.pick(2)) + "\n";
    out += "  when " + expr(G::Bool, 0) + "\n  then " + action();
    const size_t more = ch_.pick(3);
    for (size_t a = 0; a < more; ++a) out += "\n       " + action();
    if (ch_.one_in(4)) out += "\n       stop";
    return out + "\n";
  }

  std::string action() {
    switch (ch_.pick(4)) {
      case 0: return "tag " + text();
      case 1: return "notify " + std::string(one_of<3>(ch_, {"csm", "owner", "\"ae\""})) + " " + text();
      case 2: {
        std::string out = "task " + text();
        options(out, false);
        return out;
      }
      default: {
        std::string out = "propose " +
                          std::string(one_of<6>(ch_, {"upgrade", "cross_sell", "bundle", "addon", "downsell", "renewal"})) +
                          " " + text();
        options(out, true);
        return out;
      }
    }
  }

  void options(std::string& out, bool propose) {
    // Each option at most once (twice is an error the parser fuzzer covers).
    const size_t kinds = propose ? 6 : 4;
    for (size_t i = 0; i < kinds; ++i) {
      if (!ch_.one_in(3)) continue;
      switch (i) {
        case 0: out += " owner " + std::string(ch_.one_in(2) ? "csm" : text()); break;
        case 1: out += " due " + expr(G::Date, 1); break;
        case 2: out += " reason " + text(); break;
        case 3: out += " steps " + expr(G::StrList, 1); break;
        case 4: out += " discount " + discount(); break;
        default: out += " score " + expr(G::Num, 1); break;
      }
    }
  }

  /// A discount: mostly between 0% and 100%, now and then computed or out of range.
  std::string discount() {
    switch (ch_.pick(6)) {
      case 0: return "5%";
      case 1: return "(if " + expr(G::Bool, 2) + " then 10% else 5%)";
      case 2: return "pct(" + expr(G::Int, 2) + ", 100)";
      case 3: return "(mrr / 1000)";
      case 4: return expr(G::Num, 1);
      default: return "15%";
    }
  }

  /// A string expression for an action's text.
  std::string text() { return expr(G::Str, 1); }

  std::string expr(G t, int depth) {
    // Now and then a value of another type, for the checker's errors.
    if (depth > 0 && ch_.one_in(256)) t = type();
    if (depth >= 5 || ch_.used_up() || ch_.pick(3) == 0) return leaf(t);
    switch (t) {
      case G::Int: return int_expr(depth + 1);
      case G::Num: return num_expr(depth + 1);
      case G::Bool: return bool_expr(depth + 1);
      case G::Str: return str_expr(depth + 1);
      case G::Date: return date_expr(depth + 1);
      case G::StrList: return "[" + expr(G::Str, depth + 1) + ", " + expr(G::Str, depth + 1) + "]";
      case G::IntList: return "[" + expr(G::Int, depth + 1) + ", " + expr(G::Int, depth + 1) + "]";
    }
    return "null";
  }

  /// A name of type t in scope (local, let or def call), or empty.
  std::string named(G t, int depth) {
    std::vector<std::string> found;
    for (const Named& l : locals_) {
      if (l.type == t) found.push_back(l.name);
    }
    for (const Named& l : lets_) {
      if (l.type == t) found.push_back(l.name);
    }
    if (depth < 4) {
      for (const Def& d : defs_) {
        if (d.result != t) continue;
        std::string call = d.name + "(";
        for (size_t p = 0; p < d.params.size(); ++p) call += (p ? ", " : "") + leaf(d.params[p]);
        found.push_back(call + ")");
      }
    }
    if (found.empty()) return {};
    return found[ch_.pick(found.size())];
  }

  std::string leaf(G t) {
    if (ch_.one_in(24)) return "null";
    if (ch_.one_in(3)) {
      const std::string n = named(t, 4);
      if (!n.empty()) return n;
    }
    switch (t) {
      case G::Int:
        if (lib_ && ch_.one_in(8)) return "LIMIT";
        return std::string(one_of<14>(ch_, {"1", "health", "seats", "0", "-1", "42", "100", "usage.api",
                                             "9223372036854775807", "-9223372036854775807", "90d", "2w",
                                             "65536", "2147483648"}));
      case G::Num:
        return std::string(one_of<9>(ch_, {"0.5", "mrr", "10%", "3.5", "99999999999999999999999999999999999999.5",
                                            "-2.5", "0.1", "0.0", "0.000000000000000000001"}));
      case G::Bool:
        if (lib_ && ch_.one_in(8)) return "big";
        return std::string(one_of<4>(ch_, {"true", "trial", "false", "health >= 80"}));
      case G::Str:
        return std::string(one_of<14>(
            ch_, {"\"a\"", "name", "id", "\"\"", "\"crm\"", "\"x y\"", "\"{{braces}}\"", "\"\\u{3042}\"",
                  "\"tab\\t\"", "\"quote\\\"\"", "\"é\"", "\"back\\\\slash\"", "\"line\\nbreak\"",
                  "\"\\u{1F600}\""}));
      case G::Date:
        return std::string(one_of<7>(ch_, {"2026-01-15", "renewal_date", "today()", "1970-01-01", "0001-01-01",
                                            "9999-12-31", "2024-02-29"}));
      case G::StrList:
        return std::string(one_of<4>(ch_, {"products", "[\"crm\", \"ma\"]", "[]", "[\"\"]"}));
      case G::IntList:
        return std::string(one_of<3>(ch_, {"scores", "[1, 2, 3]", "[0]"}));
    }
    return "null";
  }

  std::string int_expr(int d) {
    switch (ch_.pick(20)) {
      case 0: return "(" + expr(G::Int, d) + " + " + expr(G::Int, d) + ")";
      case 1: return "(" + expr(G::Int, d) + " - " + expr(G::Int, d) + ")";
      case 2: return "(" + expr(G::Int, d) + " * " + expr(G::Int, d) + ")";
      case 3: return "(" + expr(G::Int, d) + " % " + expr(G::Int, d) + ")";
      case 4: return "-" + expr(G::Int, d);
      case 5: return "len(" + expr(ch_.one_in(2) ? G::Str : G::StrList, d) + ")";
      case 6: return std::string(ch_.one_in(2) ? "year(" : "month(") + expr(G::Date, d) + ")";
      case 7: return std::string(one_of<3>(ch_, {"round(", "floor(", "ceil("})) + expr(G::Num, d) + ")";
      case 8: return "abs(" + expr(G::Int, d) + ")";
      case 9: return std::string(ch_.one_in(2) ? "min(" : "max(") + expr(G::Int, d) + ", " + expr(G::Int, d) + ", " +
                     expr(G::Int, d) + ")";
      case 10: return "clamp(" + expr(G::Int, d) + ", " + expr(G::Int, d) + ", " + expr(G::Int, d) + ")";
      case 11: return std::string(ch_.one_in(2) ? "days_until(" : "days_since(") + expr(G::Date, d) + ")";
      case 12: return "(" + expr(G::Date, d) + " - " + expr(G::Date, d) + ")";
      case 13: return "(if " + expr(G::Bool, d) + " then " + expr(G::Int, d) + " else " + expr(G::Int, d) + ")";
      case 14: return "coalesce(" + expr(G::Int, d) + ", " + expr(G::Int, d) + ")";
      case 15: return "len(" + expr(G::IntList, d) + ")";
      default: {
        const std::string n = named(G::Int, d);
        return n.empty() ? leaf(G::Int) : n;
      }
    }
  }

  std::string num_expr(int d) {
    switch (ch_.pick(9)) {
      case 0: return "(" + expr(G::Num, d) + " / " + expr(ch_.one_in(2) ? G::Int : G::Num, d) + ")";
      case 1: return "(" + expr(G::Num, d) + " + " + expr(G::Int, d) + ")";
      case 2: return "(" + expr(G::Int, d) + " * " + expr(G::Num, d) + ")";
      case 3: return "round(" + expr(G::Num, d) + ", " + expr(G::Int, d) + ")";
      case 4: return "pct(" + expr(G::Int, d) + ", " + expr(G::Int, d) + ")";
      case 5: return "abs(" + expr(G::Num, d) + ")";
      case 6: return "(if " + expr(G::Bool, d) + " then " + expr(G::Num, d) + " else " + expr(G::Num, d) + ")";
      case 7: return "(" + expr(G::Num, d) + " % " + expr(G::Num, d) + ")";
      default: return "-" + expr(G::Num, d);
    }
  }

  std::string bool_expr(int d) {
    static constexpr std::array<std::string_view, 6> kCmp = {" == ", " != ", " < ", " <= ", " > ", " >= "};
    switch (ch_.pick(20)) {
      case 0: return "(" + expr(G::Bool, d) + " and " + expr(G::Bool, d) + ")";
      case 1: return "(" + expr(G::Bool, d) + " or " + expr(G::Bool, d) + ")";
      case 2: return "not " + expr(G::Bool, d);
      case 3: return "(" + expr(G::Int, d) + std::string(one_of(ch_, kCmp)) + expr(G::Num, d) + ")";
      case 4: return "(" + expr(G::Date, d) + std::string(one_of(ch_, kCmp)) + expr(G::Date, d) + ")";
      case 5: return "(" + expr(G::Str, d) + std::string(one_of(ch_, kCmp)) + expr(G::Str, d) + ")";
      case 6: return "(" + expr(G::Str, d) + (ch_.one_in(2) ? " in " : " not in ") + expr(G::StrList, d) + ")";
      case 7: return "(" + expr(G::Int, d) + " in " + expr(G::Int, d) + ".." + expr(G::Int, d) + ")";
      case 8: return "(" + expr(G::Date, d) + " not in " + expr(G::Date, d) + ".." + expr(G::Date, d) + ")";
      case 9: return "(" + expr(type(), d) + (ch_.one_in(2) ? " is null" : " is not null") + ")";
      case 10:
        return std::string(one_of<3>(ch_, {"starts_with(", "ends_with(", "contains("})) + expr(G::Str, d) + ", " +
               expr(G::Str, d) + ")";
      case 11:
        return std::string(ch_.one_in(2) ? "contains_any(" : "contains_all(") + expr(G::StrList, d) + ", " +
               expr(G::StrList, d) + ")";
      case 12: return "phase == " + std::string(one_of<4>(ch_, {"adoption", "onboarding", "expansion", "renewal"}));
      case 13: return "phase in [onboarding, renewal]";
      case 14: return "(" + expr(G::Str, d) + " in " + expr(G::Str, d) + ")";
      case 15: return "(if " + expr(G::Bool, d) + " then " + expr(G::Bool, d) + " else " + expr(G::Bool, d) + ")";
      case 16: return "(" + expr(G::Int, d) + (ch_.one_in(2) ? " in " : " not in ") + expr(G::IntList, d) + ")";
      case 17: return "(" + expr(G::Num, d) + " in " + expr(G::Num, d) + ".." + expr(G::Int, d) + ")";
      default: {
        const std::string n = named(G::Bool, d);
        return n.empty() ? leaf(G::Bool) : n;
      }
    }
  }

  std::string str_expr(int d) {
    switch (ch_.pick(8)) {
      case 0: return "\"" + std::string(one_of<3>(ch_, {"x ", "", "{{"})) + "{" + expr(type(), d) + "}" +
                     std::string(one_of<3>(ch_, {" y", "", "}}"})) + "{" + expr(type(), d) + "}\"";
      case 1: return std::string(one_of<3>(ch_, {"lower(", "upper(", "trim("})) + expr(G::Str, d) + ")";
      case 2: return "(" + expr(G::Str, d) + " + " + expr(G::Str, d) + ")";
      case 3: return "(if " + expr(G::Bool, d) + " then " + expr(G::Str, d) + " else " + expr(G::Str, d) + ")";
      case 4: return "coalesce(" + expr(G::Str, d) + ", " + expr(G::Str, d) + ")";
      case 5: return "phase";
      case 6: return "\"{" + expr(ch_.one_in(2) ? G::StrList : G::IntList, d) + "}\"";
      default: {
        const std::string n = named(G::Str, d);
        return n.empty() ? leaf(G::Str) : n;
      }
    }
  }

  std::string date_expr(int d) {
    switch (ch_.pick(5)) {
      case 0: return "(" + expr(G::Date, d) + " + " + expr(G::Int, d) + ")";
      case 1: return "(" + expr(G::Date, d) + " - " + expr(G::Int, d) + ")";
      case 2: return "add_days(" + expr(G::Date, d) + ", " + expr(G::Int, d) + ")";
      case 3: return "(if " + expr(G::Bool, d) + " then " + expr(G::Date, d) + " else " + expr(G::Date, d) + ")";
      default: {
        const std::string n = named(G::Date, d);
        return n.empty() ? leaf(G::Date) : n;
      }
    }
  }

  Choices& ch_;
  std::vector<Named> lets_;
  std::vector<Named> locals_;
  std::vector<Def> defs_;
  bool lib_ = false;
};

constexpr std::array<int64_t, 10> kInts = {0, 1, -1, 80, 100, 9223372036854775807LL, -9223372036854775807LL - 1,
                                           42, 1000000, -100};
constexpr std::array<double, 9> kNumbers = {0.0, 0.5, -0.0, 1e308, -1e308, 5e-324, 0.1, 123456.789, 1.7976931348623157e308};
constexpr std::array<std::string_view, 10> kStrings = {"",   "C1",      "crm",          "ma",  "x\"y,z\nw", "\xE3\x81\x82",
                                                       " ", "{curly}", "back\\slash", "\t"};
constexpr std::array<int32_t, 6> kDates = {20468 /* 2026-01-15 */, 0, -719528 /* 0000-01-01 */,
                                           2932896 /* 9999-12-31 */, 20500, 19000};
constexpr std::array<std::string_view, 4> kPhases = {"onboarding", "adoption", "expansion", "renewal"};

Value string_value(Record& r, std::string_view s) { return Value::string(r.arena.copy(s)); }

/// A record of fuzz::playbook_schema() with values chosen from the tables.
void make_record(Choices& ch, Record& r) {
  r.arena.reset();
  const Schema& s = *fuzz::playbook_schema();
  r.values.assign(s.fields.size(), Value::null());
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (i > 0 && ch.one_in(6)) continue;  // null
    const Type& t = s.fields[i].type;
    Value& v = r.values[i];
    switch (t.kind) {
      case TypeKind::Int: v = Value::integer(kInts[ch.pick(kInts.size())]); break;
      case TypeKind::Number: v = Value::number(kNumbers[ch.pick(kNumbers.size())]); break;
      case TypeKind::Bool: v = Value::boolean(ch.one_in(2)); break;
      case TypeKind::Date: v = Value::date(kDates[ch.pick(kDates.size())]); break;
      case TypeKind::Enum: v = Value::string(kPhases[ch.pick(kPhases.size())]); break;
      case TypeKind::String:
        v = ch.one_in(16) ? string_value(r, std::string(1000, 'x')) : string_value(r, kStrings[ch.pick(kStrings.size())]);
        break;
      case TypeKind::List: {
        const uint32_t n = static_cast<uint32_t>(ch.pick(4));
        Value* items = n ? r.arena.values(n) : nullptr;
        for (uint32_t k = 0; k < n; ++k) {
          items[k] = t.elem == TypeKind::Int ? Value::integer(kInts[ch.pick(kInts.size())])
                                             : string_value(r, kStrings[ch.pick(kStrings.size())]);
        }
        v = Value::list(items, n);
        break;
      }
      default: break;
    }
  }
}

void check_jsonl(const std::string& out) {
  size_t start = 0;
  while (start < out.size()) {
    const size_t nl = out.find('\n', start);
    if (nl == std::string::npos) fuzz::fail("JSON Lines output without a final newline");
    const std::string_view line(out.data() + start, nl - start);
    fuzz::require_json(line, "an output line");
    const nlohmann::json j = nlohmann::json::parse(line.begin(), line.end());
    for (const char* key : {"key", "playbook", "rule", "action"}) {
      if (!j.is_object() || !j.contains(key)) fuzz::fail(std::string("an action without '") + key + "'");
    }
    start = nl + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Choices ch(data, size);
  const std::string text = Generator(ch).playbook();
  Compilation c;
  const size_t m = c.parse("fuzz.play", text);
  CompileOptions o;
  o.registry = &stdlib::builtins();
  o.schema = fuzz::playbook_schema();
  o.resolve_import = fuzz::import_resolver(text);
  const std::shared_ptr<Program> program = compile(c, m, o);
  if (!program) return 0;
  (void)estimate_cost(*program, stdlib::builtins());
  Vm vm(*program, stdlib::builtins());
  vm.set_today(kDates[ch.pick(kDates.size())]);
  const bool facts = !ch.one_in(4);
  std::string jsonl, csv;
  JsonlWriter jw(jsonl, facts);
  CsvWriter cw(csv);
  Record record;
  const size_t records = 1 + ch.pick(4);
  for (size_t i = 0; i < records; ++i) {
    make_record(ch, record);
    record.index = i + 1;
    record.line = i + 2;
    vm.run(record, jw);
    vm.run(record, cw);
  }
  check_jsonl(jsonl);
  return 0;
}
