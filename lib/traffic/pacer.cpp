#include "traffic/pacer.hpp"

#include <algorithm>
#include <cmath>

#include "traffic/config_error.hpp"

namespace tg::traffic {

Pattern parse_pattern(std::string_view text) {
    if (text == "continuous") return Pattern::continuous;
    if (text == "rate-limited") return Pattern::rate_limited;
    if (text == "burst") return Pattern::burst;
    if (text == "ramp") return Pattern::ramp;
    if (text == "backoff") return Pattern::backoff;
    if (text == "random") return Pattern::random;
    throw ConfigError("--pattern '" + std::string(text) +
                      "' is not a pattern: use continuous, rate-limited, burst, ramp, backoff or random");
}

const char* to_string(Pattern p) noexcept {
    switch (p) {
        case Pattern::continuous: return "continuous";
        case Pattern::rate_limited: return "rate-limited";
        case Pattern::burst: return "burst";
        case Pattern::ramp: return "ramp";
        case Pattern::backoff: return "backoff";
        case Pattern::random: return "random";
    }
    return "unknown";
}

Pacer::Pacer(const PacingSpec& spec, std::uint64_t tsc_hz, std::uint64_t start_tsc)
    : spec_(spec), hz_(static_cast<double>(tsc_hz)), start_(start_tsc), rng_(spec.seed) {
    gap_ = spec_.burst_gap_s * hz_;
}

std::uint64_t Pacer::allowed(std::uint64_t elapsed) noexcept {
    const double t = static_cast<double>(elapsed);
    switch (spec_.pattern) {
        case Pattern::continuous:
        case Pattern::rate_limited:
            if (spec_.pps <= 0) return ~std::uint64_t{0};
            // Packet k leaves at k / pps: the first one at once.
            return static_cast<std::uint64_t>(t / hz_ * spec_.pps) + 1;
        case Pattern::ramp: {
            // The integral of a rate rising linearly from r0 to r1 over T, then flat.
            const double s = t / hz_, r0 = spec_.ramp_from_pps, r1 = spec_.pps, T = spec_.ramp_time_s;
            if (s < T) return static_cast<std::uint64_t>(r0 * s + (r1 - r0) * s * s / (2 * T));
            return static_cast<std::uint64_t>((r0 + r1) * T / 2 + r1 * (s - T));
        }
        case Pattern::burst:
        case Pattern::backoff: {
            // Step to the burst `elapsed` falls in; each burst allows burst_size more.
            while (t >= burst_start_ + gap_) {
                burst_start_ += gap_;
                ++burst_index_;
                if (spec_.pattern == Pattern::backoff) {
                    gap_ *= 2;
                    if (gap_ > spec_.backoff_max_s * hz_ * (1 + 1e-9)) gap_ = spec_.burst_gap_s * hz_;
                }
            }
            return (burst_index_ + 1) * spec_.burst_size;
        }
        case Pattern::random: {
            // Exponential gaps with mean 1/pps: a Poisson process.
            const double mean = hz_ / spec_.pps;
            while (next_departure_ <= t) {
                ++scheduled_;
                const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
                next_departure_ += -std::log1p(-u) * mean;
            }
            return scheduled_;
        }
    }
    return 0;
}

std::uint32_t Pacer::due(std::uint64_t now, std::uint32_t max_burst) noexcept {
    if (now < start_) return 0;
    const std::uint64_t allow = allowed(now - start_);
    if (allow <= sent_) return 0;
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(allow - sent_, max_burst));
}

void Pacer::sent(std::uint32_t n) noexcept { sent_ += n; }

}  // namespace tg::traffic
