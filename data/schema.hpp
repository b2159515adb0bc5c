#pragma once
/// Record schemas (SPEC §7): loaded from YAML, or inferred from the data.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/diagnostic.hpp"
#include "data/types.hpp"

namespace kairos {

/// One field of a record.
struct FieldSpec {
  std::string name;                ///< the name playbooks use
  std::string source;              ///< CSV header text or JSON/YAML dotted path (default: name)
  Type type;                       ///< for lists: kind List, elem the item kind
  bool required = false;
  bool optional = false;           ///< a CSV file may lack its column (every value is then null)
  std::optional<double> min, max;  ///< bounds for int/number fields
  std::string separator = ";";     ///< list items in one CSV cell
};

/// The fields of the records a playbook runs over.
struct Schema {
  std::string path;               ///< the YAML file, or empty when inferred from data
  std::vector<FieldSpec> fields;  ///< in declaration (or column) order
  size_t key = 0;                 ///< index of the key field

  /// The index of the field with that name, or -1.
  int find(std::string_view name) const;
  /// Every field name (for "did you mean").
  std::vector<std::string> names() const;
};

/// Loads a schema file. Problems become diagnostics with the file, line and
/// column inside the YAML (the text is added to `sources`); nullopt on error.
std::optional<Schema> load_schema(const std::string& path, grammar::SourceManager& sources,
                                  grammar::Diagnostics& diags);

/// Parses schema text already loaded as `file` in `sources`.
std::optional<Schema> parse_schema(uint32_t file, grammar::SourceManager& sources,
                                   grammar::Diagnostics& diags);

}  // namespace kairos
