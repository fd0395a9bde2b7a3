// What a DataFrame holds besides its schema: its rows as a Dataset of encoded column
// batches (record_batch.hpp's codec; never an empty batch), and whether this rank prints.
#pragma once

#include <string>

#include "dataflow/dataset.hpp"

namespace dataflow::detail {

struct FrameData {
  Dataset<std::string> batches;
  bool driver = false;
};

}  // namespace dataflow::detail
