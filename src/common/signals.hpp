// SIGTERM, SIGINT and SIGUSR1 (scancel, a time limit, Ctrl-C, sbatch --signal) end the
// process with 75 (130 for SIGINT), and rank 0 says so in one line. The signal is
// only recorded: inside a job the driver stops the job at the next task boundary (never
// inside a commit); a program that finishes meanwhile ends with its own code. When that
// takes longer than mpirun's second before SIGKILL allows (a collective, a long task, code
// of the program's own), a watcher thread removes what the process created and ends it.
#pragma once

#include <chrono>
#include <string>

namespace dataflow::common {

// Installs the handlers for this process; `rank` decides who prints the one line.
void install_signal_handlers(int rank, const std::string& program);
// The rank that the launcher's environment names (mpirun, srun, hydra; 0 without one), for
// handlers installed before MPI_Init, so that a signal during start-up also gets its line.
int launcher_rank();
// The process is on its way out with its own exit code (MPI_Finalize, then exit): further
// signals are ignored, so that mpirun's SIGTERM to the ranks that have not exited yet (it
// sends one when the first rank exits non-zero) adds no second message and no other code.
void ignore_signals_while_leaving();
// Whether a job runs (for the watcher's line).
void set_in_job(bool in_job);
// The signal received, or 0.
int pending_signal();
// How long the driver, ending the job after a signal, waits for the executors' answers: an
// executor whose main thread is busy (a collective, a long task) removes its directories
// in its signal watcher a little after the signal, and mpirun kills the ranks left as soon
// as the driver exits, so the driver stays until those watchers have run (and no longer
// than the executors stay for it, well before mpirun's SIGKILL a second after the signal).
std::chrono::milliseconds wait_for_executor_cleanup();
// The exit code for a signal: 130 for SIGINT (Ctrl-C); 75 (EX_TEMPFAIL: run it again) for
// SIGTERM and SIGUSR1, what Slurm sends at and before a time limit and scancel sends.
int exit_code_for_signal(int signal);
// The driver's --resume-dir ("" for none), for the line that ends a job after a signal.
void set_resume_dir(const std::string& dir);
// "; the finished stages are stored in DIR: run the same command again ..." or, without a
// resume directory, how to keep them next time: appended to that line.
std::string resume_hint();
// A function (async-signal-safe) run by the handler itself when the watcher thread could
// not be started: removes the empty spill directory.
void set_exit_hook(void (*hook)());
// A function the signal watcher runs (on its own thread) before it ends a process that a
// signal interrupted and that did not leave in time: removes what the process created.
// Each function is added once.
void add_signal_cleanup(void (*cleanup)());
// Runs those functions now: the exit paths that skip destructors (net::World's) call it.
void run_cleanups_now();
// The code the program returned, once its work is done (0 until then), and a watchdog for
// MPI_Finalize after a signal: when mpirun itself was signalled it is taking the job down,
// and MPI_Finalize would wait for it until its SIGKILL. After `grace` the process ends with
// that code instead.
void set_program_code(int code);
void end_after(std::chrono::milliseconds grace);
// True for the first caller only: rank 0's one error line is printed by whoever claims it
// (the driver ending the job, or the signal watcher).
bool claim_error_line();
// "interrupted by SIGTERM" and the like.
std::string signal_message(int signal);

}  // namespace dataflow::common
