#include "interpreter/value.hpp"

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

// Howard Hinnant's civil-date algorithms.
int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void civil_from_days(int32_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe) + era * 400 + (m <= 2);
}

bool parse_iso_date(std::string_view s, int32_t& days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto digits = [&](size_t at, size_t n, unsigned& out) {
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned y, m, d;
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const unsigned limit = m == 2 && leap ? 29 : kDays[m - 1];
  if (d > limit) return false;
  days = days_from_civil(static_cast<int>(y), m, d);
  return true;
}

size_t format_iso_date(int32_t days, char* buf) {
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y < 0 || y > 9999) return static_cast<size_t>(std::snprintf(buf, 16, "%d-%02u-%02u", y, m, d));
  buf[0] = static_cast<char>('0' + y / 1000);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  buf[10] = '\0';
  return 10;
}

}  // namespace kairos
