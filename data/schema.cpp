#include "data/schema.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <memory>
#include <unordered_map>

#include "data/yaml_load.hpp"

namespace kairos {

int Schema::find(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const FieldSpec& f : fields) out.push_back(f.name);
  return out;
}

namespace {

using grammar::Diagnostics;
using grammar::Span;

const std::vector<std::string> kTopKeys = {"key", "fields"};
const std::vector<std::string> kFieldOptions = {"type", "column", "required", "optional", "min",
                                                "max",  "values", "of",       "separator"};
const std::vector<std::string> kTypeNames = {"int",    "number", "bool", "date",
                                             "string", "enum",   "list"};
const std::vector<std::string> kElemNames = {"int", "number", "bool", "date", "string", "enum"};

/// The kind named by a type word, or Any when it names none.
TypeKind kind_of(const std::string& word) {
  if (word == "int") return TypeKind::Int;
  if (word == "number") return TypeKind::Number;
  if (word == "bool") return TypeKind::Bool;
  if (word == "date") return TypeKind::Date;
  if (word == "string") return TypeKind::String;
  if (word == "enum") return TypeKind::Enum;
  if (word == "list") return TypeKind::List;
  return TypeKind::Any;
}

/// A field's name or column, as a dotted path into nested data, may have
/// this many parts (docs/limits.md): readers walk a path a part at a time,
/// and no record nests deeper than the JSON Lines reader's 64 levels.
constexpr size_t kMaxPathParts = 64;

size_t path_parts(const std::string& path) { return static_cast<size_t>(std::count(path.begin(), path.end(), '.')) + 1; }

/// `a`, `a_b`, `usage.seats.used`: names a playbook can refer to.
bool is_field_name(const std::string& s) {
  if (s.empty()) return false;
  bool start = true;
  for (const char c : s) {
    if (c == '.') {
      if (start) return false;
      start = true;
      continue;
    }
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (start ? !alpha : !(alpha || digit)) return false;
    start = false;
  }
  return !start;
}

std::string with_suggestion(std::string message, const std::string& word,
                            const std::vector<std::string>& candidates) {
  const std::string best = grammar::did_you_mean(word, candidates);
  if (!best.empty()) message += fmt::format(" (did you mean '{}'?)", best);
  return message;
}

/// Turns yaml-cpp marks into spans of the schema file and records problems.
class SchemaParser {
 public:
  SchemaParser(uint32_t file, const std::string& text, Diagnostics& diags)
      : file_(file), text_(text), diags_(diags) {
    // yaml-cpp skips a UTF-8 byte order mark without counting it in positions.
    if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0) bom_ = 3;
  }

  std::optional<Schema> parse();

 private:
  Span span_at(const YAML::Mark& m, size_t len) const {
    if (m.pos < 0) return Span{file_, 0, 0};
    const size_t begin = std::min(static_cast<size_t>(m.pos) + bom_, text_.size());
    const size_t end = std::min(begin + len, text_.size());
    return Span{file_, static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
  }

  /// The span of a node: a scalar's source text (quotes included), else its first character.
  Span span_of(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.pos < 0) return Span{file_, 0, 0};
    const size_t begin = static_cast<size_t>(m.pos) + bom_;
    if (!n.IsScalar() || begin >= text_.size()) return span_at(m, 1);
    const char q = text_[begin];
    size_t end = begin;
    if (q == '"' || q == '\'') {
      end = begin + 1;
      while (end < text_.size() && text_[end] != q && text_[end] != '\n') {
        end += (q == '"' && text_[end] == '\\') ? 2 : 1;
      }
      if (end < text_.size() && text_[end] == q) ++end;
    } else {
      const size_t line_end = text_.find('\n', begin);
      const size_t limit = line_end == std::string::npos ? text_.size() : line_end;
      end = std::min(begin + std::max<size_t>(n.Scalar().size(), 1), limit);
    }
    return Span{file_, static_cast<uint32_t>(begin),
                static_cast<uint32_t>(std::min(std::max(end, begin + 1), text_.size()))};
  }

  void error(const std::string& code, const YAML::Node& at, std::string message, std::string help = {}) {
    diags_.error(code, span_of(at), std::move(message), std::move(help));
  }

  bool scalar_text(const YAML::Node& n, std::string& out) {
    if (!n.IsScalar()) return false;
    out = n.Scalar();
    return true;
  }

  std::optional<TypeKind> type_word(const YAML::Node& n, const std::string& field, bool element);
  void parse_field(const YAML::Node& name_node, const YAML::Node& spec, FieldSpec& f);
  void parse_options(const YAML::Node& spec, FieldSpec& f);

  uint32_t file_;
  const std::string& text_;
  Diagnostics& diags_;
  size_t bom_ = 0;
};

/// A type word (`int`, `list`, `list<int>` ...). Reports an unknown one.
std::optional<TypeKind> SchemaParser::type_word(const YAML::Node& n, const std::string& field,
                                                bool element) {
  std::string word;
  if (!scalar_text(n, word)) {
    error("schema-invalid-type", n, fmt::format("the type of field '{}' must be a type name", field));
    return std::nullopt;
  }
  const TypeKind k = kind_of(word);
  if (k == TypeKind::Any || (element && k == TypeKind::List)) {
    const std::vector<std::string>& names = element ? kElemNames : kTypeNames;
    std::string help = element ? "list items are int, number, bool, date, string or enum"
                               : "the types are int, number, bool, date, string, enum and list";
    error("schema-unknown-type", n,
          with_suggestion(fmt::format("unknown {}type '{}'", element ? "list item " : "", word),
                          word, names),
          std::move(help));
    return std::nullopt;
  }
  return k;
}

/// Reads the options of a field written as a mapping.
void SchemaParser::parse_options(const YAML::Node& spec, FieldSpec& f) {
  // std::optional: a default YAML::Node counts as defined, and assigning to
  // a node that refers to one rewrites the document.
  std::optional<YAML::Node> type_node, of_node, values_node, min_node, max_node, sep_node;
  std::unordered_map<std::string, bool> seen;
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    std::string opt;
    if (!scalar_text(key, opt)) {
      error("schema-unknown-option", key, fmt::format("the options of field '{}' must be named", f.name));
      continue;
    }
    if (seen[opt]) {
      error("schema-duplicate-option", key, fmt::format("option '{}' is given twice for field '{}'", opt, f.name));
      continue;
    }
    seen[opt] = true;
    if (opt == "type") {
      type_node.emplace(value);
    } else if (opt == "column") {
      std::string column;
      if (!scalar_text(value, column) || column.empty()) {
        error("schema-invalid-option", value.IsNull() ? key : value,
              fmt::format("'column' of field '{}' must be a non-empty text", f.name));
      } else {
        f.source = column;
      }
    } else if (opt == "required" || opt == "optional") {
      bool b = false;
      if (!value.IsScalar() || !YAML::convert<bool>::decode(value, b)) {
        error("schema-invalid-option", value.IsNull() ? key : value,
              fmt::format("'{}' of field '{}' must be true or false", opt, f.name));
      } else {
        (opt == "required" ? f.required : f.optional) = b;
      }
    } else if (opt == "min") {
      min_node.emplace(value.IsNull() ? key : value);
    } else if (opt == "max") {
      max_node.emplace(value.IsNull() ? key : value);
    } else if (opt == "values") {
      values_node.emplace(value);
    } else if (opt == "of") {
      of_node.emplace(value);
    } else if (opt == "separator") {
      sep_node.emplace(value);
    } else {
      error("schema-unknown-option", key,
            with_suggestion(fmt::format("unknown option '{}' for field '{}'", opt, f.name), opt,
                            kFieldOptions),
            "the options are type, column, required, min, max, values, of and separator");
    }
  }

  if (!type_node) {
    error("schema-missing-type", spec, fmt::format("field '{}' has no 'type'", f.name));
    return;
  }
  const std::optional<TypeKind> kind = type_word(*type_node, f.name, false);
  if (!kind) return;
  TypeKind elem = TypeKind::String;
  if (of_node) {
    if (*kind != TypeKind::List) {
      error("schema-invalid-option", *of_node,
            fmt::format("'of' applies only to list fields, and '{}' is {}", f.name, kind_name(*kind)));
    } else if (const std::optional<TypeKind> e = type_word(*of_node, f.name, true)) {
      elem = *e;
    }
  }

  const bool wants_values = *kind == TypeKind::Enum || (*kind == TypeKind::List && elem == TypeKind::Enum);
  const std::string declared = *kind == TypeKind::List ? type_name(Type::list_of(elem)) : kind_name(*kind);
  std::shared_ptr<EnumValues> values;
  if (values_node) {
    if (!wants_values) {
      error("schema-invalid-option", *values_node,
            fmt::format("'values' applies only to enum fields, and '{}' is {}", f.name, declared));
    } else if (!values_node->IsSequence() || values_node->size() == 0) {
      error("schema-enum-values", *values_node,
            fmt::format("'values' of field '{}' must be a non-empty list of names", f.name));
    } else if (values_node->size() > kMaxEnumValues) {
      error("schema-enum-values", *values_node,
            fmt::format("field '{}' declares {} values, and an enum may have at most {}", f.name,
                        values_node->size(), kMaxEnumValues),
            "declare the field as a string");
    } else {
      values = std::make_shared<EnumValues>();
      for (const YAML::Node& v : *values_node) {
        std::string text;
        if (!scalar_text(v, text) || text.empty()) {
          error("schema-enum-values", v, fmt::format("the values of field '{}' must be names", f.name));
        } else if (values->contains(text)) {
          error("schema-enum-values", v, fmt::format("duplicate value '{}' in field '{}'", text, f.name));
        } else {
          values->add(text);
        }
      }
    }
  } else if (wants_values) {
    error("schema-enum-values", *type_node, fmt::format("enum field '{}' has no 'values'", f.name),
          "list the allowed names, e.g. values: [bronze, silver, gold]");
  }

  if (sep_node) {
    std::string sep;
    if (*kind != TypeKind::List) {
      error("schema-invalid-option", *sep_node,
            fmt::format("'separator' applies only to list fields, and '{}' is {}", f.name, declared));
    } else if (!scalar_text(*sep_node, sep) || sep.empty()) {
      error("schema-invalid-option", *sep_node,
            fmt::format("'separator' of field '{}' must be a non-empty text", f.name));
    } else {
      f.separator = sep;
    }
  }

  const bool numeric = *kind == TypeKind::Int || *kind == TypeKind::Number;
  auto bound = [&](const std::optional<YAML::Node>& node, const char* name) -> std::optional<double> {
    if (!node) return std::nullopt;
    const YAML::Node& n = *node;
    if (!numeric) {
      error("schema-invalid-option", n,
            fmt::format("'{}' applies only to int and number fields, and '{}' is {}", name, f.name, declared));
      return std::nullopt;
    }
    double d = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, d) || d != d) {
      error("schema-invalid-option", n, fmt::format("'{}' of field '{}' must be a number", name, f.name));
      return std::nullopt;
    }
    return d;
  };
  f.min = bound(min_node, "min");
  f.max = bound(max_node, "max");
  if (f.min && f.max && *f.min > *f.max) {
    error("schema-bounds", *min_node,
          fmt::format("min {} is greater than max {} for field '{}'", *f.min, *f.max, f.name));
  }

  if (*kind == TypeKind::Enum) {
    f.type = Type{TypeKind::Enum, TypeKind::Any, values};
  } else if (*kind == TypeKind::List) {
    f.type = Type{TypeKind::List, elem, elem == TypeKind::Enum ? values : nullptr};
  } else {
    f.type = Type::of(*kind);
  }
}

/// Reads one entry of `fields:`, either a bare type name or a mapping of options.
void SchemaParser::parse_field(const YAML::Node& name_node, const YAML::Node& spec, FieldSpec& f) {
  f.source = f.name;
  if (spec.IsScalar()) {
    const std::optional<TypeKind> kind = type_word(spec, f.name, false);
    if (!kind) return;
    if (*kind == TypeKind::Enum) {
      error("schema-enum-values", spec, fmt::format("enum field '{}' has no 'values'", f.name),
            "write it as a mapping, e.g. {type: enum, values: [bronze, silver, gold]}");
      return;
    }
    f.type = *kind == TypeKind::List ? Type::list_of(TypeKind::String) : Type::of(*kind);
  } else if (spec.IsMap()) {
    parse_options(spec, f);
  } else {
    error("schema-invalid-field", spec.IsNull() ? name_node : spec,
          fmt::format("field '{}' must be a type name or a mapping of options", f.name),
          "e.g. 'nps: int' or 'health: {type: int, min: 0, max: 100}'");
  }
}

std::optional<Schema> SchemaParser::parse() {
  const size_t errors_before = diags_.items().size();
  std::vector<YAML::Node> docs;
  try {
    docs = load_all_yaml(text_);
  } catch (const YAML::ParserException& e) {
    diags_.error("schema-syntax", span_at(e.mark, 1), fmt::format("invalid YAML: {}", e.msg));
    return std::nullopt;
  }
  if (docs.size() > 1) {
    diags_.error("schema-invalid", span_of(docs[1]), "a schema file holds one YAML document");
  }
  const YAML::Node root = docs.empty() ? YAML::Node() : docs[0];
  if (!root.IsMap()) {
    diags_.error("schema-invalid", docs.empty() ? Span{file_, 0, 0} : span_of(root),
                 "a schema must be a mapping with 'fields'",
                 "e.g. 'fields: {customer_id: string, health: int}'");
    return std::nullopt;
  }

  Schema schema;
  std::optional<YAML::Node> key_node, fields_node;
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string name;
    if (!scalar_text(it->first, name)) {
      error("schema-unknown-option", it->first, "schema keys must be names");
      continue;
    }
    if (name == "key") {
      key_node.emplace(it->second);
    } else if (name == "fields") {
      fields_node.emplace(it->second);
    } else {
      error("schema-unknown-option", it->first,
            with_suggestion(fmt::format("unknown schema key '{}'", name), name, kTopKeys),
            "a schema has 'fields' and an optional 'key'");
    }
  }
  if (!fields_node) {
    diags_.error("schema-no-fields", span_of(root), "the schema has no 'fields'");
  } else if (!fields_node->IsMap()) {
    error("schema-no-fields", *fields_node, "'fields' must be a mapping of field names to types");
  } else if (fields_node->size() == 0) {
    error("schema-no-fields", *fields_node, "the schema declares no fields");
  } else {
    for (auto it = fields_node->begin(); it != fields_node->end(); ++it) {
      FieldSpec f;
      if (!scalar_text(it->first, f.name)) {
        error("schema-field-name", it->first, "field names must be text");
        continue;
      }
      if (!is_field_name(f.name)) {
        error("schema-field-name", it->first, fmt::format("field name '{}' is not an identifier", f.name),
              "name it with letters, digits and '_' and give the source header as 'column'");
      }
      if (schema.find(f.name) >= 0) {
        error("schema-duplicate-field", it->first, fmt::format("duplicate field '{}'", f.name));
        continue;
      }
      parse_field(it->first, it->second, f);
      if (path_parts(f.source) > kMaxPathParts || path_parts(f.name) > kMaxPathParts) {
        const bool column = path_parts(f.source) > kMaxPathParts;
        error("schema-field-name", column ? it->second : it->first,
              fmt::format("the {} of field '{}' has {} dotted parts, and a path may have at most {}",
                          column ? "column" : "name", f.name.substr(0, 64), path_parts(column ? f.source : f.name),
                          kMaxPathParts),
              "data nests at most 64 levels deep (JSON Lines), so a longer path names nothing");
        continue;
      }
      schema.fields.push_back(std::move(f));
    }
  }

  if (key_node) {
    std::string key;
    if (!scalar_text(*key_node, key)) {
      error("schema-unknown-key", key_node->IsNull() ? root : *key_node, "'key' must name a field");
    } else if (const int index = schema.find(key); index >= 0) {
      schema.key = static_cast<size_t>(index);
    } else if (fields_node) {
      error("schema-unknown-key", *key_node,
            with_suggestion(fmt::format("key '{}' names no field", key), key, schema.names()));
    }
  }

  for (size_t i = errors_before; i < diags_.items().size(); ++i) {
    if (diags_.items()[i].severity == grammar::Severity::Error) return std::nullopt;
  }
  return schema;
}

}  // namespace

std::optional<Schema> load_schema(const std::string& path, grammar::SourceManager& sources,
                                  grammar::Diagnostics& diags) {
  std::string error;
  std::optional<std::string> text = grammar::read_source_file(path, error);
  if (!text) {
    diags.file_error("schema-unreadable", path, fmt::format("cannot read schema file: {}", error));
    return std::nullopt;
  }
  const uint32_t file = sources.add(path, std::move(*text));
  return parse_schema(file, sources, diags);
}

std::optional<Schema> parse_schema(uint32_t file, grammar::SourceManager& sources, grammar::Diagnostics& diags) {
  const grammar::SourceFile& f = sources.file(file);
  SchemaParser parser(file, f.text(), diags);
  std::optional<Schema> schema = parser.parse();
  if (schema) schema->path = f.path();
  return schema;
}

}  // namespace kairos
