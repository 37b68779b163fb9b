// `trafficgen search`: the throughput search run trial after trial in one DPDK process,
// on one port whose frames come back to it (--loopback): for each frame size, the
// templates are compiled and their pools made once, then each trial launches the
// engines with its rate and count, lets them run, drains what is still on its way and
// counts what was sent and what arrived. The report's schema is "trafficgen.search".
#pragma once

#include <nlohmann/json.hpp>

#include "options.hpp"

namespace tg::app {

inline constexpr int search_schema_version = 1;

[[nodiscard]] nlohmann::json run_search(const Options& o);

// The table a user reads first: per frame size, each loss ratio's rate, its share of
// the link, and the latency there.
void print_search_summary(const nlohmann::json& report);

}  // namespace tg::app
