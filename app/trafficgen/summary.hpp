// The results table printed at the end of a run, from a report (or a generator's and a
// sink's reports joined by `trafficgen report`).
#pragma once

#include <nlohmann/json.hpp>

namespace tg::app {

// Per protocol: sent, received, loss, throughput (pps and L2 bit/s), jitter and checksum
// errors; then one row per SCTP stream.
void print_summary(const nlohmann::json& report);

}  // namespace tg::app
