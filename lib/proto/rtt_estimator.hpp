// Smoothed round-trip time and the retransmission timeout computed from it, the same for
// TCP (RFC 6298 section 2) and SCTP (RFC 9260 section 6.3.1), in milliseconds. Callers
// apply Karn's rule: no sample from a retransmitted segment or chunk.
#pragma once

#include <algorithm>
#include <cstdint>

namespace tg::proto {

class RttEstimator {
public:
    void reset(std::uint32_t initial_ms, std::uint32_t min_ms, std::uint32_t max_ms) noexcept {
        rto_ms_ = initial_ms;
        min_ms_ = min_ms;
        max_ms_ = max_ms;
        have_ = false;
    }
    void sample(std::uint64_t rtt_ms) noexcept {
        const auto r = static_cast<std::uint32_t>(std::min<std::uint64_t>(rtt_ms, max_ms_));
        if (!have_) {
            srtt_ms_ = r;
            rttvar_ms_ = r / 2;
            have_ = true;
        } else {
            const std::uint32_t diff = srtt_ms_ > r ? srtt_ms_ - r : r - srtt_ms_;
            rttvar_ms_ = (3 * rttvar_ms_ + diff) / 4;
            srtt_ms_ = (7 * srtt_ms_ + r) / 8;
        }
        // The clock ticks in milliseconds: G = 1.
        rto_ms_ = std::clamp(srtt_ms_ + std::max<std::uint32_t>(1, 4 * rttvar_ms_), min_ms_, max_ms_);
        ++samples_;
    }
    // The timer ran out: RTO doubles, up to its maximum.
    void back_off() noexcept { rto_ms_ = std::min(rto_ms_ * 2, max_ms_); }

    [[nodiscard]] std::uint32_t rto_ms() const noexcept { return rto_ms_; }
    [[nodiscard]] std::uint32_t srtt_ms() const noexcept { return srtt_ms_; }
    [[nodiscard]] std::uint64_t samples() const noexcept { return samples_; }

private:
    std::uint32_t rto_ms_ = 1000, min_ms_ = 1000, max_ms_ = 60000;
    std::uint32_t srtt_ms_ = 0, rttvar_ms_ = 0;
    bool have_ = false;
    std::uint64_t samples_ = 0;
};

}  // namespace tg::proto
