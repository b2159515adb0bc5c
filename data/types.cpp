#include "data/types.hpp"

#include <algorithm>

namespace kairos {

EnumValues::EnumValues(std::vector<std::string> v) : values(std::move(v)) { reindex(); }

EnumValues::EnumValues(const EnumValues& other) : values(other.values) { reindex(); }

EnumValues& EnumValues::operator=(const EnumValues& other) {
  if (this != &other) {
    values = other.values;
    reindex();
  }
  return *this;
}

void EnumValues::add(std::string v) {
  const bool moves = values.size() == values.capacity();
  values.push_back(std::move(v));
  // A reallocation moves the strings, and short ones keep their text inside.
  if (moves) {
    reindex();
  } else {
    index_.emplace(values.back(), static_cast<uint32_t>(values.size() - 1));
  }
}

const std::string* EnumValues::find(std::string_view s) const {
  if (index_.size() != values.size()) {
    // `values` was changed directly: look through it (and stay correct).
    for (const std::string& v : values) {
      if (v == s) return &v;
    }
    return nullptr;
  }
  const auto it = index_.find(s);
  return it == index_.end() ? nullptr : &values[it->second];
}

void EnumValues::reindex() {
  index_.clear();
  index_.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) index_.emplace(values[i], static_cast<uint32_t>(i));
}

const char* kind_name(TypeKind k) {
  switch (k) {
    case TypeKind::Null: return "null";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Number: return "number";
    case TypeKind::Date: return "date";
    case TypeKind::String: return "string";
    case TypeKind::Enum: return "enum";
    case TypeKind::List: return "list";
    case TypeKind::Any: return "any";
  }
  return "?";
}

std::string type_name(const Type& t) {
  if (t.kind == TypeKind::List) return std::string("list<") + kind_name(t.elem) + ">";
  return kind_name(t.kind);
}

}  // namespace kairos
