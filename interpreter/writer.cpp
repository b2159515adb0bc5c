#include "interpreter/writer.hpp"

#include <algorithm>

#include "interpreter/text.hpp"

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

void JsonlWriter::action(const Program& program, const Record& record, const Emitted& e) {
  std::string& o = out_;
  o += "{\"key\":\"";
  const size_t key_at = o.size();
  append_key(o, program, record);
  // Keys are usually plain; escape only when needed.
  std::string_view written(o.data() + key_at, o.size() - key_at);
  if (written.find_first_of("\"\\") != std::string_view::npos ||
      std::any_of(written.begin(), written.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    std::string raw(written);
    o.resize(key_at - 1);
    append_json_string(o, raw);
  } else {
    o += '"';
  }
  o += ",\"playbook\":";
  append_json_string(o, program.name);
  o += ",\"rule\":";
  append_json_string(o, e.rule->name);
  o += ",\"action\":\"";
  o += action_name(e.action->verb);
  o += '"';
  if (e.action->verb == ast::ActionVerb::Propose) {
    o += ",\"kind\":";
    append_json_string(o, e.action->kind);
  }
  if (e.action->verb == ast::ActionVerb::Notify) {
    o += ",\"to\":";
    append_json_value(o, e.to);
  }
  o += ",\"";
  o += subject_key(e.action->verb);
  o += "\":";
  append_json_value(o, e.subject);
  for (size_t i = 0; i < e.action->options.size(); ++i) {
    o += ",\"";
    o += option_name(e.action->options[i].name);
    o += "\":";
    append_json_value(o, e.options[i]);
  }
  if (facts_) {
    o += ",\"facts\":{";
    bool first = true;
    for (uint32_t slot : e.rule->facts) {
      if (!first) o += ',';
      first = false;
      append_json_string(o, program.schema->fields[slot].name);
      o += ':';
      append_json_value(o, slot < record.values.size() ? record.values[slot] : Value::null());
    }
    o += '}';
  }
  o += "}\n";
}

const std::string& CsvWriter::middle(const Program& program, const Emitted& e) {
  Middle& m = middles_[(reinterpret_cast<uintptr_t>(e.action) >> 4) % middles_.size()];
  if (m.action != e.action) {
    m.action = e.action;
    m.text.assign(1, ',');
    append_csv_field(m.text, program.name);
    m.text += ',';
    append_csv_field(m.text, e.rule->name);
    m.text += ',';
    m.text += action_name(e.action->verb);
    m.text += ',';
    m.text += e.action->kind;  // a word of the grammar: never quoted
    m.text += ',';
  }
  return m.text;
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
  out += '\n';
}

}  // namespace kairos
