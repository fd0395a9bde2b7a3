// --check-spmd's relaunch under mpirun for a program started alone.
#include "api/spmd_relaunch.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/program_name.hpp"
#include "dataflow/error.hpp"
#include "net/world.hpp"

namespace dataflow::api {
namespace {

bool check_wanted(int argc, char** argv) {
  if (const char* v = std::getenv("DATAFLOW_CHECK_SPMD"); v && std::strcmp(v, "1") == 0) return true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    if (std::strcmp(argv[i], "--check-spmd") == 0) return true;
  }
  return false;
}

// The mpirun of the Open MPI that libdataflow was built with, else the one on PATH.
const char* mpirun_path() {
  const char* built = DATAFLOW_MPIRUN;
  return built[0] != '\0' && access(built, X_OK) == 0 ? built : "mpirun";
}

}  // namespace

void relaunch_for_spmd_check(int argc, char** argv) {
  if (argc < 1 || net::launched() || !check_wanted(argc, argv)) return;
  const char* mpirun = mpirun_path();
  std::vector<std::string> args{mpirun, "-n", "2", "--oversubscribe", "--bind-to", "none"};
  for (int i = 0; i < argc; ++i) args.emplace_back(argv[i]);
  std::vector<char*> pointers;
  for (std::string& a : args) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  setenv("DATAFLOW_CHECK_SPMD", "1", 1);  // both ranks check, whichever way it was asked
  if (geteuid() == 0) {  // Open MPI refuses root unless told: the user asked for this run
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
  }
  std::fflush(nullptr);
  execvp(mpirun, pointers.data());
  std::fprintf(stderr,
               "%s: error: --check-spmd: cannot start %s (%s): run the program under mpirun -n 2 or more with "
               "--check-spmd instead\n",
               common::program_name(argc, argv).c_str(), mpirun, std::strerror(errno));
  std::exit(static_cast<int>(ExitCode::kConfig));
}

}  // namespace dataflow::api
