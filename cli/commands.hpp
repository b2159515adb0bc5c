#pragma once
/// The command table: each verb registers its options on a CLI11 subcommand
/// and returns the function that runs it. Only the CLI prints to the terminal
/// and chooses exit codes (SPEC §8).

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "interpreter/record.hpp"

namespace kairos::cli {

/// Exit statuses of SPEC §8.
inline constexpr int kExitOk = 0;
inline constexpr int kExitErrors = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRejected = 3;

/// A usage problem found after option parsing (bad date, unknown format...).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Action = std::function<int()>;

struct Command {
  const char* name;
  const char* help;
  Action (*setup)(CLI::App& app);
};

Action setup_run(CLI::App& app);
Action setup_check(CLI::App& app);
Action setup_disasm(CLI::App& app);
Action setup_test(CLI::App& app);
Action setup_explain(CLI::App& app);
Action setup_diff(CLI::App& app);
Action setup_fmt(CLI::App& app);

/// Every command, in the order `kairos --help` lists them.
const std::vector<Command>& commands();

/// Opens a data file ("-" = standard input) in the format named by `format`
/// (the option `flag`), else by the extension. Throws UsageError (exit 2)
/// when the format is unknown or the file cannot be opened.
std::unique_ptr<DataInput> open_data(const std::string& path, const std::string& format, const char* flag);

/// Makes std::cout write through stdio's stdout and remember why a write
/// failed (main() calls it first).
void capture_standard_output();

/// Writes bytes to standard output; a write error throws UsageError
/// ("cannot write standard output: REASON", exit 2).
void write_standard_output(std::string_view bytes);

/// Flushes standard output (std::cout and stdio) and throws UsageError when
/// anything written to it was lost. main() calls it after every verb.
void finish_standard_output();

/// Parses YYYY-MM-DD for --as-of, or throws UsageError.
int32_t parse_as_of(const std::string& text);

}  // namespace kairos::cli
