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
find_package(Threads REQUIRED)
