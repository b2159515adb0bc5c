// Opening the data file, shared by run, explain and diff.

#include <fmt/format.h>

#include "cli/commands.hpp"

namespace kairos::cli {

std::unique_ptr<DataInput> open_data(const std::string& path, const std::string& format_name, const char* flag) {
  const std::optional<DataFormat> format = format_name.empty() ? format_from_path(path) : format_from_name(format_name);
  if (!format) {
    throw UsageError(format_name.empty()
                         ? fmt::format("cannot tell the format of '{}' from its extension; use {} csv|jsonl|yaml", path, flag)
                         : fmt::format("unknown {} '{}' (use csv, jsonl or yaml)", flag, format_name));
  }
  std::string error;
  std::unique_ptr<DataInput> input = DataInput::open(path, *format, error);
  if (!input) throw UsageError(error);
  return input;
}

}  // namespace kairos::cli
