// One run of trafficgen: start DPDK and the port, launch the engines, watch them, stop
// them, and hand back the report.
#pragma once

#include <atomic>

#include <nlohmann/json.hpp>

#include "options.hpp"

namespace tg::app {

// Set by SIGINT/SIGTERM; the run stops at the next check and still reports.
extern std::atomic<int> stop_signal;
// How many stopping signals came: a second one cuts the graceful end short.
extern std::atomic<int> signals_received;

[[nodiscard]] nlohmann::json run(const Options& options);

}  // namespace tg::app
