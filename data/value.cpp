#include "data/value.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace kairos {

Arena::~Arena() {
  for (Block& b : blocks_) std::free(b.data);
}

void* Arena::allocate(size_t n) {
  n = (n + 15) & ~size_t{15};
  allocated_ += n;
  while (block_ < blocks_.size()) {
    Block& b = blocks_[block_];
    if (used_ + n <= b.size) {
      void* p = b.data + used_;
      used_ += n;
      return p;
    }
    ++block_;
    used_ = 0;
  }
  // Blocks start small and double, so the many per-record arenas of a batch
  // stay small while a record with big strings still gets room quickly.
  const size_t grown = blocks_.empty() ? 1024 : std::min<size_t>(blocks_.back().size * 2, 65536);
  const size_t size = n > grown ? n : grown;
  char* data = static_cast<char*>(std::malloc(size));
  if (data == nullptr) throw std::bad_alloc();
  blocks_.push_back({data, size});
  block_ = blocks_.size() - 1;
  used_ = n;
  return data;
}

std::string_view Arena::copy(std::string_view s) {
  if (s.empty()) return {"", 0};
  char* p = static_cast<char*>(allocate(s.size()));
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

void Arena::reset() {
  block_ = 0;
  used_ = 0;
  allocated_ = 0;
}

}  // namespace kairos
