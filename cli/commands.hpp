#pragma once
/// The command table: each verb registers its options on a CLI11 subcommand
/// and returns the function that runs it. Only the CLI prints to the terminal
/// and chooses exit codes (SPEC §8).

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/record.hpp"

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

/// A data file named on the command line ("-" = standard input). The
/// constructor checks what can be checked without opening it (its format,
/// named by `format` (the option `flag`) or else by its extension, and that
/// it exists and is no directory) and throws UsageError (exit 2); input()
/// opens it on first use. So a FIFO, whose opening waits for a writer, is
/// opened only once the playbooks have compiled, and every error that needs
/// no data is reported first.
class DataFile {
 public:
  DataFile(std::string path, const std::string& format, const char* flag);
  /// Opens the file on the first call; throws UsageError when it cannot.
  DataInput& input();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  DataFormat format_;
  std::unique_ptr<DataInput> input_;
};

/// Throws UsageError (exit 2) when a reader ended early (RecordReader::failure).
void check_read(const RecordReader& reader);

/// `path` with its symbolic links followed as far as they lead (so a link to
/// a file not made yet gives that file's path); nullopt on a loop of links.
std::optional<std::string> follow_links(const std::string& path);

/// What a command does with a file it is given.
enum class FileRole {
  Data,     ///< records read once: --data (and, as they come, --table, --history)
  Source,   ///< read as text: a playbook, a schema, a test file
  Written,  ///< --out, --errors, --junit
};

/// A file named on the command line, with the option (or role) naming it.
struct NamedFile {
  const char* option;
  std::string path;
  FileRole role;
};

/// Throws UsageError (exit 2) when two of `files` are the same file (the
/// same device and inode, whatever the spelling or links; for files not made
/// yet, the same path once links are followed) and one of them is written
/// or both are data: `--errors` naming the `--data` file would empty it
/// before it is read, `--out` naming the playbook would replace it.
/// Sources may coincide with each other and with data. Standard input and
/// output ("-" or empty), devices such as /dev/null and pipes may be named
/// more than once: nothing in them is replaced or emptied.
void refuse_same_files(const std::vector<NamedFile>& files);

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
