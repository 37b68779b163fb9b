#include "profiles/memory_plan.hpp"

#include "profiles/host_facts.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tg::profiles {

namespace {

std::string reserve_hint(unsigned memory_mb) {
    const unsigned pages = (memory_mb + 1) / 2;
    return "reserve at least " + std::to_string(pages) + " 2 MB hugepages (echo " + std::to_string(pages) +
           " > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages, with hugetlbfs mounted, or `trafficgen-orch "
           "provision`)";
}

}  // namespace

HostMemory read_host_memory(const std::string& root) {
    namespace fs = std::filesystem;
    HostMemory m;
    const fs::path base(root);
    for (const HugepagePool& p : read_host_facts(root).hugepages) {
        if (p.size_kb == 2048) m.hugepages_2m_free = p.free;
        if (p.size_kb == 1048576) m.hugepages_1g_free = p.free;
    }
    std::ifstream mounts(base / "proc/mounts");
    for (std::string line; std::getline(mounts, line);) {
        std::istringstream f(line);
        std::string dev, dir, type;
        f >> dev >> dir >> type;
        if (type == "hugetlbfs") m.hugetlbfs_mounted = true;
    }
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base / "sys/kernel/iommu_groups", ec)) {
        (void)e;
        m.iommu = true;
        break;
    }
    return m;
}

MemoryPlan plan_memory(const HostMemory& host, MemoryRequest request, const std::string& pci_address,
                       bool physical_iova, unsigned memory_mb) {
    const bool pci = !pci_address.empty();
    MemoryPlan p;
    const bool reserved = host.hugepages_2m_free + host.hugepages_1g_free > 0 && host.hugetlbfs_mounted;
    const std::string free = std::to_string(host.hugepages_2m_free) + " free 2 MB and " +
                             std::to_string(host.hugepages_1g_free) + " free 1 GB hugepages" +
                             (host.hugetlbfs_mounted ? "" : ", no hugetlbfs mounted");
    // Physical addresses reach the NIC when there is no IOMMU, or when they are asked for.
    const bool needs_physical = pci && (physical_iova || !host.iommu);
    if (request == MemoryRequest::hugepages) {
        if (!reserved) p.refusal = "--hugepages: this host has " + free + ": " + reserve_hint(memory_mb);
        p.hugepages = true;
        p.why = "asked for (" + free + ")";
        return p;
    }
    if (request == MemoryRequest::no_hugepages) {
        if (needs_physical) {
            p.refusal = "--no-huge: the NIC " + pci_address + " is reached by physical address (" +
                        std::string(physical_iova ? "--iova-mode=pa" : "no IOMMU, as vfio in no-IOMMU mode") +
                        ") and memory without hugepages has none: leave out --no-huge and " + reserve_hint(memory_mb);
        }
        p.why = "asked for";
        return p;
    }
    if (pci && reserved) {
        p.hugepages = true;
        p.why = "a NIC and " + free;
        return p;
    }
    if (needs_physical) {
        p.refusal = "the NIC " + pci_address + " is reached by physical address (" +
                    std::string(physical_iova ? "--iova-mode=pa" : "no IOMMU, as vfio in no-IOMMU mode") +
                    ") and only hugepages have one, but this host has " + free + ": " + reserve_hint(memory_mb);
        return p;
    }
    p.why = pci ? "none reserved (" + free + ")" : "a virtual device or kernel interface needs none";
    return p;
}

}  // namespace tg::profiles
