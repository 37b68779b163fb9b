// What the report says the same way for SCTP associations and TCP connections.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "session_control.hpp"
#include "traffic/session_clients.hpp"
#include "traffic/setup_times.hpp"

namespace tg::app {

// "setup_ms": percentiles and the histogram (buckets below 1, 2, 4, ... ms).
[[nodiscard]] nlohmann::json setup_json(const traffic::SetupTimes& t);

// The fields every session block has: set-up, the control frames, the verdict.
[[nodiscard]] nlohmann::json session_json(const traffic::SetupTimes& setup, const SessionControl& control,
                                          const std::string& verdict);

// The closed loop's windows and timing, whatever the protocol counts its data in.
struct ClosedLoopWindows {
    std::uint32_t cwnd_min = 0, cwnd_max = 0;
    std::uint32_t srtt_ms_max = 0;
    std::uint64_t rtt_samples = 0;
    std::uint64_t bytes_acked = 0;
};
[[nodiscard]] nlohmann::json closed_loop_json(const ClosedLoopWindows& w, const SessionControl& control);

// "survival": how many sessions outlived the run, and the longest one waited with its
// data unacknowledged, with when that began (seconds into the data phase).
[[nodiscard]] nlohmann::json survival_json(const traffic::SessionSurvival& s, const SessionControl& control);

}  // namespace tg::app
