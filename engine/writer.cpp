#include "engine/writer.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "data/text.hpp"

namespace kairos {

const char* action_name(ast::ActionVerb verb) {
  switch (verb) {
    case ast::ActionVerb::Propose: return "propose";
    case ast::ActionVerb::Task: return "task";
    case ast::ActionVerb::Notify: return "notify";
    case ast::ActionVerb::Tag: return "tag";
    case ast::ActionVerb::Stop: return "stop";
  }
  return "?";
}

void append_key(std::string& out, const Program& program, const Record& record) {
  if (program.schema && program.schema->key < record.values.size()) {
    append_text(out, record.values[program.schema->key]);
  }
}

static const char* subject_key(ast::ActionVerb verb) {
  switch (verb) {
    case ast::ActionVerb::Propose: return "offer";
    case ast::ActionVerb::Task: return "title";
    case ast::ActionVerb::Notify: return "message";
    default: return "tag";
  }
}

/// The as-of date as ISO text.
static std::string iso_date(int32_t days) {
  char buf[16];
  return std::string(buf, format_iso_date(days, buf));
}

void JsonlWriter::dated(int32_t as_of) { date_ = ",\"date\":\"" + iso_date(as_of) + "\""; }

void CsvWriter::dated(int32_t as_of) { tail_ = "," + iso_date(as_of) + ",\n"; }

const JsonlWriter::Parts& JsonlWriter::parts(const Program& program, const Emitted& e) {
  bool fresh;
  Parts& p = parts_.get(program, e.action, fresh);
  if (!fresh) return p;
  const CompiledAction& a = *e.action;
  p.head.assign(",\"playbook\":");
  append_json_string(p.head, program.name);
  p.head += ",\"rule\":";
  append_json_string(p.head, e.rule->name);
  p.head += ",\"action\":\"";
  p.head += action_name(a.verb);
  p.head += '"';
  if (a.verb == ast::ActionVerb::Propose) {
    p.head += ",\"kind\":";
    append_json_string(p.head, a.kind);
  }
  p.subject = fmt::format(",\"{}\":", subject_key(a.verb));
  p.options.clear();
  for (const CompiledAction::Opt& o : a.options) p.options.push_back(fmt::format(",\"{}\":", option_name(o.name)));
  p.facts.clear();
  for (uint32_t slot : e.rule->facts) {
    std::string name = p.facts.empty() ? ",\"facts\":{" : ",";
    append_json_string(name, program.schema->fields[slot].name);
    name += ':';
    p.facts.push_back(std::move(name));
  }
  return p;
}

void JsonlWriter::action(const Program& program, const Record& record, const Emitted& e) {
  std::string& o = *out_;
  const Parts& p = parts(program, e);
  o += "{\"key\":";
  const Value* key = program.schema && program.schema->key < record.values.size() ? &record.values[program.schema->key]
                                                                                  : nullptr;
  if (key != nullptr && key->kind == ValueKind::String) {
    append_json_string(o, key->str());
  } else {
    key_.clear();
    append_key(key_, program, record);
    append_json_string(o, key_);
  }
  o += p.head;
  if (e.action->verb == ast::ActionVerb::Notify) {
    o += ",\"to\":";
    append_json_value(o, e.to);
  }
  o += p.subject;
  append_json_value(o, e.subject);
  for (size_t i = 0; i < p.options.size(); ++i) {
    o += p.options[i];
    append_json_value(o, e.options[i]);
  }
  o += date_;
  if (facts_) {
    if (p.facts.empty()) o += ",\"facts\":{";
    for (size_t i = 0; i < p.facts.size(); ++i) {
      o += p.facts[i];
      const uint32_t slot = e.rule->facts[i];
      append_json_value(o, slot < record.values.size() ? record.values[slot] : Value::null());
    }
    o += '}';
  }
  o += "}\n";
}

const std::string& CsvWriter::middle(const Program& program, const Emitted& e) {
  bool fresh;
  std::string& m = middles_.get(program, e.action, fresh);
  if (fresh) {
    m.assign(1, ',');
    append_csv_field(m, program.name);
    m += ',';
    append_csv_field(m, e.rule->name);
    m += ',';
    m += action_name(e.action->verb);
    m += ',';
    m += e.action->kind;  // a word of the grammar: never quoted
    m += ',';
  }
  return m;
}

void CsvWriter::field(const Value& v) {
  if (v.kind == ValueKind::String) {
    append_csv_field(*out_, v.str());
    return;
  }
  field_.clear();
  append_text(field_, v);
  append_csv_field(*out_, field_);
}

void CsvWriter::action(const Program& program, const Record& record, const Emitted& e) {
  std::string& out = *out_;
  if (program.schema && program.schema->key < record.values.size()) field(record.values[program.schema->key]);
  out += middle(program, e);
  field(e.subject);
  const OptionName columns[] = {OptionName::Owner, OptionName::Due, OptionName::Discount, OptionName::Reason};
  for (OptionName c : columns) {
    out += ',';
    // A notification has no owner; its recipient fills that column.
    if (c == OptionName::Owner && e.action->verb == ast::ActionVerb::Notify) field(e.to);
    for (size_t i = 0; i < e.action->options.size(); ++i) {
      if (e.action->options[i].name == c) field(e.options[i]);
    }
  }
  out += tail_;
}

}  // namespace kairos
