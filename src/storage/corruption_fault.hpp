// DATAFLOW_FAULT=flip-spill, flip-cache, flip-checkpoint or flip-shuffle: once in this
// process, one byte that the engine wrote is changed after its checksum was taken (in a
// spill file, a cached block on disk, a checkpoint part, a shuffle frame on the wire), so
// that tests see every kind of corruption caught.
#pragma once

namespace dataflow::detail {

enum class Flip { kNone, kSpill, kCache, kCheckpoint, kShuffle };

void arm_flip(Flip what);
// True the first time it is asked for the armed target, false ever after.
bool take_flip(Flip what);

}  // namespace dataflow::detail
