// `--repeat N` for a run: N whole runs, one after another, each a child process of this
// program with the same settings (and --repeat 1, its report into a temporary file), so
// that each repetition starts its port, sessions and counters afresh. One report of them
// all (schema trafficgen.repeat): every run's own report, and every figure of the
// generator, the sink and the delivery with its min, median and max.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "options.hpp"

namespace tg::app {

// Runs the repetitions and writes what --json and --json-lines ask for; the exit code.
[[nodiscard]] int repeat_runs(const Options& o, int argc, char** argv);

// Every number that all `reports` have at the same place in their generator, sink and
// delivery blocks, as {"min", "median", "max"}; arrays, text and flags are left out.
[[nodiscard]] nlohmann::json spread_of(const std::vector<nlohmann::json>& reports);

}  // namespace tg::app
