// The offline HTML report of a run (README "The HTML report"): one self-contained page made
// from the driver's event log, with no network reference, so that it opens after `scp`.
#pragma once

#include <string>
#include <string_view>

namespace dataflow::report {

// The self-contained HTML page for one run's event log: JSON lines as the driver writes them
// (several logs may be concatenated). A cut last line (a killed job's .inprogress log) and
// lines that are not JSON objects are skipped, never fatal.
std::string render_html(std::string_view log_text);

}  // namespace dataflow::report
