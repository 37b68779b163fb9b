// Which memory a run takes: hugepages or not. A NIC reached by DMA needs memory with an
// IOVA; where IOVA is a physical address (no IOMMU: vfio in no-IOMMU mode, as in a guest
// without a vIOMMU, or --iova-mode=pa) only hugepages have one. Read from the host (its
// sysfs and mounts, under a root a test can point elsewhere) and decided here, for
// trafficgen when it starts and for trafficgen-orch's check.
#pragma once

#include <cstdint>
#include <string>

namespace tg::profiles {

struct HostMemory {
    std::uint64_t hugepages_2m_free = 0;
    std::uint64_t hugepages_1g_free = 0;
    bool hugetlbfs_mounted = false;
    bool iommu = false;  // IOMMU groups exist: DMA by virtual address is possible
};

// /sys/kernel/mm/hugepages, /proc/mounts and /sys/kernel/iommu_groups under `root`.
[[nodiscard]] HostMemory read_host_memory(const std::string& root = "/");

enum class MemoryRequest : std::uint8_t { automatic, hugepages, no_hugepages };

struct MemoryPlan {
    bool hugepages = false;
    std::string why;      // one clause: why this memory
    std::string refusal;  // not empty: the run cannot start, in one sentence
};

// `pci`: the address of the NIC DPDK drives itself, "" for a virtual device or a kernel
// interface; `physical_iova`: --iova-mode=pa was asked for; `memory_mb`: what a run
// without hugepages takes, and what it needs of them.
[[nodiscard]] MemoryPlan plan_memory(const HostMemory& host, MemoryRequest request, const std::string& pci,
                                     bool physical_iova, unsigned memory_mb);

}  // namespace tg::profiles
