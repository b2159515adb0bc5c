#pragma once
/// The civil calendar (proleptic Gregorian) as day numbers: days since
/// 1970-01-01. The one implementation of Howard Hinnant's algorithms, used
/// by the parser (date literals), the formatter, values and the stdlib.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kairos {

/// The range of dates, 0000-01-01 to 9999-12-31 as days since 1970-01-01:
/// every date prints as ISO `YYYY-MM-DD`. Date arithmetic that leaves it
/// gives null and a runtime warning, like an int overflow.
inline constexpr int32_t kFirstDate = -719528;
inline constexpr int32_t kLastDate = 2932896;

/// Days since 1970-01-01 of a civil date.
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

/// The civil date of a day number.
constexpr void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

constexpr bool is_leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// Days in month `m` (1–12) of year `y`.
constexpr unsigned days_in_month(int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(0, 1, 1) == kFirstDate);
static_assert(days_from_civil(9999, 12, 31) == kLastDate);

/// Parses exactly `YYYY-MM-DD` (a valid calendar date); false otherwise.
bool parse_iso_date(std::string_view s, int32_t& days);
/// Writes `YYYY-MM-DD` into buf (16 bytes); returns the length. Days
/// outside kFirstDate..kLastDate print with the year digits they need (any
/// int32 day fits; beyond that the text is cut at 15 bytes).
size_t format_iso_date(int64_t days, char* buf);

}  // namespace kairos
