# Finds the dependencies as Debian installs them (see README: apt-get line).
find_package(MPI REQUIRED COMPONENTS C CXX)

set(HDF5_PREFER_PARALLEL ON)   # must precede find_package(HDF5): picks h5pcc over a serial h5cc
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "libdataflow needs parallel HDF5, but the HDF5 found is serial (${HDF5_C_COMPILER_EXECUTABLE}). "
    "Install it with: apt-get install libhdf5-openmpi-dev")
endif()

find_package(cereal REQUIRED)
find_package(CLI11 REQUIRED)
find_path(XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
# Spill compression. Linked by name (-llz4), so the exported static library's consumers find
# it where Debian puts it, with nothing more to look for.
find_path(LZ4_INCLUDE_DIR lz4.h)
find_library(LZ4_LIBRARY lz4)
if(NOT LZ4_INCLUDE_DIR OR NOT LZ4_LIBRARY)
  message(FATAL_ERROR "liblz4 not found: apt-get install liblz4-dev")
endif()
find_package(Threads REQUIRED)
