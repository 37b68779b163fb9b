// Throughput search: the highest rates a path carries within given loss ratios (RFC 2544
// section 26.1's throughput, NDR at loss 0 and PDR at a small agreed loss), all found in
// one search, MLRsearch-style: short trials narrow a wide interval first, each phase
// doubling the trial duration towards the final one and halving the interval's width
// towards the precision asked for, so that only the last phase pays for full-length
// trials. Plain C++: the trials are run by whoever calls it (the data plane, or a
// simulated path in the unit tests).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tg::search {

// What one trial measured: frames offered at a rate for a duration, frames that arrived.
struct Trial {
    double rate_pps = 0;      // the rate asked for
    double duration_s = 0;
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    bool interrupted = false;  // stopped before its end (a signal): the search ends with it

    // (sent - received) / sent; a trial that sent nothing measured nothing: 1.
    [[nodiscard]] double loss_ratio() const noexcept;
};

// Runs one trial at `rate_pps` for `duration_s`.
using Measurer = std::function<Trial(double rate_pps, double duration_s)>;

struct SearchSettings {
    std::vector<double> loss_ratios{0.0, 0.005};  // ascending, each in [0, 1); the first the NDR's
    double min_rate_pps = 0;   // above 0
    double max_rate_pps = 0;   // the link's rate, usually
    double trial_duration_s = 1;   // the first phase's trials
    double final_duration_s = 30;  // the last phase's
    double precision = 0.005;      // (upper - lower) / upper at the end
    std::uint32_t phases = 3;      // the last is the final one
    std::uint32_t max_trials = 200;

    // Empty when the settings make a search; otherwise one sentence naming the bad value.
    [[nodiscard]] std::string check() const;
};

// What the search found for one loss ratio, from the final phase's trials.
struct RatioResult {
    double loss_ratio = 0;
    std::optional<Trial> lower;  // the highest rate that met the ratio (below `upper`)
    std::optional<Trial> upper;  // the lowest rate that did not
    // The maximum rate met it: no upper bound, the path carried all that was offered.
    bool at_max = false;
    // Even the minimum rate did not meet it: not found above the minimum.
    bool below_min = false;
    // Within the precision; false when the trial limit or an interruption ended the search first.
    bool converged = false;

    [[nodiscard]] double relative_width() const noexcept;
};

struct PhaseTrial {
    std::uint32_t phase = 0;  // 0 .. phases-1; the initial trial at the maximum rate is phase 0
    Trial trial;
};

struct SearchResult {
    std::vector<RatioResult> ratios;   // in the order of the settings' loss ratios
    std::vector<PhaseTrial> trials;    // every trial, in the order run
    double forwarding_rate_pps = 0;    // what arrived per second in the first trial, at the maximum rate
    std::string ended_by;              // "precision", "trial limit" or "interrupted"
};

// The phases' trial durations and width goals: geometric from the first to the final.
[[nodiscard]] double phase_duration(const SearchSettings& s, std::uint32_t phase) noexcept;
[[nodiscard]] double phase_width(const SearchSettings& s, std::uint32_t phase) noexcept;

// Settings must pass check().
[[nodiscard]] SearchResult find_throughput(const SearchSettings& settings, const Measurer& measure);

}  // namespace tg::search
