#include "traffic/setup_times.hpp"

#include <algorithm>
#include <bit>

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
    t.span_s = double(std::max<std::uint64_t>(span_ms, 1)) / 1000;
    t.rate_per_s = double(ms.size()) / t.span_s;
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

void SetupRecorder::record(std::uint64_t ns) noexcept {
    ns_.record(ns);
    const std::uint64_t ms = ns / 1000000;
    ++below_[std::min<std::size_t>(static_cast<std::size_t>(std::bit_width(ms)), buckets - 1)];
}

SetupTimes SetupRecorder::times(std::uint64_t span_ms) const {
    SetupTimes t;
    t.count = ns_.count();
    if (t.count == 0) return t;
    t.min_ms = ns_.min() / 1000000;
    t.median_ms = ns_.quantile(0.5) / 1000000;
    t.p99_ms = ns_.quantile(0.99) / 1000000;
    t.max_ms = ns_.max() / 1000000;
    t.rate_per_s = double(t.count) / (double(std::max<std::uint64_t>(span_ms, 1)) / 1000);
    std::size_t last = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
        if (below_[i] != 0) last = i;
    }
    for (std::size_t i = 0; i <= last; ++i) t.histogram.push_back({std::uint64_t{1} << i, below_[i]});
    return t;
}

}  // namespace tg::traffic
