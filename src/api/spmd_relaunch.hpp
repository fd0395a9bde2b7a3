// --check-spmd for a program started alone: it runs itself again under mpirun -n 2, as a
// driver and one executor, so that the SPMD mistakes that local mode cannot show (a lambda
// reading data only the driver has, an action inside if (is_driver())) fail on the laptop.
#pragma once

namespace dataflow::api {

// If --check-spmd (before any "--") or DATAFLOW_CHECK_SPMD=1 asks for the check and no
// launcher started this process, replaces it with `mpirun -n 2 ... argv` and does not return
// (exit code 78 if mpirun cannot be started). Otherwise returns at once.
void relaunch_for_spmd_check(int argc, char** argv);

}  // namespace dataflow::api
