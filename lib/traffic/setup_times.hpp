// How long sessions (SCTP associations, TCP connections) took to come up, as a report
// gives it: percentiles, the rate, and a histogram in powers of two of milliseconds.
// SetupRecorder keeps them one at a time in fixed space, for runs that open sessions
// without end (TCP_CRR), with the nanosecond percentiles beside.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "stats/latency_histogram.hpp"

namespace tg::traffic {

struct SetupBucket {
    std::uint64_t below_ms = 0;  // set-up times under this (and at least the bucket before's)
    std::uint64_t count = 0;
};

struct SetupTimes {
    std::uint64_t count = 0;
    std::uint64_t min_ms = 0, median_ms = 0, p99_ms = 0, max_ms = 0;
    double rate_per_s = 0;  // sessions up per second, from the first attempt to the last one up
    double span_s = 0;      // that span: the set-up phase
    std::vector<SetupBucket> histogram;  // 1, 2, 4, ... ms up to the bucket holding the maximum

    // From each session's set-up time and the span from the first attempt to the last
    // session up.
    static SetupTimes of(std::vector<std::uint64_t> ms, std::uint64_t span_ms);
};

class SetupRecorder {
public:
    void record(std::uint64_t ns) noexcept;
    // The report's view, with the span from the first attempt to the last session up.
    [[nodiscard]] SetupTimes times(std::uint64_t span_ms) const;
    [[nodiscard]] const stats::LatencyHistogram& latency() const noexcept { return ns_; }

private:
    static constexpr std::size_t buckets = 42;  // under 1 ms, 2 ms, 4 ms, ... 2^41 ms
    stats::LatencyHistogram ns_;
    std::array<std::uint64_t, buckets> below_{};
};

}  // namespace tg::traffic
