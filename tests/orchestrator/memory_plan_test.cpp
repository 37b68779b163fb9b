// Which memory a run takes, from a host tree the test builds: hugepages with a NIC when
// they are reserved, none for virtual devices, and a refusal that says how many to
// reserve where the NIC is reached by physical address.
#include "profiles/memory_plan.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace tg::profiles {
namespace {

namespace fs = std::filesystem;

int hosts_made = 0;

struct Host {
    fs::path root = fs::temp_directory_path() / ("tg-memory-" + std::to_string(::getpid()) + "-" + std::to_string(hosts_made++));
    Host(std::uint64_t free_2m, bool hugetlbfs, bool iommu) {
        fs::create_directories(root / "sys/kernel/mm/hugepages/hugepages-2048kB");
        fs::create_directories(root / "proc");
        std::ofstream(root / "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") << free_2m << "\n";
        std::ofstream(root / "proc/mounts") << "proc /proc proc rw 0 0\n"
                                           << (hugetlbfs ? "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n" : "");
        fs::create_directories(root / "sys/kernel/iommu_groups");
        if (iommu) fs::create_directories(root / "sys/kernel/iommu_groups/7");
    }
    ~Host() { fs::remove_all(root); }
    [[nodiscard]] HostMemory read() const { return read_host_memory(root.string()); }
};

TEST(MemoryPlan, ReadsWhatTheHostHas) {
    const Host h(512, true, true);
    const HostMemory m = h.read();
    EXPECT_EQ(m.hugepages_2m_free, 512u);
    EXPECT_EQ(m.hugepages_1g_free, 0u);
    EXPECT_TRUE(m.hugetlbfs_mounted);
    EXPECT_TRUE(m.iommu);
    const Host bare(0, false, false);
    const HostMemory b = bare.read();
    EXPECT_FALSE(b.hugetlbfs_mounted);
    EXPECT_FALSE(b.iommu);
}

TEST(MemoryPlan, ANicTakesHugepagesWhenReservedAVirtualDeviceDoesNot) {
    const HostMemory reserved = Host(256, true, true).read();
    const MemoryPlan nic = plan_memory(reserved, MemoryRequest::automatic, "0000:06:00.0", false, 512);
    EXPECT_TRUE(nic.hugepages);
    EXPECT_EQ(nic.refusal, "");
    EXPECT_NE(nic.why.find("256 free 2 MB"), std::string::npos) << nic.why;
    const MemoryPlan vdev = plan_memory(reserved, MemoryRequest::automatic, "", false, 512);
    EXPECT_FALSE(vdev.hugepages);
    EXPECT_EQ(vdev.refusal, "");
    // Reserved but not mounted: DPDK could not map them.
    EXPECT_FALSE(plan_memory(Host(256, false, true).read(), MemoryRequest::automatic, "0000:06:00.0", false, 512).hugepages);
}

TEST(MemoryPlan, PhysicalAddressesWithoutHugepagesAreRefusedWithHowManyToReserve) {
    const HostMemory guest = Host(0, false, false).read();  // no vIOMMU, nothing reserved
    const MemoryPlan p = plan_memory(guest, MemoryRequest::automatic, "0000:06:00.0", false, 512);
    EXPECT_NE(p.refusal.find("0000:06:00.0"), std::string::npos) << p.refusal;
    EXPECT_NE(p.refusal.find("no IOMMU"), std::string::npos) << p.refusal;
    EXPECT_NE(p.refusal.find("at least 256 2 MB hugepages"), std::string::npos) << p.refusal;
    // With an IOMMU the same NIC runs without them; --iova-mode=pa takes that away.
    const HostMemory iommu = Host(0, false, true).read();
    EXPECT_EQ(plan_memory(iommu, MemoryRequest::automatic, "0000:06:00.0", false, 512).refusal, "");
    EXPECT_NE(plan_memory(iommu, MemoryRequest::automatic, "0000:06:00.0", true, 1024).refusal.find("at least 512"),
              std::string::npos);
    EXPECT_NE(plan_memory(guest, MemoryRequest::no_hugepages, "0000:06:00.0", false, 512).refusal.find("--no-huge"),
              std::string::npos);
    // A virtual device has no DMA to worry about.
    EXPECT_EQ(plan_memory(guest, MemoryRequest::automatic, "", false, 512).refusal, "");
}

TEST(MemoryPlan, AskingForHugepagesWhereThereAreNoneIsRefused) {
    const MemoryPlan p = plan_memory(Host(0, true, true).read(), MemoryRequest::hugepages, "", false, 512);
    EXPECT_NE(p.refusal.find("--hugepages"), std::string::npos) << p.refusal;
    EXPECT_EQ(plan_memory(Host(8, true, true).read(), MemoryRequest::hugepages, "", false, 512).refusal, "");
}

}  // namespace
}  // namespace tg::profiles
