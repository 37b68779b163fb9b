#include "session_report.hpp"

namespace tg::app {

using nlohmann::json;

json setup_json(const traffic::SetupTimes& t) {
    json histogram = json::array();
    for (const auto& b : t.histogram) histogram.push_back({{"below_ms", b.below_ms}, {"count", b.count}});
    return {{"min", t.min_ms}, {"median", t.median_ms}, {"p99", t.p99_ms}, {"max", t.max_ms}, {"histogram", histogram}};
}

json session_json(const traffic::SetupTimes& setup, const SessionControl& control, const std::string& verdict) {
    return {{"setup_ms", setup_json(setup)},
            // Handshakes completed per second over the set-up phase: from the first
            // handshake begun to the last completed.
            {"setup_rate_per_s", setup.rate_per_s},
            {"setup_phase_s", setup.span_s},
            {"control_frames_sent", control.frames_sent()},
            {"control_frames_dropped", control.frames_dropped()},
            {"verdict", verdict}};
}

json closed_loop_json(const ClosedLoopWindows& w, const SessionControl& control) {
    const double seconds = control.data_seconds();
    return {{"cwnd_bytes", {{"min", w.cwnd_min}, {"max", w.cwnd_max}}},
            {"srtt_ms_max", w.srtt_ms_max},
            {"rtt_samples", w.rtt_samples},
            {"data_seconds", seconds},
            {"goodput_bps", seconds > 0 ? double(w.bytes_acked) * 8 / seconds : 0.0}};
}

json survival_json(const traffic::SessionSurvival& s, const SessionControl& control) {
    json j = {{"survived", s.survived}, {"ended_by_peer_or_path", s.lost_after_up}, {"longest_data_stop_ms", s.longest_wait_ms}};
    if (s.longest_wait_ms > 0) {
        j["longest_data_stop_flow"] = s.longest_wait_flow;
        const std::uint64_t start = control.data_started_ms();
        const std::uint64_t from = s.longest_wait_from_ms;
        j["longest_data_stop_at_s"] = start != 0 && from >= start ? double(from - start) / 1000 : 0.0;
    }
    return j;
}

}  // namespace tg::app
