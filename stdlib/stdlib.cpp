// The registry of every builtin (SPEC §4). Ids are registration positions:
// time, strings, collections, then math, each in its register_* order. The
// registry is built once, on first use, and never changes afterwards.

#include "stdlib/stdlib.hpp"

namespace kairos::stdlib {

const Registry& builtins() {
  static const Registry registry = [] {
    Registry r;
    register_time(r);
    register_strings(r);
    register_collections(r);
    register_math(r);
    return r;
  }();
  return registry;
}

}  // namespace kairos::stdlib
