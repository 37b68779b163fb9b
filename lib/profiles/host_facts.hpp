// The host a run measures on, as the methodology asks a report to record it (RFC 2544
// section 26 and the containerized-infrastructure drafts: the test bed): the CPU, how
// many CPUs are online, hugepages reserved and free per size, and the kernel. Read from
// /proc and /sys under `root`, so tests can give a tree of their own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tg::profiles {

struct HugepagePool {
    std::uint64_t size_kb = 0;
    std::uint64_t total = 0;
    std::uint64_t free = 0;
};

struct HostFacts {
    std::string cpu_model;        // /proc/cpuinfo's "model name" ("unknown" when it has none)
    unsigned cpus_online = 0;     // /sys/devices/system/cpu/online
    std::string cpus_online_list; // as the kernel writes it: "0-1"
    std::vector<HugepagePool> hugepages;  // per page size, smallest first
    std::string kernel;           // the release (uname -r); "" when read under another root
};

[[nodiscard]] HostFacts read_host_facts(const std::string& root = "/");

// The number of CPUs in a kernel CPU list ("0-3,8,10-11": 7); 0 when it cannot be read.
[[nodiscard]] unsigned count_cpu_list(const std::string& list);

}  // namespace tg::profiles
