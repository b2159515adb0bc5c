// The files of a command line: data files opened on first use, and the
// check that no two options name the same file. Shared by run, explain,
// diff and test.

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/commands.hpp"

namespace kairos::cli {

DataFile::DataFile(std::string path, const std::string& format_name, const char* flag) : path_(std::move(path)) {
  const std::optional<DataFormat> format = format_name.empty() ? format_from_path(path_) : format_from_name(format_name);
  if (!format) {
    throw UsageError(format_name.empty()
                         ? fmt::format("cannot tell the format of '{}' from its extension; use {} csv|jsonl|yaml", path_, flag)
                         : fmt::format("unknown {} '{}' (use csv, jsonl or yaml)", flag, format_name));
  }
  format_ = *format;
  if (path_ == "-") return;
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0 || ::access(path_.c_str(), R_OK) != 0) {
    throw UsageError(fmt::format("cannot open data file '{}': {}", path_, std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) throw UsageError(fmt::format("cannot open data file '{}': {}", path_, std::strerror(EISDIR)));
}

DataInput& DataFile::input() {
  if (!input_) {
    std::string error;
    input_ = DataInput::open(path_, format_, error);
    if (!input_) throw UsageError(error);
  }
  return *input_;
}

void check_read(const RecordReader& reader) {
  if (std::string failure = reader.failure(); !failure.empty()) throw UsageError(failure);
}

std::optional<std::string> follow_links(const std::string& path) {
  std::filesystem::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p.string();
    std::error_code ec;
    const std::filesystem::path link = std::filesystem::read_symlink(p, ec);
    if (ec) return p.string();
    p = link.is_absolute() ? link : p.parent_path() / link;
  }
  return std::nullopt;
}

namespace {

/// Who a file is: its device and inode when it exists, else its path with
/// the links followed as far as they go.
struct FileId {
  bool exists = false;
  bool shareable = false;  ///< not a regular file (a device, a pipe): fine to name twice
  dev_t dev = 0;
  ino_t ino = 0;
  std::string path;
  bool operator==(const FileId& o) const {
    return exists == o.exists && (exists ? dev == o.dev && ino == o.ino : path == o.path);
  }
};

FileId identify(const std::string& name) {
  FileId id;
  struct stat st {};
  if (::stat(name.c_str(), &st) == 0) {
    id.exists = true;
    id.shareable = !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    return id;
  }
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::absolute(follow_links(name).value_or(name), ec);
  id.path = std::filesystem::weakly_canonical(p, ec).string();
  if (ec) id.path = p.lexically_normal().string();
  return id;
}

}  // namespace

void refuse_same_files(const std::vector<NamedFile>& files) {
  std::vector<std::pair<size_t, FileId>> seen;
  for (size_t i = 0; i < files.size(); ++i) {
    const NamedFile& b = files[i];
    if (b.path.empty() || b.path == "-") continue;
    FileId id = identify(b.path);
    if (id.shareable) continue;
    for (const auto& [j, other] : seen) {
      const NamedFile& a = files[j];
      const bool clash = a.role == FileRole::Written || b.role == FileRole::Written ||
                         (a.role == FileRole::Data && b.role == FileRole::Data);
      if (!clash || !(other == id)) continue;
      throw UsageError(a.path == b.path
                           ? fmt::format("{} and {} both name '{}'; give each its own file", a.option, b.option, a.path)
                           : fmt::format("{} '{}' and {} '{}' are the same file; give each its own file", a.option,
                                         a.path, b.option, b.path));
    }
    seen.emplace_back(i, std::move(id));
  }
}

}  // namespace kairos::cli
