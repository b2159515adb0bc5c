// YAML records: a sequence of mappings. The file is loaded whole with
// yaml-cpp (YAML data files are small, and yaml-cpp has no streaming node
// API); a syntax error is recovered from by reading each top-level item of
// the sequence on its own. See record.cpp for the conversion rules.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/convert.hpp"
#include "data/reader_common.hpp"
#include "data/yaml_load.hpp"

namespace kairos {

namespace {

using reader::reject;

/// `a mapping`, `a sequence`, ... for messages.
const char* a_node(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

/// A copy of `n` cut to `depth` levels and about `budget` nodes, deeper or
/// further parts replaced by "...": an alias can make a node contain itself,
/// and a rejection shows only the start of a value anyway.
YAML::Node bounded_copy(const YAML::Node& n, int depth, size_t& budget) {
  if (budget > 0) --budget;
  if (!n.IsMap() && !n.IsSequence()) return n;
  if (depth == 0 || budget == 0) return YAML::Node("...");
  YAML::Node out(n.IsMap() ? YAML::NodeType::Map : YAML::NodeType::Sequence);
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (budget == 0) {
      if (n.IsSequence()) out.push_back("...");
      break;
    }
    if (n.IsMap()) {
      out[bounded_copy(it->first, depth - 1, budget)] = bounded_copy(it->second, depth - 1, budget);
    } else {
      out.push_back(bounded_copy(*it, depth - 1, budget));
    }
  }
  return out;
}

/// A node as text: a scalar's own text, a collection in flow style (its
/// first levels and items: see bounded_copy).
std::string raw_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  if (n.IsNull()) return "";
  size_t budget = 256;
  YAML::Emitter e;
  e.SetSeqFormat(YAML::Flow);
  e.SetMapFormat(YAML::Flow);
  e << bounded_copy(n, 8, budget);
  return e.c_str();
}

uint64_t line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? static_cast<uint64_t>(n.Mark().line) + 1 : 0; }

/// Whether the path `wanted` lies inside the mapping at `path` (it is
/// `path.` followed by more).
bool inside(const std::string& wanted, const std::string& path) {
  return wanted.size() > path.size() && wanted.compare(0, path.size(), path) == 0 && wanted[path.size()] == '.';
}

/// The paths of a mapping that the schema asks for (a field's source or
/// name, dotted through nested mappings), with their nodes. Only mappings on
/// the way to such a path are entered, so a mapping that contains itself
/// through an alias, or a small file whose aliases fan out, costs no more
/// than the schema's paths. A mapping where a scalar is declared is found,
/// and rejected.
void flatten(const YAML::Node& map, const std::string& prefix, const Schema& schema,
             std::vector<std::pair<std::string, YAML::Node>>& out) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    std::string path = prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar();
    bool want = false, enter = false;
    for (const FieldSpec& f : schema.fields) {
      want = want || f.source == path || f.name == path;
      enter = enter || inside(f.source, path) || inside(f.name, path);
    }
    if (want) out.emplace_back(path, it->second);
    if (enter && it->second.IsMap()) flatten(it->second, path, schema, out);
  }
}

/// The dotted path of the first key that a mapping of the record gives
/// twice, or empty (yaml-cpp keeps both; a lookup would find the first
/// silently). Looks into nested mappings and sequences down to 32 levels and
/// at 10,000 nodes at most, so an alias that makes a mapping contain itself
/// ends the walk.
std::string duplicate_key(const YAML::Node& node, const std::string& prefix, int depth, size_t& budget) {
  if (depth > 32 || budget == 0) return {};
  --budget;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      std::string d = duplicate_key(item, prefix, depth + 1, budget);
      if (!d.empty()) return d;
    }
    return {};
  }
  if (!node.IsMap()) return {};
  std::vector<std::string> keys;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string& k = it->first.Scalar();
    const std::string path = prefix.empty() ? k : prefix + "." + k;
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) return path;
    keys.push_back(k);
    std::string d = duplicate_key(it->second, path, depth + 1, budget);
    if (!d.empty()) return d;
  }
  return {};
}

bool blank_node(const YAML::Node& n) { return n.IsNull() || (n.IsScalar() && reader::is_blank(n.Scalar())); }

/// Converts one node to a field's value.
bool value_from_node(const YAML::Node& n, const FieldSpec& f, Arena& arena, Value& out, std::string& reason) {
  if (n.IsNull()) {
    out = Value::null();
    return true;
  }
  if (n.IsScalar()) return reader::value_from_text(n.Scalar(), f, arena, out, reason);
  if (n.IsSequence() && f.type.kind == TypeKind::List) {
    uint32_t count = 0;
    for (const YAML::Node& item : n) {
      if (!blank_node(item)) ++count;
    }
    Value* items = arena.values(count);
    uint32_t k = 0;
    size_t position = 0;
    for (const YAML::Node& item : n) {
      ++position;
      if (blank_node(item)) continue;
      if (!item.IsScalar()) {
        reason = fmt::format("list item {}: expected {}, found {}", position, reader::a_kind(f.type.elem), a_node(item));
        return false;
      }
      if (!reader::valid_utf8(item.Scalar())) {
        reason = "invalid UTF-8";
        return false;
      }
      if (!reader::scalar_from_text(item.Scalar(), f.type.elem, f.type.enum_values.get(), arena, items[k], reason)) {
        reason = fmt::format("list item '{}': {}", item.Scalar(), reason);
        return false;
      }
      ++k;
    }
    out = Value::list(items, k);
    return true;
  }
  reason = fmt::format("expected {}, found {}", reader::a_kind(f.type.kind), a_node(n));
  return false;
}

/// convert_yaml_record with the record's line given (chunks of a broken file
/// are parsed on their own, so their marks are relative).
RecordReader::Status convert_at(const YAML::Node& mapping, const Schema& schema, Record& out, Rejection& rejected,
                                uint64_t line) {
  out.arena.reset();
  out.line = line;
  if (!mapping.IsMap()) {
    reject(rejected, line, "", "", raw_text(mapping),
           fmt::format("a record must be a mapping, found {}", a_node(mapping)));
    return RecordReader::Status::Rejected;
  }
  std::vector<std::pair<std::string, YAML::Node>> paths;
  flatten(mapping, "", schema, paths);
  auto find = [&](const std::string& source) -> const YAML::Node* {
    for (const auto& [path, node] : paths) {
      if (path == source) return &node;
    }
    return nullptr;
  };
  std::string key;
  if (schema.key < schema.fields.size()) {
    const FieldSpec& kf = schema.fields[schema.key];
    const YAML::Node* k = find(kf.source);
    if (k == nullptr && kf.name != kf.source) k = find(kf.name);
    if (k != nullptr && k->IsScalar()) key = k->Scalar();
  }
  size_t budget = 10000;
  if (const std::string twice = duplicate_key(mapping, "", 0, budget); !twice.empty()) {
    // Which value was meant is unknown: the key too when it is the one given twice.
    const bool is_key = schema.key < schema.fields.size() &&
                        (schema.fields[schema.key].source == twice || schema.fields[schema.key].name == twice);
    reject(rejected, line, is_key ? std::string() : key, twice, "",
           fmt::format("the key '{}' is given twice in one object", twice));
    return RecordReader::Status::Rejected;
  }
  out.values.resize(schema.fields.size());
  std::string reason;
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    const FieldSpec& f = schema.fields[i];
    Value& v = out.values[i];
    // A YAML record may name a field by its column (source) or, as playbooks
    // and test files do, by the field's own name.
    const YAML::Node* n = find(f.source);
    if (n == nullptr && f.name != f.source) n = find(f.name);
    if (n == nullptr) {
      v = Value::null();
    } else if (!value_from_node(*n, f, out.arena, v, reason)) {
      reject(rejected, line, key, f.name, raw_text(*n), std::move(reason));
      return RecordReader::Status::Rejected;
    }
    if (v.is_null() && f.required) {
      reject(rejected, line, key, f.name, n != nullptr ? raw_text(*n) : std::string(), "required field is missing");
      return RecordReader::Status::Rejected;
    }
  }
  return RecordReader::Status::Record;
}

/// Inference flattens nested mappings down to this depth; a mapping deeper
/// than that (or one that contains itself through an alias) is left out of
/// the schema, as in JSON Lines.
constexpr size_t kMaxInferDepth = 32;
/// Inference looks at this many keys of one record at most: aliases can make
/// a small file hold a mapping with more paths than atoms in the universe.
constexpr size_t kMaxInferKeys = 10000;

void guess_mapping(const YAML::Node& map, const std::string& prefix, reader::SchemaGuesser& g, size_t& budget,
                   size_t depth = 1) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (budget == 0) return;
    --budget;
    if (!it->first.IsScalar()) continue;
    const std::string path = prefix.empty() ? it->first.Scalar() : prefix + "." + it->first.Scalar();
    const YAML::Node v = it->second;
    if (v.IsMap()) {
      if (depth < kMaxInferDepth) {
        guess_mapping(v, path, g, budget, depth + 1);
      } else {
        g.at(path).nested = true;
      }
      continue;
    }
    reader::SchemaGuesser::Entry& e = g.at(path);
    auto scalar = [](const YAML::Node& x, reader::Guess& guess) {
      if (x.IsScalar() && !reader::is_blank(x.Scalar()) && reader::valid_utf8(x.Scalar())) guess.text(x.Scalar());
    };
    if (v.IsSequence()) {
      e.list = true;
      for (const YAML::Node& item : v) {
        if (item.IsMap() || item.IsSequence()) e.nested = true;
        scalar(item, e.items);
      }
    } else {
      scalar(v, e.scalar);
    }
  }
}

/// One item of the data: a record's node, or a part of the file that could not be read.
struct Item {
  YAML::Node node;
  uint64_t line = 0;
  std::string error;  ///< why it could not be read (then `raw` is its text)
  std::string raw;
};

class YamlReader final : public RecordReader {
 public:
  YamlReader(const std::vector<Item>& items, const Schema& schema, const std::string& failure)
      : items_(items), schema_(schema), failure_(failure) {}

  std::string failure() const override { return failure_; }

  Status next(Record& out, Rejection& rejected) override {
    if (next_ >= items_.size()) return Status::End;
    const Item& item = items_[next_++];
    out.index = next_;
    if (!item.error.empty()) {
      out.arena.reset();
      out.line = item.line;
      reject(rejected, item.line, "", "", item.raw, item.error);
      return Status::Rejected;
    }
    return convert_at(item.node, schema_, out, rejected, item.line);
  }

 private:
  const std::vector<Item>& items_;
  const Schema& schema_;
  const std::string& failure_;
  size_t next_ = 0;
};

/// A YAML document of the data may hold this much (docs/limits.md): it is
/// loaded whole, and yaml-cpp takes many times its size in memory.
constexpr size_t kMaxDocumentBytes = size_t{16} << 20;
constexpr const char* kDocumentTooLong =
    "YAML document is longer than the 16 MiB limit; the rest of the file is not read";

class YamlInput final : public DataInput {
 public:
  explicit YamlInput(std::unique_ptr<reader::ByteSource> src) : src_(std::move(src)) {}

  Schema infer_schema() override {
    load();
    if (!src_->error().empty()) throw DataError(src_->error());
    std::vector<YAML::Node> nodes;
    for (const Item& item : items_) {
      if (nodes.size() == reader::kInferValues) break;
      if (item.error.empty()) nodes.push_back(item.node);
    }
    return infer_schema_from_yaml(nodes);
  }

  std::unique_ptr<RecordReader> reader(const Schema& schema) override {
    load();
    return std::make_unique<YamlReader>(items_, schema, src_->error());
  }

 private:
  void add_documents(const std::vector<YAML::Node>& docs, uint64_t first_line) {
    for (const YAML::Node& doc : docs) {
      if (doc.IsNull()) continue;
      if (!doc.IsSequence()) {
        items_.push_back({YAML::Node(), first_line + line_of(doc),
                          fmt::format("the YAML data must be a sequence of mappings, found {}", a_node(doc)),
                          raw_text(doc)});
        continue;
      }
      for (const YAML::Node& item : doc) items_.push_back({item, first_line + line_of(item), {}, {}});
    }
  }

  void load() {
    if (loaded_) return;
    loaded_ = true;
    uint64_t too_long_line = 0;
    const std::string text = read_documents(too_long_line);
    // A YAML file is one document tree: part of it may read as whole
    // records that are not, so a read error leaves no record at all.
    if (!src_->error().empty()) return;
    try {
      add_documents(load_all_yaml(text), 0);
    } catch (const YAML::Exception& e) {
      recover(text, e);
    }
    if (too_long_line > 0) items_.push_back({YAML::Node(), too_long_line, kDocumentTooLong, {}});
  }

  /// The text of the input, read up to the first YAML document longer than
  /// kMaxDocumentBytes (then `too_long_line` is the line it starts on, and
  /// the rest of the input is not read: a file that never ends, such as
  /// /dev/zero, is one such document). Documents start at a line that
  /// begins with `---` or `...`.
  std::string read_documents(uint64_t& too_long_line) {
    size_t scanned = 0, doc_start = 0;
    uint64_t line = 1, doc_line = 1;
    auto marker = [](const char* p, size_t n) {
      if (n < 3 || !(std::memcmp(p, "---", 3) == 0 || std::memcmp(p, "...", 3) == 0)) return false;
      return n == 3 || p[3] == ' ' || p[3] == '\t' || p[3] == '\r' || p[3] == '\n';
    };
    for (;;) {
      const char* d = src_->data();
      const size_t n = src_->size();
      while (scanned < n) {
        const void* nl = std::memchr(d + scanned, '\n', n - scanned);
        if (nl == nullptr) break;
        const size_t next = static_cast<size_t>(static_cast<const char*>(nl) - d) + 1;
        if (n - next < 4 && !src_->eof()) break;  // the next line's start is not read yet
        scanned = next;
        ++line;
        if (marker(d + next, n - next)) {
          if (next - doc_start > kMaxDocumentBytes) break;
          doc_start = next;
          doc_line = line;
        }
      }
      // Also when the scan stopped at the marker after a document too long.
      if (n - doc_start > kMaxDocumentBytes) {
        too_long_line = doc_line;
        return std::string(d, doc_start);
      }
      if (src_->eof()) return std::string(d, n);
      src_->refill(0);
    }
  }

  /// After a syntax error: reads each top-level `- ` item on its own, so one
  /// broken record does not hide the others. When the file is not laid out
  /// that way, the whole file is one rejection.
  void recover(const std::string& text, const YAML::Exception& error) {
    std::vector<size_t> starts;       // byte offsets of the top-level items
    std::vector<uint64_t> start_lines;
    bool prefix_ok = true;
    // The items are the lines that start with '-' where the first item does:
    // at column 1, or indented (`  - id: A`) as some exporters write them.
    std::optional<size_t> indent;
    uint64_t line = 1;
    for (size_t at = 0; at < text.size(); ++line) {
      const size_t nl = text.find('\n', at);
      const size_t end = nl == std::string::npos ? text.size() : nl;
      const std::string_view l(text.data() + at, end - at);
      const size_t lead = std::min(l.find_first_not_of(' '), l.size());
      const auto is_item = [&](size_t i) {
        return l.size() > i && l[i] == '-' &&
               (l.size() == i + 1 || l[i + 1] == ' ' || l[i + 1] == '\t' || l[i + 1] == '\r') &&
               l.substr(i, 3) != "---";
      };
      if (!indent && starts.empty() && is_item(lead)) indent = lead;
      if (indent && lead == *indent && is_item(lead)) {
        starts.push_back(at);
        start_lines.push_back(line);
      } else if (starts.empty() && !reader::is_blank(l) && l[0] != '#' && l.substr(0, 3) != "---" && l[0] != '%') {
        prefix_ok = false;
      }
      at = end + (nl == std::string::npos ? 0 : 1);
    }
    if (starts.empty() || !prefix_ok) {
      items_.push_back({YAML::Node(), static_cast<uint64_t>(error.mark.line + 1),
                        fmt::format("invalid YAML at line {}, column {}: {}; no record could be read",
                                    error.mark.line + 1, error.mark.column + 1, error.msg),
                        {}});
      return;
    }
    for (size_t i = 0; i < starts.size(); ++i) {
      const size_t end = i + 1 < starts.size() ? starts[i + 1] : text.size();
      const std::string chunk = text.substr(starts[i], end - starts[i]);
      try {
        add_documents(load_all_yaml(chunk), start_lines[i] - 1);
      } catch (const YAML::Exception& e) {
        items_.push_back({YAML::Node(), start_lines[i],
                          fmt::format("invalid YAML at line {}, column {}: {}",
                                      start_lines[i] + static_cast<uint64_t>(e.mark.line), e.mark.column + 1, e.msg),
                          chunk});
      }
    }
  }

  std::unique_ptr<reader::ByteSource> src_;
  bool loaded_ = false;
  std::vector<Item> items_;
};

}  // namespace

RecordReader::Status convert_yaml_record(const YAML::Node& mapping, const Schema& schema, Record& out,
                                         Rejection& rejected) {
  return convert_at(mapping, schema, out, rejected, line_of(mapping));
}

Schema infer_schema_from_yaml(const std::vector<YAML::Node>& records) {
  reader::SchemaGuesser guesser;
  size_t n = 0;
  for (const YAML::Node& r : records) {
    if (n++ == reader::kInferValues) break;
    size_t budget = kMaxInferKeys;
    if (r.IsMap()) guess_mapping(r, "", guesser, budget);
  }
  return guesser.finish();
}

namespace reader {

std::unique_ptr<DataInput> open_yaml(std::unique_ptr<ByteSource> src) {
  return std::make_unique<YamlInput>(std::move(src));
}

}  // namespace reader

}  // namespace kairos
