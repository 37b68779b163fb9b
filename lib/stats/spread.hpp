// Min, median and max of repeated measurements (the figures of `--repeat N`). The median
// of an even number of values is the lower of the two middle ones, so that it is always a
// value that was measured, and the repetition it came from can be shown with it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

namespace tg::stats {

struct Spread {
    double min = 0, median = 0, max = 0;
    std::size_t median_index = 0;  // which of the values the median is
};

[[nodiscard]] inline Spread spread(const std::vector<double>& values) {
    if (values.empty()) return {};
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    const std::size_t mid = order[(order.size() - 1) / 2];
    return {values[order.front()], values[mid], values[order.back()], mid};
}

}  // namespace tg::stats
