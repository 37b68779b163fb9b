// The report's "test_bed": what the figures were measured on, as RFC 2544 section 26 and
// the containerized-infrastructure benchmarking drafts ask a report to say: the CPU and
// the CPUs online, each lcore's CPUs and role, hugepages, the memory and IOVA mode the EAL
// took, the kernel and DPDK, and per port its device, driver, firmware, NUMA node and
// link speed.
#pragma once

#include <chrono>

#include <nlohmann/json.hpp>

#include "engine_room.hpp"

namespace tg::app {

[[nodiscard]] nlohmann::json test_bed_json(const EngineRoom& room, std::chrono::system_clock::time_point started);

}  // namespace tg::app
