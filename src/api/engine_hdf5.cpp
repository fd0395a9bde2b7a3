// Engine::save_hdf5: the staging job, the collective write, the publishing rename.
#include <unistd.h>

#include <string>

#include "api/engine.hpp"
#include "common/signals.hpp"
#include "dataflow/error.hpp"
#include "io/hdf5_writer.hpp"
#include "result/output_committer.hpp"

namespace dataflow::detail {
namespace {

// An error the driver alone saw, told to every rank ("" when none): "<code> <message>".
std::string verdict_of(const Error& e) { return std::to_string(e.exit_code()) + " " + e.what(); }

[[noreturn]] void throw_verdict(const std::string& verdict) {
  const std::size_t space = verdict.find(' ');
  throw JobError(static_cast<ExitCode>(std::stoi(verdict.substr(0, space))), verdict.substr(space + 1));
}

}  // namespace

void Engine::save_hdf5(int action_node, const h5::WriteSpec& spec) {
  const bool driver = world_.rank() == 0;
  std::string verdict, tmp;
  if (driver) {
    try {
      tmp = io::h5::prepare_target(spec, ++hdf5_saves_);
    } catch (const Error& e) {
      verdict = verdict_of(e);
    }
  }
  world_.broadcast_from_driver(verdict);
  if (!verdict.empty()) throw_verdict(verdict);
  world_.broadcast_from_driver(tmp);
  // Every rank removes the temporary file if a signal ends the program, from here on: a
  // rank that a signal ends first (and mpirun's kill of the rest) must not leave it.
  if (!driver) result::track_temporary(tmp);

  std::vector<h5::Staged> parts;
  try {
    parts = h5::decode_staged(run_job(action_node, true));
  } catch (...) {
    if (!driver) result::untrack_temporary(tmp);
    if (driver) io::h5::discard(tmp);
    throw;
  }
  // An error here on some ranks only (a staged file unreadable, a full disk) ends the job
  // through run()'s one-rank path (MPI_Abort): the other ranks may wait in a collective call.
  // A signal cannot stop the collective write: the watcher ends it (common/signals.hpp).
  // The executors' watchers act first if a signal ends it. Each has closed it before the
  // driver publishes it.
  common::set_in_job(true);
  try {
    io::h5::write_file(spec, parts, tmp, world_.size() > 1, world_.rank());
  } catch (...) {
    common::set_in_job(false);
    if (!driver) result::untrack_temporary(tmp);
    if (driver) io::h5::discard(tmp);  // no partial file left, whichever rank failed
    throw;
  }
  if (!driver) result::untrack_temporary(tmp);
  common::set_in_job(false);
  for (const h5::Staged& s : parts) {
    if (s.rank == world_.rank() && !s.path.empty()) unlink(s.path.c_str());
  }
  if (driver) {
    try {
      io::h5::publish(tmp, spec);
    } catch (const Error& e) {
      verdict = verdict_of(e);
      if (const int sig = common::pending_signal()) {  // an executor's watcher removed the file
        verdict = std::to_string(common::exit_code_for_signal(sig)) + " " + common::signal_message(sig) +
                  "; the job was stopped where it stood, no output was committed";
      }
    }
  }
  world_.broadcast_from_driver(verdict);
  if (!verdict.empty()) throw_verdict(verdict);
}

}  // namespace dataflow::detail
