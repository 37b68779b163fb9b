// Request/response in the report: the generator's transactions (per second, lost,
// latency percentiles) and what the sink answered.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/engines.hpp"
#include "stats/latency_histogram.hpp"
#include "traffic/protocol.hpp"
#include "traffic/transactions.hpp"

namespace tg::app {

// {"valid", "samples", "min_ns", "mean_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns"}
[[nodiscard]] nlohmann::json latency_json(const stats::LatencyHistogram& h, bool valid);

// The generator's "request_response" block.
[[nodiscard]] nlohmann::json transactions_json(const traffic::Transactions& t, traffic::Protocol protocol,
                                               const std::string& verdict);

// The sink's "requests" block: requests answered and bytes sent back, per protocol; null
// when none came.
[[nodiscard]] nlohmann::json requests_json(const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx);

}  // namespace tg::app
