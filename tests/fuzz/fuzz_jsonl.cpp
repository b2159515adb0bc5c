// Fuzz target: the JSON Lines reader (line splitting, nlohmann parsing,
// dotted paths, arrays as lists, schema inference, rejections). See
// reader_check.hpp for the input layout and the properties checked.

#include "reader_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kairos::fuzz::check_reader(data, size, kairos::DataFormat::Jsonl);
  return 0;
}
