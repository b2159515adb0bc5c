#include "interpreter/types.hpp"

#include <algorithm>

namespace kairos {

bool EnumValues::contains(const std::string& s) const {
  return std::find(values.begin(), values.end(), s) != values.end();
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
