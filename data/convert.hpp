#pragma once
/// Records written in YAML outside a data file: the `record:` of a test case
/// (SPEC §8, test files) is converted and checked like a row of a YAML data file.

#include <vector>

#include "data/record.hpp"

namespace YAML {
class Node;
}  // namespace YAML

namespace kairos {

/// Converts one YAML mapping to a record of `schema` (fields left out are
/// null; scalars are read from their text like CSV cells, sequences are
/// lists). Returns Record, or Rejected with `rejected` filled like a data
/// reader's. `out.line` is the mapping's line; `out.index` is left alone.
RecordReader::Status convert_yaml_record(const YAML::Node& mapping, const Schema& schema, Record& out,
                                         Rejection& rejected);

/// The schema the YAML data reader would infer from these mappings: every
/// leaf key path (nested mappings joined with dots) in order of first
/// appearance, typed from the first 1,000 values; sequences are lists.
Schema infer_schema_from_yaml(const std::vector<YAML::Node>& records);

}  // namespace kairos
