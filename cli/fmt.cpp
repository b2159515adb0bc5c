// kairos fmt: lays playbooks out in the canonical layout (docs/formatting.md).

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.hpp"
#include "engine/kairos.hpp"
#include "grammar/formatter.hpp"

namespace kairos::cli {

namespace {

namespace fs = std::filesystem;

struct FmtOptions {
  std::vector<std::string> files;
  bool write = false;
  bool check = false;
};

std::optional<std::string> read_text(const std::string& path, std::string& error) {
  if (path == "-") return grammar::read_source_stream(std::cin, error);
  return read_playbook_file(path, error);
}

/// Replaces the file at `path` (or the file a symbolic link there points to)
/// with `text` atomically: a temporary file beside it, with the same
/// permissions, is renamed over it. Anything but a regular file is refused.
/// Returns an error message, or empty.
std::string replace_file(const std::string& path, const std::string& text) {
  std::error_code ec;
  fs::path target = fs::canonical(path, ec);
  if (ec) return ec.message();
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) return std::strerror(errno);
  // A FIFO or a device would be destroyed by the rename.
  if (!S_ISREG(st.st_mode)) return "it is not a regular file (without --write, the formatted text goes to standard output)";
  std::string temp = target.string() + ".fmt.XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return std::strerror(errno);
  std::string error;
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (error.empty() && ::fchmod(fd, st.st_mode & 07777) != 0) error = std::strerror(errno);
  if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);
  if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
  if (error.empty() && std::rename(temp.c_str(), target.c_str()) != 0) error = std::strerror(errno);
  if (!error.empty()) std::remove(temp.c_str());
  return error;
}

int format_files(const FmtOptions& o) {
  bool failed = false;
  bool differs = false;
  for (const std::string& path : o.files) {
    grammar::SourceManager sources;
    grammar::Diagnostics diags;
    std::string error;
    std::optional<std::string> text = read_text(path, error);
    if (!text) {
      diags.file_error("unreadable-file", path, "cannot read playbook file: " + error);
      std::cerr << grammar::render_text(sources, diags.items().front());
      failed = true;
      continue;
    }
    const std::string name = path == "-" ? "<stdin>" : path;
    const uint32_t id = sources.add(name, *text);
    std::optional<std::string> formatted = grammar::format_file(sources, id, diags);
    diags.sort(sources);
    for (const grammar::Diagnostic& d : diags.items()) std::cerr << grammar::render_text(sources, d);
    if (!formatted) {
      // When the formatter itself gave up (not a syntax error), the output
      // falls back to the input unchanged, so `fmt FILE > OUT` stays usable.
      const bool gave_up = std::any_of(diags.items().begin(), diags.items().end(),
                                       [](const grammar::Diagnostic& d) { return d.code.starts_with("fmt-"); });
      if (gave_up && !o.check && !o.write) std::cout << *text;
      failed = true;
      continue;
    }
    const bool changed = *formatted != *text;
    if (o.check) {
      if (changed) {
        std::cout << name << "\n";
        differs = true;
      }
    } else if (o.write) {
      if (path == "-") {
        std::cout << *formatted;
      } else if (changed) {
        const std::string problem = replace_file(path, *formatted);
        if (!problem.empty()) {
          std::cerr << fmt::format("{}: error: cannot write the formatted file: {}\n", path, problem);
          failed = true;
        }
      }
    } else {
      std::cout << *formatted;
    }
  }
  std::cout.flush();
  return failed || differs ? kExitErrors : kExitOk;
}

}  // namespace

Action setup_fmt(CLI::App& app) {
  auto o = std::make_shared<FmtOptions>();
  app.add_option("files", o->files, "playbook files ('-' reads standard input)")->required();
  CLI::Option* write = app.add_flag("--write", o->write, "rewrite the files in place (only those that change)");
  CLI::Option* check =
      app.add_flag("--check", o->check, "list the files whose layout differs, and exit 1 if there are any");
  write->excludes(check);
  check->excludes(write);
  return [o] { return format_files(*o); };
}

}  // namespace kairos::cli
