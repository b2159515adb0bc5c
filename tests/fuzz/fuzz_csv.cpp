// Fuzz target: the CSV reader (RFC 4180 rows, BOM, CRLF, quotes, schema
// inference, value conversion, rejections). See reader_check.hpp for the
// input layout and the properties checked.

#include "reader_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kairos::fuzz::check_reader(data, size, kairos::DataFormat::Csv);
  return 0;
}
