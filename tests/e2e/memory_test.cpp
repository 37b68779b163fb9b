// The memory a run takes, with hugepages reserved for the test and given back after: a
// NIC run chooses them, a run that asks for them takes them from the kernel (its own
// HugePages counters drop while it runs and come back after), and with none reserved a
// NIC that needs them is refused with how many to reserve.
#include <gtest/gtest.h>

#include <sys/mount.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "interrupt_cleanup.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

const char* const nr_path = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages";
const char* const free_path = "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages";

std::uint64_t read_number(const char* path) {
    std::ifstream in(path);
    std::uint64_t v = 0;
    in >> v;
    return v;
}

void write_number(const char* path, std::uint64_t v) { std::ofstream(path) << v << "\n"; }

// 2 MB hugepages reserved and hugetlbfs mounted for one test; the host's count put back
// and the mount removed after, also when the test fails.
class ReservedHugepages {
public:
    ReservedHugepages(const TempDir& dir, std::uint64_t pages) : mount_(dir / "hugetlbfs"), before_(read_number(nr_path)) {
        // A signal mid-test gives them back too.
        track_hugepages(nr_path, before_, mount_);
        write_number(nr_path, pages);
        std::filesystem::create_directories(mount_);
        mounted_ = ::mount("none", mount_.c_str(), "hugetlbfs", 0, nullptr) == 0;
    }
    ~ReservedHugepages() {
        if (mounted_) ::umount2(mount_.c_str(), MNT_DETACH);
        write_number(nr_path, before_);
        untrack_hugepages();
    }
    [[nodiscard]] bool ok() const { return mounted_; }

private:
    std::string mount_;
    std::uint64_t before_;
    bool mounted_ = false;
};

std::vector<std::string> trafficgen(const std::vector<std::string>& args) {
    std::vector<std::string> argv{tool_path("TRAFFICGEN")};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

TEST(Memory, ANicRunChoosesTheHugepagesTheHostReserved) {
    TempDir dir;
    ReservedHugepages huge(dir, 256);
    ASSERT_TRUE(huge.ok());
    ASSERT_EQ(read_number(free_path), 256u) << "the kernel could not reserve them";
    // No such NIC here: the run ends at the port, after it chose its memory.
    const auto r = run(trafficgen({"--pci", "0000:99:00.0", "--count", "1"}), 60);
    EXPECT_EQ(r.exit.code, 3) << r.err;
    EXPECT_NE(r.err.find("memory: hugepages (a NIC and 256 free 2 MB"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("0000:99:00.0"), std::string::npos) << r.err;
}

TEST(Memory, ARunOnHugepagesTakesThemFromTheKernelAndGivesThemBack) {
    TempDir dir;
    ReservedHugepages huge(dir, 256);
    ASSERT_TRUE(huge.ok());
    std::uint64_t free_while_running = 256;
    Child c(trafficgen({"--vdev", "net_ring0", "--loopback", "--hugepages", "--duration", "2", "--rate", "10kpps",
                        "--quiet", "--json", dir / "report.json"}),
            dir / "trafficgen");
    ASSERT_TRUE(c.wait_for_output("loopback on", 30)) << c.err();
    free_while_running = read_number(free_path);
    const Exit e = c.wait(30);
    ASSERT_TRUE(e.ok()) << e.describe() << ": " << c.err();
    EXPECT_LT(free_while_running, 256u) << "DPDK mapped some of them";
    EXPECT_EQ(read_number(free_path), 256u) << "and gave them back";
    const auto report = load_report(dir / "report.json");
    EXPECT_EQ(report["port"]["memory"].value("hugepages", false), true) << report["port"].dump();
}

TEST(Memory, WithNoneReservedANicNeedingThemIsRefusedAndAVirtualDeviceSaysWhatItUses) {
    TempDir dir;
    if (read_number(nr_path) != 0 || !std::filesystem::is_empty("/sys/kernel/iommu_groups")) {
        GTEST_SKIP() << "this host has hugepages reserved or an IOMMU";
    }
    const auto refused = run(trafficgen({"--pci", "0000:99:00.0", "--count", "1"}), 60);
    EXPECT_EQ(refused.exit.code, 3) << refused.err;
    EXPECT_NE(refused.err.find("reached by physical address"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("reserve at least 256 2 MB hugepages"), std::string::npos) << refused.err;
    const auto vdev = run(trafficgen({"--vdev", "net_ring0", "--loopback", "--count", "100", "--quiet", "--json",
                                      dir / "report.json"}),
                          60);
    EXPECT_TRUE(vdev.exit.ok()) << vdev.err;
    EXPECT_NE(vdev.err.find("memory: no hugepages, 512 MB"), std::string::npos) << vdev.err;
    const auto report = load_report(dir / "report.json");
    EXPECT_EQ(report["port"]["memory"].value("hugepages", true), false);
    EXPECT_EQ(report["port"]["memory"].value("memory_mb", 0), 512);
}

}  // namespace
}  // namespace tg::e2e
