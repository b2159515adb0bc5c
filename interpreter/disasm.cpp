#include "interpreter/disasm.hpp"

#include <fmt/format.h>

#include <iterator>
#include <map>

#include "data/text.hpp"
#include "interpreter/vm.hpp"

namespace kairos {

static std::string constant_text(const Value& v) {
  std::string out;
  append_json_value(out, v);
  return out;
}

/// The operator a fused instruction applies, as written in a playbook.
static const char* fused_operator(Op op) {
  switch (op) {
    case Op::FieldEqConst: case Op::FieldEqConstTest: case Op::EqConst: case Op::EqConstTest: return "==";
    case Op::FieldNeConst: case Op::FieldNeConstTest: case Op::NeConst: case Op::NeConstTest: return "!=";
    case Op::FieldLtConst: case Op::FieldLtConstTest: case Op::LtConst: case Op::LtConstTest: return "<";
    case Op::FieldLeConst: case Op::FieldLeConstTest: case Op::LeConst: case Op::LeConstTest: return "<=";
    case Op::FieldGtConst: case Op::FieldGtConstTest: case Op::GtConst: case Op::GtConstTest: return ">";
    case Op::FieldGeConst: case Op::FieldGeConstTest: case Op::GeConst: case Op::GeConstTest: return ">=";
    case Op::FieldInConst: case Op::FieldInConstTest: case Op::ConstInField: case Op::ConstInFieldTest: return "in";
    case Op::FieldNotInConst: case Op::FieldNotInConstTest: case Op::ConstNotInField: case Op::ConstNotInFieldTest:
      return "not in";
    case Op::FieldEqTopTest: return "==";
    case Op::FieldNeTopTest: return "!=";
    case Op::FieldLtTopTest: return "<";
    case Op::FieldLeTopTest: return "<=";
    case Op::FieldGtTopTest: return ">";
    case Op::FieldGeTopTest: return ">=";
    case Op::FieldEqStrTest: return "==";
    case Op::FieldNeStrTest: return "!=";
    case Op::FieldLtIntTest: return "<";
    case Op::FieldLeIntTest: return "<=";
    case Op::FieldGtIntTest: return ">";
    case Op::FieldGeIntTest: return ">=";
    case Op::FieldInStrsTest: case Op::StrInFieldTest: return "in";
    case Op::FieldNotInStrsTest: case Op::StrNotInFieldTest: return "not in";
    case Op::FieldMulConst: return "*";
    default: return "";
  }
}

static void instruction(std::string& out, const Program& p, const grammar::SourceManager& sources,
                        const Registry& registry, uint32_t pc, const Instr& in, const grammar::Span& span);

std::string disassemble(const Program& p, const grammar::SourceManager& sources, const Registry& registry) {
  std::string out;
  auto w = std::back_inserter(out);
  fmt::format_to(w, "playbook {} ({})\n", constant_text(Value::string(p.name)), p.path);
  if (p.max_discount) fmt::format_to(w, "policy max_discount {}\n", *p.max_discount);
  if (p.max_proposals) fmt::format_to(w, "policy max_proposals {}\n", *p.max_proposals);

  // Label every entry point so the listing reads like a program.
  std::map<uint32_t, std::string> labels;
  for (size_t i = 0; i < p.lets.size(); ++i) labels[p.lets[i].entry] = fmt::format("let {}", p.lets[i].name);
  for (const CompiledRule& r : p.rules) {
    labels[r.condition] = fmt::format("rule {}: when", r.name);
    for (size_t a = 0; a < r.actions.size(); ++a) {
      const CompiledAction& act = r.actions[a];
      if (act.verb == ast::ActionVerb::Notify) labels[act.to] = fmt::format("rule {}: action {} to", r.name, a + 1);
      labels[act.subject] = fmt::format("rule {}: action {}", r.name, a + 1);
      for (const auto& o : act.options) {
        labels[o.entry] = fmt::format("rule {}: action {} {}", r.name, a + 1, option_name(o.name));
      }
    }
  }

  out += "\nrules in evaluation order:\n";
  for (size_t i = 0; i < p.rules.size(); ++i) {
    const CompiledRule& r = p.rules[i];
    fmt::format_to(w, "  {:>3}  {}  priority {}", i + 1, r.name, r.priority);
    if (r.group >= 0) fmt::format_to(w, "  group {}", p.groups[static_cast<size_t>(r.group)]);
    if (r.has_stop) out += "  stop";
    fmt::format_to(w, "  when @{:04}", r.condition);
    if (!r.facts.empty()) {
      out += "  facts";
      for (uint32_t f : r.facts) fmt::format_to(w, " {}", p.schema->fields[f].name);
    }
    out += '\n';
  }

  out += "\ncode:\n";
  const Chunk& c = p.chunk;
  for (uint32_t pc = 0; pc < c.code.size(); ++pc) {
    auto label = labels.find(pc);
    if (label != labels.end()) fmt::format_to(w, "{}:\n", label->second);
    instruction(out, p, sources, registry, pc, c.code[pc], c.spans[pc]);
  }

  // What Vm::run executes: every condition linked into one stream.
  const LinkedRules linked = link_rules(p);
  out += "\nlinked rules (run):\n";
  for (uint32_t pc = 0, r = 0; pc < linked.code.size(); ++pc) {
    for (; r < linked.rule_begin.size() && linked.rule_begin[r] == pc; ++r) {
      fmt::format_to(w, "rule {}:\n", p.rules[r].name);
    }
    instruction(out, p, sources, registry, pc, linked.code[pc], linked.spans[pc]);
  }
  return out;
}

/// One line of the listing: the instruction at `pc`, its source line, and
/// what its operand refers to.
static void instruction(std::string& out, const Program& p, const grammar::SourceManager& sources,
                        const Registry& registry, uint32_t pc, const Instr& in, const grammar::Span& span) {
  auto w = std::back_inserter(out);
  const Chunk& c = p.chunk;
  {
    const uint32_t line = sources.size() > span.file ? sources.file(span.file).locate(span.begin).line : 0;
    fmt::format_to(w, "  {:04}  {:>4}  {:<20}", pc, line, op_name(in.op));
    switch (op_operand(in.op)) {
      case Operand::None: break;
      case Operand::Constant: {
        const char* op = fused_operator(in.op);
        fmt::format_to(w, "{:<6} ; {}{}{}", in.a, op, *op ? " " : "", constant_text(c.constants[in.a]));
        break;
      }
      case Operand::Field: {
        const std::string field = p.schema && in.a < p.schema->fields.size() ? p.schema->fields[in.a].name : "?";
        if (in.op == Op::Field || in.op == Op::FieldTest) {
          fmt::format_to(w, "{:<6} ; {}", in.a, field);
        } else if (in.op >= Op::FieldEqTopTest && in.op <= Op::FieldGeTopTest) {
          fmt::format_to(w, "{:<6} ; {} {} (the value above)", in.a, field, fused_operator(in.op));
        } else if (in.op == Op::ConstInField || in.op == Op::ConstInFieldTest || in.op == Op::ConstNotInField ||
                   in.op == Op::ConstNotInFieldTest || in.op == Op::StrInFieldTest || in.op == Op::StrNotInFieldTest) {
          fmt::format_to(w, "{:<6} ; {} {} {}", fmt::format("{} {}", in.a, in.b), constant_text(c.constants[in.b]),
                         fused_operator(in.op), field);
        } else {
          fmt::format_to(w, "{:<6} ; {} {} {}", fmt::format("{} {}", in.a, in.b), field, fused_operator(in.op),
                         constant_text(c.constants[in.b]));
        }
        break;
      }
      case Operand::Range:
        fmt::format_to(w, "{:<6} ; in {}..{}", fmt::format("{} {}", in.b, in.a), constant_text(c.constants[in.b]),
                       constant_text(c.constants[in.a]));
        break;
      case Operand::Let: fmt::format_to(w, "{:<6} ; {}", in.a, in.a < p.lets.size() ? p.lets[in.a].name : "?"); break;
      case Operand::Local: fmt::format_to(w, "{}", in.a); break;
      case Operand::Jump:
        if (in.op == Op::LetCached) {
          fmt::format_to(w, "@{:04}  ; {}", in.a, in.b < p.lets.size() ? p.lets[in.b].name : "?");
        } else {
          fmt::format_to(w, "@{:04}", in.a);
        }
        break;
      case Operand::Builtin: fmt::format_to(w, "{:<6} ; {}/{}", in.a, registry.get(in.a).name, in.b); break;
      case Operand::Count: fmt::format_to(w, "{}", in.b); break;
      case Operand::Rule:
        fmt::format_to(w, "{:<6} ; {}", in.a, in.a < p.rules.size() ? p.rules[in.a].name : "?");
        break;
      case Operand::Group:
        fmt::format_to(w, "{:<6} ; group {}", in.a, in.a < p.groups.size() ? p.groups[in.a] : "?");
        break;
      case Operand::Entry: fmt::format_to(w, "@{:04}", in.a); break;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  }
}

}  // namespace kairos
