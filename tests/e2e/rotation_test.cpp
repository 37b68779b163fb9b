// The rotation keeps its time on the engines: with the control thread held still on
// purpose (ptrace stops that one thread for 0.8 s while the engines run on), a
// count-limited rotation of three protocols still sends each in its turn. When the
// control thread switched protocols, all of it went out as the first.
#include <gtest/gtest.h>

#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include <cerrno>
#include <cstring>

#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

TEST(Rotation, ALateControlThreadSkipsNoProtocol) {
    TempDir dir;
    const std::string json = dir / "rotation.json";
    // Control thread and generator engine on CPU 0, the sink engine on CPU 1. 60000
    // packets at 100 kpps: 0.2 s of each protocol.
    Child t({tool_path("TRAFFICGEN"), "--vdev", "net_ring0", "--loopback", "--lcores", "0@0,1@0,2@1", "--proto",
             "udp,tcp,sctp", "--protocol-duration", "0.2", "--count", "60000", "--rate", "100kpps", "--quiet", "--json",
             json},
            dir / "trafficgen");
    ASSERT_TRUE(t.wait_for_output("loopback on net_ring0", 30)) << t.err();
    // The main thread (its TID is the PID) is the control thread: stopped alone, the
    // engines go on.
    const pid_t control = t.pid();
    ASSERT_EQ(::ptrace(PTRACE_SEIZE, control, nullptr, nullptr), 0) << std::strerror(errno);
    ASSERT_EQ(::ptrace(PTRACE_INTERRUPT, control, nullptr, nullptr), 0) << std::strerror(errno);
    int status = 0;
    ASSERT_EQ(::waitpid(control, &status, __WALL), control);
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    ASSERT_EQ(::ptrace(PTRACE_DETACH, control, nullptr, nullptr), 0) << std::strerror(errno);
    const Exit e = t.wait(60);
    ASSERT_TRUE(e.ok()) << e.describe() << ": " << t.err();
    const auto report = load_report(json);
    ASSERT_TRUE(report.is_object()) << t.err();
    std::uint64_t total = 0;
    for (const char* p : {"udp", "tcp", "sctp"}) {
        const std::uint64_t n = packets_of(report, "generator", p);
        EXPECT_GT(n, 5000u) << p << " had its turn: " << report["generator"]["protocols"].dump();
        total += n;
    }
    EXPECT_EQ(total, 60000u);
}

}  // namespace
}  // namespace tg::e2e
