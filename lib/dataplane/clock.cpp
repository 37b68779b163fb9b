#include "dataplane/clock.hpp"

#include <rte_cycles.h>

#include <ctime>

namespace tg::dataplane {

Clock Clock::now() {
    Clock c;
    c.tsc_hz = rte_get_tsc_hz();
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    c.base_tsc = rte_rdtsc();
    c.base_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
    c.ns_per_tick = 1e9 / static_cast<double>(c.tsc_hz);
    return c;
}

}  // namespace tg::dataplane
