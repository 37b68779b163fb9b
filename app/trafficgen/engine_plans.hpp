// Each engine's part of a run: the generator lcores share the flows, the rates and the
// count between them (engine i of n takes flows i, i+n, ...); each sink lcore reads a
// queue of its own. What sessions, answers and the control path add is the run's.
#pragma once

#include <cstddef>

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

}  // namespace tg::app
