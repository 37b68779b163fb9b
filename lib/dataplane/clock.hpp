// Nanoseconds from the TSC, anchored to the realtime clock at start: cheap to read on the
// data path, comparable between hosts whose realtime clocks are synchronised (PTP), and
// between processes on one host.
#pragma once

#include <cstdint>

namespace tg::dataplane {

struct Clock {
    std::uint64_t tsc_hz = 0;
    std::uint64_t base_tsc = 0;
    std::uint64_t base_ns = 0;
    double ns_per_tick = 0;

    [[nodiscard]] static Clock now();
    [[nodiscard]] std::uint64_t ns(std::uint64_t tsc) const noexcept {
        return base_ns + static_cast<std::uint64_t>(static_cast<double>(tsc - base_tsc) * ns_per_tick);
    }
};

}  // namespace tg::dataplane
