// main() for multi-rank GoogleTest binaries: one Session for all tests (it owns MPI), only
// rank 0 prints progress, a fatal assertion on any rank aborts the job (so the others do
// not wait forever in a collective), and every rank exits with the same code.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>

#include "session_fixture.hpp"

namespace {

class AbortOnFatalFailure : public ::testing::EmptyTestEventListener {
 public:
  explicit AbortOnFatalFailure(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    if (!r.failed()) return;
    std::fprintf(stderr, "[rank %d] FAILURE %s:%d\n%s\n", rank_, r.file_name() ? r.file_name() : "?", r.line_number(),
                 r.summary());
    if (r.fatally_failed()) {
      std::fflush(nullptr);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
  }

 private:
  int rank_;
};

}  // namespace

dataflow::Session* test_session = nullptr;

int main(int argc, char** argv) {
  dataflow::Session session(argc, argv);
  test_session = &session;
  // Run without a launcher, the session is local and leaves MPI alone; the tests' own
  // collectives (MPI_Barrier and friends) then need a singleton MPI of their own.
  int initialized = 0;
  MPI_Initialized(&initialized);
  const bool own_mpi = !initialized;
  if (own_mpi) MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  if (session.rank() != 0) delete listeners.Release(listeners.default_result_printer());
  listeners.Append(new AbortOnFatalFailure(session.rank()));
  int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (own_mpi) MPI_Finalize();
  return failed;
}
