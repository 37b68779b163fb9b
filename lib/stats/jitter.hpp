// RFC 3550 section 6.4.1 / appendix A.8 interarrival jitter: the mean deviation of the
// difference in transit time between consecutive packets, smoothed with gain 1/16. The
// two clocks need not agree: only differences of transit times are used.
#pragma once

#include <cstdint>

namespace tg::stats {

class Jitter {
public:
    // tx_ns: the sender's timestamp; rx_ns: the receiver's clock at arrival.
    void record(std::uint64_t tx_ns, std::uint64_t rx_ns) noexcept {
        const auto transit = static_cast<std::int64_t>(rx_ns - tx_ns);
        if (have_previous_) {
            std::int64_t d = transit - previous_transit_;
            if (d < 0) d = -d;
            // Scaled by 16 so the 1/16 gain loses nothing to integer division (RFC 3550 A.8).
            scaled_ += d - ((scaled_ + 8) >> 4);
        }
        previous_transit_ = transit;
        have_previous_ = true;
    }

    [[nodiscard]] std::uint64_t ns() const noexcept { return static_cast<std::uint64_t>(scaled_ >> 4); }

private:
    std::int64_t scaled_ = 0;
    std::int64_t previous_transit_ = 0;
    bool have_previous_ = false;
};

}  // namespace tg::stats
