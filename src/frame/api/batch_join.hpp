// The DataFrame equi-join over column batches (DESIGN: DATAFRAME.md A.9): each side's batches
// cut by their keys' hash into one batch per reduce partition, both sides zipped partition
// by partition, and each partition joined by a hash table over the right side's key columns,
// built and probed a batch at a time. No row is encoded alone: the output columns are
// gathered from the matched rows straight into the output batch.
#pragma once

#include <memory>
#include <string>

#include "dataflow/dataset.hpp"
#include "frame/api/join_spec.hpp"

namespace dataflow::frame {

// Whether `spec` can run as a batch join: equal keys, each pair of one type, and a residual
// predicate only on an inner join (it then filters the output batches).
bool batch_join_applies(const JoinSpec& spec);

// The join of `left` and `right` (encoded batches of spec.left and spec.right) as encoded
// batches of spec.out. Inner, left, semi and anti joins let the engine broadcast a small
// right side (its adaptive broadcast join). A partition whose right side outgrows the task's
// memory is joined slice by slice of the key hashes; the rows of one key that do not fit
// alone are an error (exit 65) naming the join.
Dataset<std::string> batch_join(const Dataset<std::string>& left, const Dataset<std::string>& right,
                                const std::shared_ptr<const JoinSpec>& spec);

// The same join with the right side collected and sent to every rank (F::broadcast): each
// left partition is joined where it is, against one table per rank, with no shuffle.
// Inner, left, semi and anti joins only.
Dataset<std::string> broadcast_batch_join(const Dataset<std::string>& left, const Dataset<std::string>& right,
                                          const std::shared_ptr<const JoinSpec>& spec);

}  // namespace dataflow::frame
