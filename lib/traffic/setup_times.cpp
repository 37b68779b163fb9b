#include "traffic/setup_times.hpp"

#include <algorithm>

namespace tg::traffic {

SetupTimes SetupTimes::of(std::vector<std::uint64_t> ms, std::uint64_t span_ms) {
    SetupTimes t;
    if (ms.empty()) return t;
    std::sort(ms.begin(), ms.end());
    t.count = ms.size();
    t.min_ms = ms.front();
    t.median_ms = ms[ms.size() / 2];
    t.p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    t.max_ms = ms.back();
    t.rate_per_s = double(ms.size()) / (double(std::max<std::uint64_t>(span_ms, 1)) / 1000);
    std::size_t at = 0;
    for (std::uint64_t below = 1;; below *= 2) {
        SetupBucket b{below, 0};
        while (at < ms.size() && ms[at] < below) {
            ++b.count;
            ++at;
        }
        t.histogram.push_back(b);
        if (at == ms.size()) break;
    }
    return t;
}

}  // namespace tg::traffic
