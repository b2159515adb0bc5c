#pragma once
/// What the fuzz targets share: a fixed schema for playbooks, an import
/// resolver without a file system, data in an in-memory file whose reads can
/// be cut short (to reach the readers' chunk-boundary code with small
/// inputs), and a check that JSON text parses.
///
/// Every target defines LLVMFuzzerTestOneInput. Built with -DKAIROS_FUZZ=ON
/// and clang it is a libFuzzer binary; in the normal build the same source is
/// linked with replay_main.cpp and replays tests/fuzz/regressions/ and
/// tests/fuzz/seeds/ under CTest.

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "interpreter/compiler.hpp"
#include "data/record.hpp"
#include "data/schema.hpp"
#include "stdlib/modules.hpp"
#include "stdlib/stdlib.hpp"

namespace kairos::fuzz {

/// Stops the process with a message: a property that must hold did not.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
  std::abort();
}

/// A schema field of `type`; `source` defaults to the name.
inline FieldSpec field(std::string name, Type type, bool required = false, std::string source = {}) {
  FieldSpec f;
  f.source = source.empty() ? name : std::move(source);
  f.name = std::move(name);
  f.type = std::move(type);
  f.required = required;
  return f;
}

inline Type enum_of(std::vector<std::string> values) {
  auto ev = std::make_shared<EnumValues>(std::move(values));
  return Type{TypeKind::Enum, TypeKind::Any, ev};
}

/// The customer schema the playbook targets compile against.
inline std::shared_ptr<const Schema> playbook_schema() {
  static const std::shared_ptr<const Schema> schema = [] {
    auto s = std::make_shared<Schema>();
    s->fields = {
        field("id", Type::of(TypeKind::String), true),
        field("health", Type::of(TypeKind::Int)),
        field("seats", Type::of(TypeKind::Int)),
        field("mrr", Type::of(TypeKind::Number)),
        field("phase", enum_of({"onboarding", "adoption", "expansion", "renewal"})),
        field("renewal_date", Type::of(TypeKind::Date)),
        field("products", Type::list_of(TypeKind::String)),
        field("scores", Type::list_of(TypeKind::Int)),
        field("trial", Type::of(TypeKind::Bool)),
        field("name", Type::of(TypeKind::String)),
        field("usage.api", Type::of(TypeKind::Int)),
    };
    return s;
  }();
  return schema;
}

/// The schema the data-reader targets check records against (CSV header
/// names and JSON paths are the sources).
inline const Schema& data_schema() {
  static const Schema schema = [] {
    Schema s;
    s.fields = {
        field("id", Type::of(TypeKind::String), true),
        field("n", Type::of(TypeKind::Int)),
        field("x", Type::of(TypeKind::Number)),
        field("b", Type::of(TypeKind::Bool)),
        field("d", Type::of(TypeKind::Date)),
        field("e", enum_of({"a", "b", "c"})),
        field("l", Type::list_of(TypeKind::String)),
        field("li", Type::list_of(TypeKind::Int)),
        field("deep", Type::of(TypeKind::Int), false, "u.v"),
    };
    s.fields[1].min = 0;
    s.fields[1].max = 100;
    s.fields[7].separator = "|";
    return s;
  }();
  return schema;
}

/// `import "stdlib/NAME"` finds a shipped module; "lib" a small fixed module;
/// "self" the importing text itself (an import cycle); anything else fails.
inline ImportResolver import_resolver(std::string self) {
  return [self = std::move(self)](const std::string& spec, const std::string&, std::string& resolved,
                                  std::string& error) -> std::optional<std::string> {
    if (spec.rfind("stdlib/", 0) == 0) {
      for (const stdlib::EmbeddedModule& m : stdlib::embedded_modules()) {
        if (spec.substr(7) == m.name) {
          resolved = spec + ".play";
          return std::string(m.text);
        }
      }
    }
    if (spec == "lib") {
      resolved = "lib.play";
      return std::string("const LIMIT = 80\nlet big = seats > 100\ndef twice(x) = x * 2\n");
    }
    if (spec == "self") {
      resolved = "self.play";
      return self;
    }
    error = "not found";
    return std::nullopt;
  };
}

/// The largest read(2) the readers get answered with while a reader target
/// runs, or 0 for no cap. Defined, and used, by the --wrap=read hook
/// (read_hook.cpp), which only the reader targets link.
extern size_t g_read_cap;

/// Opens `bytes` as a data file of `format` through the public API
/// (DataInput::open on an in-memory file), with reads cut to `cap` bytes (0:
/// whole chunks) so small inputs cross the readers' refill boundaries.
inline std::unique_ptr<DataInput> open_data(std::string_view bytes, DataFormat format, size_t cap) {
  const int fd = ::memfd_create("kairos-fuzz", 0);
  if (fd < 0) fail("memfd_create failed");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) fail("write to memfd failed");
    done += static_cast<size_t>(n);
  }
  std::string error;
  std::unique_ptr<DataInput> input = DataInput::open("/proc/self/fd/" + std::to_string(fd), format, error);
  ::close(fd);  // the reader opened its own descriptor
  if (!input) fail("cannot open the in-memory data file: " + error);
  g_read_cap = cap;
  return input;
}

/// Throws unless `text` is one JSON value (the strict parser: valid UTF-8).
inline void require_json(std::string_view text, const char* what) {
  try {
    const nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end());
    (void)parsed;
  } catch (const nlohmann::json::exception& e) {
    fail(std::string(what) + " is not valid JSON (" + e.what() + "): " + std::string(text.substr(0, 400)));
  }
}

/// Reads the text of the whole input as a string.
inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace kairos::fuzz
