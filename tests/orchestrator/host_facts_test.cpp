// The test bed's host facts, from a host tree the test builds (the CPU model, the CPUs
// online, each hugepage size's reserved and free pages), and from this host, judged by
// what the kernel says through other means (sysconf, uname).
#include "profiles/host_facts.hpp"

#include <gtest/gtest.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tg::profiles {
namespace {

namespace fs = std::filesystem;

TEST(HostFacts, ReadsTheCpuTheCpusOnlineAndEveryHugepageSize) {
    const fs::path root = fs::temp_directory_path() / ("tg-host-facts-" + std::to_string(::getpid()));
    fs::create_directories(root / "proc");
    fs::create_directories(root / "sys/devices/system/cpu");
    fs::create_directories(root / "sys/kernel/mm/hugepages/hugepages-1048576kB");
    fs::create_directories(root / "sys/kernel/mm/hugepages/hugepages-2048kB");
    std::ofstream(root / "proc/cpuinfo") << "processor\t: 0\nvendor_id\t: GenuineIntel\n"
                                         << "model name\t: Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz\nflags\t\t: fpu\n\n"
                                         << "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz\n";
    std::ofstream(root / "sys/devices/system/cpu/online") << "0-3,8,10-11\n";
    std::ofstream(root / "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages") << "1024\n";
    std::ofstream(root / "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") << "1000\n";
    std::ofstream(root / "sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages") << "2\n";
    std::ofstream(root / "sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages") << "2\n";
    const HostFacts h = read_host_facts(root.string());
    fs::remove_all(root);
    EXPECT_EQ(h.cpu_model, "Intel(R) Xeon(R) Gold 6338N CPU @ 2.20GHz");
    EXPECT_EQ(h.cpus_online, 7u);
    EXPECT_EQ(h.cpus_online_list, "0-3,8,10-11");
    ASSERT_EQ(h.hugepages.size(), 2u);
    EXPECT_EQ(h.hugepages[0].size_kb, 2048u);
    EXPECT_EQ(h.hugepages[0].total, 1024u);
    EXPECT_EQ(h.hugepages[0].free, 1000u);
    EXPECT_EQ(h.hugepages[1].size_kb, 1048576u);
    EXPECT_EQ(h.hugepages[1].total, 2u);
    EXPECT_EQ(h.kernel, "") << "another root's kernel is not this one's";
}

TEST(HostFacts, AnEmptyTreeIsUnknownRatherThanWrong) {
    const fs::path root = fs::temp_directory_path() / ("tg-host-empty-" + std::to_string(::getpid()));
    fs::create_directories(root);
    const HostFacts h = read_host_facts(root.string());
    fs::remove_all(root);
    EXPECT_EQ(h.cpu_model, "unknown");
    EXPECT_EQ(h.cpus_online, 0u);
    EXPECT_TRUE(h.hugepages.empty());
}

TEST(HostFacts, ThisHostAsTheKernelSaysItOtherwise) {
    const HostFacts h = read_host_facts();
    EXPECT_EQ(h.cpus_online, static_cast<unsigned>(::sysconf(_SC_NPROCESSORS_ONLN)));
    utsname u{};
    ASSERT_EQ(::uname(&u), 0);
    EXPECT_EQ(h.kernel, u.release);
}

TEST(HostFacts, CpuListsAreCountedOrRefused) {
    EXPECT_EQ(count_cpu_list("0"), 1u);
    EXPECT_EQ(count_cpu_list("0-1"), 2u);
    EXPECT_EQ(count_cpu_list("0-3,8,10-11"), 7u);
    EXPECT_EQ(count_cpu_list(""), 0u);
    EXPECT_EQ(count_cpu_list("3-1"), 0u);
    EXPECT_EQ(count_cpu_list("a-b"), 0u);
}

}  // namespace
}  // namespace tg::profiles
