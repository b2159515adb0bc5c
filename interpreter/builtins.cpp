#include "interpreter/builtins.hpp"

namespace kairos {

uint32_t Registry::add(Builtin b) {
  builtins_.push_back(std::move(b));
  return static_cast<uint32_t>(builtins_.size() - 1);
}

std::optional<uint32_t> Registry::find(std::string_view name) const {
  for (size_t i = 0; i < builtins_.size(); ++i) {
    if (builtins_[i].name == name) return static_cast<uint32_t>(i);
  }
  return std::nullopt;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  out.reserve(builtins_.size());
  for (const Builtin& b : builtins_) out.push_back(b.name);
  return out;
}

}  // namespace kairos
