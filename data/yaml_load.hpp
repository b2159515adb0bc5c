#pragma once
/// Loading YAML text with yaml-cpp, guarded against its known hang.

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace kairos {

/// YAML::LoadAll(text), except that it throws YAML::ParserException (message
/// "no document can start here") instead of running forever. yaml-cpp 0.7's
/// LoadAll never returns on some malformed input (a ',' where a document
/// should start): its parser hands out the same empty document again and
/// again, allocating each time. The documents are scanned first, and the scan
/// stops when one starts where the previous one did (found by fuzzing).
std::vector<YAML::Node> load_all_yaml(const std::string& text);

}  // namespace kairos
