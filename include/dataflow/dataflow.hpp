// The public API of libdataflow in one include.
#pragma once

#include "dataflow/accumulator.hpp"
#include "dataflow/broadcast.hpp"
#include "dataflow/config.hpp"
#include "dataflow/dataframe.hpp"
#include "dataflow/dataset.hpp"
#include "dataflow/error.hpp"
#include "dataflow/frame_io.hpp"
#include "dataflow/session.hpp"
#include "dataflow/text.hpp"
#include "dataflow/udf.hpp"
#include "dataflow/version.hpp"
