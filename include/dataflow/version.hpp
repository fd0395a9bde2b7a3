// The library's version, as a string macro for programs and as numbers for compile-time checks.
// CMakeLists.txt checks that it matches project(dataflow VERSION ...).
#pragma once

#define DATAFLOW_VERSION_MAJOR 0
#define DATAFLOW_VERSION_MINOR 1
#define DATAFLOW_VERSION_PATCH 0
#define DATAFLOW_VERSION "0.1.0"
