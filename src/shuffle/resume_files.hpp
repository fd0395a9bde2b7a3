// A shuffle's reduce partitions as files in the --resume-dir, so that a rerun of the program
// reads them back instead of running the stages that made them. One file per partition,
// written by the executor holding it: "DFRS0001", the partition, the number of blocks, each
// block as (map partition, length, bytes), and the XXH3-64 of everything before it. Written
// under a temporary name, fsynced and renamed, so a file under its final name is whole.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shuffle/block_store.hpp"
#include "task/messages.hpp"

namespace dataflow::shuffle {

// dir/part-NNNNN.
std::string resume_part_path(const std::string& dir, std::uint32_t reduce_partition);

// Writes every reduce partition of `shuffle` held here into `dir` (which exists); returns the
// bytes written. Throws Error(kIoError) naming the file (a full disk, a missing directory).
std::uint64_t store_partitions(const BlockStore& store, int shuffle, const std::string& dir);

// Reads back from `dir` the reduce partitions of `shuffle` whose owner is `self` into the
// store, as an exchange would have left them (hold() included): in storage memory where it
// has room, else in a spill file. Returns the bytes read. Throws Error(kIoError) naming the
// file when one is missing, cut short or does not match its checksum (the driver then
// computes that shuffle again).
std::uint64_t load_partitions(BlockStore& store, int shuffle, const std::vector<std::int32_t>& owner, std::int32_t self,
                              const std::string& dir);

// Carries out a ResumeOrder on executor `self` (0-based): its answer, with the error of a
// failed store or load in it.
task::ResumeDone resume(BlockStore& store, const task::ResumeOrder& order, std::int32_t self);

}  // namespace dataflow::shuffle
