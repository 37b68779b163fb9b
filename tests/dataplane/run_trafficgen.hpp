// Runs the trafficgen binary as a user would, bounded in time, and collects its exit
// status, output and JSON report.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

#include <nlohmann/json.hpp>

namespace tg::testing {

struct Outcome {
    int exit_code = -1;    // -1 when it did not exit normally
    int signal = 0;        // the signal that ended it, if one did
    bool timed_out = false;
    std::string out;
    std::string err;
    nlohmann::json report;  // parsed --json file, when there is one
};

// `args` after the program name; a --json path in a fresh temp directory is added when
// `want_report`. Sends SIGTERM after `term_after_s` when that is above 0; kills the
// process group after `timeout_s`.
[[nodiscard]] Outcome run_trafficgen(const std::vector<std::string>& args, bool want_report = true,
                                     double timeout_s = 60, double term_after_s = 0);

// The same, with `look(pid)` called once, `after_s` into the run, while it goes on.
struct WhileRunning {
    double after_s = 1;
    std::function<void(pid_t)> look;
};
[[nodiscard]] Outcome run_trafficgen_watched(const std::vector<std::string>& args, const WhileRunning& watch,
                                             double timeout_s = 60);

[[nodiscard]] std::string temp_dir();

// Each line of --json-lines output parsed; a line that is not JSON is a discarded value.
[[nodiscard]] std::vector<nlohmann::json> json_lines_of(const std::string& out);

}  // namespace tg::testing
