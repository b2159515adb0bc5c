#pragma once
// Helpers shared by the limits tests: scratch files and running a command.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace limits_test {

/// A fresh directory under the system temporary directory.
inline std::filesystem::path temp_dir() {
  static int n = 0;
  const std::filesystem::path d =
      std::filesystem::temp_directory_path() / ("kairos-limits-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  std::filesystem::create_directories(d);
  return d;
}

inline std::filesystem::path write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Result {
  int status = -1;
  std::string out;
};

/// Runs a shell command; returns its exit status and standard output.
inline Result shell(const std::string& command) {
  Result r;
  FILE* p = popen(command.c_str(), "r");
  BOOST_REQUIRE(p != nullptr);
  std::array<char, 65536> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace limits_test
