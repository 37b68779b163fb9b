// `trafficgen-orch check`: a preflight that reaches each host and explains the numbers a
// run would otherwise get wrong without saying why: kernel, CPUs and NUMA, the NIC's
// driver and offloads (SCTP CRC32c above all), IOMMU or noiommu, hugepages, the sctp and
// vfio-pci modules, the clock source and the TSC, and the trafficgen version.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "inventory.hpp"
#include "profiles/driver_profile.hpp"
#include "profiles/memory_plan.hpp"

namespace tg::orch {

using HostFacts = std::map<std::string, std::string>;  // key=value lines of the probe

struct CheckNote {
    enum class Level { info, warning, error };
    Level level = Level::info;
    std::string text;
};

struct HostCheck {
    const HostSpec* host = nullptr;
    bool reached = false;
    int error_code = 0;  // the exit code of a failure to reach it
    HostFacts facts;
    std::vector<CheckNote> notes;
};

[[nodiscard]] HostFacts parse_facts(const std::string& probe_output);
// What the facts mean for a run on that host: errors stop a run, warnings explain
// numbers. Pure, so that each rule is tested on its own.
// `profiles` are drivers-config's: the NIC's driver's profile adds its offloads and quirks.
[[nodiscard]] std::vector<CheckNote> judge(const HostSpec& host, const HostFacts& facts,
                                           const std::vector<profiles::DriverProfile>& profiles = {});
// The memory trafficgen will choose on that host once `provision` has reserved the
// inventory's hugepages, by trafficgen's own rule (profiles/memory_plan.hpp).
[[nodiscard]] profiles::MemoryPlan run_memory(const HostSpec& host, const HostFacts& facts,
                                              const std::vector<profiles::DriverProfile>& profiles = {});

// Reaches every host of the inventory (each in turn) and judges it; never throws for a
// host it cannot reach (that host's check says why).
[[nodiscard]] std::vector<HostCheck> check_hosts(const Inventory& inv, const std::string& sysfs_root,
                                                 const std::vector<profiles::DriverProfile>& profiles = {});

[[nodiscard]] std::string check_text(const std::vector<HostCheck>& checks);
[[nodiscard]] nlohmann::json check_json(const std::vector<HostCheck>& checks);
// 0 when every host can run; else the worst: unreachable, then step_failed.
[[nodiscard]] int check_exit_code(const std::vector<HostCheck>& checks);

}  // namespace tg::orch
