// When packets may leave: the traffic pattern turned into a schedule in TSC ticks. The
// engine asks once per burst how many packets are due; the schedule is computed from
// the start time and the count sent, so the long-run rate does not drift.
//
//   continuous    at --rate, or as fast as the port takes them
//   rate-limited  the same, with a --rate required
//   burst         --burst N packets back to back every --burst-gap
//   ramp          from --ramp-from to --rate over --ramp-time, then steady
//   backoff       bursts of N with gaps of T, 2T, 4T, ... up to --backoff-max, then T again
//   random        Poisson departures at a mean of --rate (exponential gaps, --seed)
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace tg::traffic {

enum class Pattern : std::uint8_t { continuous, rate_limited, burst, ramp, backoff, random };

[[nodiscard]] Pattern parse_pattern(std::string_view text);
[[nodiscard]] const char* to_string(Pattern p) noexcept;

struct PacingSpec {
    Pattern pattern = Pattern::continuous;
    double pps = 0;                 // target packets/s; 0: unlimited
    std::uint32_t burst_size = 32;  // burst and backoff
    double burst_gap_s = 0.001;     // burst: start to start; backoff: the first gap
    double backoff_max_s = 0.064;
    double ramp_from_pps = 0;
    double ramp_time_s = 10;
    std::uint64_t seed = 1;
};

class Pacer {
public:
    Pacer(const PacingSpec& spec, std::uint64_t tsc_hz, std::uint64_t start_tsc);

    // Packets that may go at `now`, at most `max_burst`; 0 means wait.
    [[nodiscard]] std::uint32_t due(std::uint64_t now, std::uint32_t max_burst) noexcept;
    // How many of them the port took; the rest stay due.
    void sent(std::uint32_t n) noexcept;

    [[nodiscard]] std::uint64_t total_sent() const noexcept { return sent_; }

private:
    // Packets the schedule allows from the start up to `elapsed` ticks.
    [[nodiscard]] std::uint64_t allowed(std::uint64_t elapsed) noexcept;

    PacingSpec spec_;
    double hz_;
    std::uint64_t start_;
    std::uint64_t sent_ = 0;

    // burst / backoff: the current burst's start and the packets before it.
    std::uint64_t burst_index_ = 0;
    double burst_start_ = 0;  // ticks from start
    double gap_ = 0;          // ticks to the next burst

    // random: departure time of packet `scheduled_`.
    std::mt19937_64 rng_;
    std::uint64_t scheduled_ = 0;
    double next_departure_ = 0;
};

}  // namespace tg::traffic
