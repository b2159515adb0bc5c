#pragma once
/// The `.play` modules shipped in stdlib/, compiled into the binary.

#include <string_view>
#include <vector>

namespace kairos::stdlib {

/// One shipped module: `import "stdlib/NAME"` finds it by name.
struct EmbeddedModule {
  std::string_view name;
  std::string_view text;
};

/// Every module of stdlib/*.play.
const std::vector<EmbeddedModule>& embedded_modules();

}  // namespace kairos::stdlib
