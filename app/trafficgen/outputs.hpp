// trafficgen's output files: each written on its own, atomically (a temporary file beside
// it, renamed into place), a failure naming the file and the system's reason; the paths
// checked before any traffic where that can be known; and, for a run that fails before
// its traffic, a report that says why (as iperf3 --json does).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "options.hpp"

namespace tg::app {

// Writes `content` to `path` through a temporary file and a rename. Throws
// std::runtime_error: "cannot write the <what> to <path>: <reason>".
void write_file_atomically(const std::string& path, const char* what, const std::string& content);

// Why `path` cannot be written (its directory missing, not writable, the path a
// directory), found by creating and removing a file beside it; empty when it can.
[[nodiscard]] std::string why_not_writable(const std::string& path);

// The report of a run that stopped before its traffic: the settings, and an "error"
// object with the exit code and the sentence printed.
[[nodiscard]] nlohmann::json error_report(const Options& o, int exit_code, const std::string& message);

}  // namespace tg::app
