// What the report says the same way for SCTP associations and TCP connections.
#pragma once

#include <nlohmann/json.hpp>

#include "traffic/setup_times.hpp"

namespace tg::app {

// "setup_ms": percentiles and the histogram (buckets below 1, 2, 4, ... ms).
[[nodiscard]] inline nlohmann::json setup_json(const traffic::SetupTimes& t) {
    nlohmann::json histogram = nlohmann::json::array();
    for (const auto& b : t.histogram) histogram.push_back({{"below_ms", b.below_ms}, {"count", b.count}});
    return {{"min", t.min_ms}, {"median", t.median_ms}, {"p99", t.p99_ms}, {"max", t.max_ms}, {"histogram", histogram}};
}

}  // namespace tg::app
