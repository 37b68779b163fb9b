// Each engine's part of a run: the generator lcores share the flows, the rates and the
// count between them (engine i of n takes flows i, i+n, ...); each sink lcore reads a
// queue of its own. What sessions, answers and the control path add is the run's.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "dataplane/engines.hpp"
#include "engine_room.hpp"
#include "options.hpp"
#include "traffic_plan.hpp"

namespace tg::app {

// The port must have been started with `tx_checksum_offload` as given. The templates'
// pools are room.pools from `first_pool` on, one per template.
[[nodiscard]] dataplane::TxEngineConfig tx_engine_plan(const Options& o, const Traffic& t, const PacingPlan& plan,
                                                       const EngineRoom& room, bool tx_checksum_offload, std::size_t i,
                                                       std::size_t first_pool = 0);

[[nodiscard]] dataplane::RxEngineConfig rx_engine_plan(const Options& o, const EngineRoom& room, std::size_t i);

// Launches the engines on their lcores: a paired room's generator and sink as one
// PairedEngines (returned: it must live until the lcores are waited for), the others each
// on its own lcore.
[[nodiscard]] std::unique_ptr<dataplane::PairedEngines> launch_engines(
    const EngineRoom& room, const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx,
    const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx);

}  // namespace tg::app
