#pragma once
/// Static types of the playbook language, shared by the schema, checker and VM.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kairos {

enum class TypeKind : uint8_t {
  Null,    ///< the type of the literal null
  Bool,
  Int,     ///< 64-bit signed
  Number,  ///< double
  Date,    ///< days since 1970-01-01
  String,
  Enum,    ///< a string restricted to declared symbols
  List,
  Any,     ///< unknown (an open field when no schema or data is known)
};

/// The declared values of an enum type.
struct EnumValues {
  std::vector<std::string> values;
  bool contains(const std::string& s) const;
};

/// A type: its kind, and for lists the element kind; for enums (or lists of
/// enums) the declared values.
struct Type {
  TypeKind kind = TypeKind::Any;
  TypeKind elem = TypeKind::Any;                  ///< List: the element kind
  std::shared_ptr<const EnumValues> enum_values;  ///< Enum, or List of Enum

  static Type of(TypeKind k) { return Type{k, TypeKind::Any, nullptr}; }
  static Type list_of(TypeKind e) { return Type{TypeKind::List, e, nullptr}; }
  bool is_numeric() const { return kind == TypeKind::Int || kind == TypeKind::Number; }
  bool is_stringy() const { return kind == TypeKind::String || kind == TypeKind::Enum; }
};

/// `int`, `number`, `list<string>`, ... as users read them in messages.
std::string type_name(const Type& t);
/// The name of a kind alone.
const char* kind_name(TypeKind k);

}  // namespace kairos
