#pragma once
/// Static types of the playbook language, shared by the schema, checker and VM.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
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
/// An enum declares at most this many values (docs/limits.md).
inline constexpr size_t kMaxEnumValues = 10000;

/// The declared values of an enum type, in declaration order, with an index
/// by text: looking a value up is one hash lookup, however many there are.
/// Add values with add(); `values` is for reading.
struct EnumValues {
  std::vector<std::string> values;

  EnumValues() = default;
  explicit EnumValues(std::vector<std::string> v);
  EnumValues(const EnumValues& other);
  EnumValues& operator=(const EnumValues& other);

  /// Appends a value (the caller keeps the values unique).
  void add(std::string v);
  /// The declared value equal to `s` (the schema's own copy), or nullptr.
  const std::string* find(std::string_view s) const;
  bool contains(std::string_view s) const { return find(s) != nullptr; }

 private:
  void reindex();
  std::unordered_map<std::string_view, uint32_t> index_;  ///< views of `values`
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
