// save_as_hdf5's second half: the staged partitions written into one HDF5 file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/detail/hdf5_types.hpp"

namespace dataflow::io::h5 {

// Writes `parts` (every partition's staging, in partition order; the same list on every
// rank) as dataset spec.dataset of a new file `path`. With `parallel`, collective over
// MPI_COMM_WORLD: the ranks create the file together with the MPI-IO driver, and each writes
// the partitions it staged at the offsets that the partitions' row counts give, in rounds of
// collective writes (a rank with nothing left joins with an empty selection). Else this
// process writes alone. Chunked, optionally deflated, with attributes naming the producer
// and the record count. Throws Error (kIoError, kDataError) naming the file.
// On the driver, before the job: refuses an existing `spec.file` unless spec.overwrite
// (kCantCreate), creates its missing parent directories, removes the temporary files that
// killed writers of this user on this host left beside it (their process is gone), and
// creates this job's temporary file, ".FILE.tmp-<host>.<pid>.<n>.<12 random hex>", empty and
// private (0600), for the signal watcher to remove, and returns its name.
std::string prepare_target(const detail::h5::WriteSpec& spec, std::uint64_t n);
// On the driver, when the job failed: removes the temporary file.
void discard(const std::string& tmp);

// On the driver, after every rank closed `tmp`: syncs it, gives it the mode of a new file,
// renames it to spec.file (replacing it only with spec.overwrite) and syncs the directory.
// Throws Error naming the file.
void publish(const std::string& tmp, const detail::h5::WriteSpec& spec);

void write_file(const detail::h5::WriteSpec& spec, const std::vector<detail::h5::Staged>& parts,
                const std::string& path, bool parallel, int rank);

}  // namespace dataflow::io::h5
