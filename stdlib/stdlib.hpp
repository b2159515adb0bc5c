#pragma once
/// The builtin function families (SPEC §4), registered into a Registry.

#include "interpreter/builtins.hpp"

namespace kairos::stdlib {

/// Registers today, days_until, days_since, add_days, year, month.
void register_time(Registry& r);
/// Registers len (strings and lists), lower, upper, trim, contains, starts_with, ends_with.
void register_strings(Registry& r);
/// Registers contains_any, contains_all.
void register_collections(Registry& r);
/// Registers min, max, abs, round, floor, ceil, clamp, pct, coalesce.
void register_math(Registry& r);

/// A registry holding every builtin.
const Registry& builtins();

}  // namespace kairos::stdlib
