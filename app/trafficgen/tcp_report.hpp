// The sink report's "tcp_connections" block: what the TCP listeners of the RX lcores
// accepted, counted and how each connection ended.
#pragma once

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/engines.hpp"

namespace tg::app {

// Null when no connection was ever asked for and no segment was refused.
[[nodiscard]] nlohmann::json tcp_connections_json(const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx);

}  // namespace tg::app
