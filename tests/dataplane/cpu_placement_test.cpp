// Where the threads of a run sit, as the kernel sees them (/proc/PID/task/*): with the
// lcores left to their default, the control thread (which keeps the duration, the
// rotation's log, the sessions' timers and the link watch) never shares a CPU with a busy
// engine, for a generator, a sink and a loopback, given two CPUs or more.
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

namespace fs = std::filesystem;

struct Thread {
    pid_t tid = 0;
    std::string name;
    std::set<int> cpus;       // where it may run
    std::uint64_t ticks = 0;  // user + system time, in clock ticks
};

std::string read_all(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// "0-1,3" -> {0, 1, 3}
std::set<int> cpu_list(const std::string& text) {
    std::set<int> out;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');) {
        const auto dash = part.find('-');
        const int lo = std::stoi(part.substr(0, dash));
        const int hi = dash == std::string::npos ? lo : std::stoi(part.substr(dash + 1));
        for (int c = lo; c <= hi; ++c) out.insert(c);
    }
    return out;
}

std::vector<Thread> threads_of(pid_t pid) {
    std::vector<Thread> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path("/proc") / std::to_string(pid) / "task", ec)) {
        Thread t;
        t.tid = static_cast<pid_t>(std::stol(e.path().filename().string()));
        t.name = read_all(e.path() / "comm");
        if (!t.name.empty() && t.name.back() == '\n') t.name.pop_back();
        std::istringstream status(read_all(e.path() / "status"));
        for (std::string line; std::getline(status, line);) {
            if (line.rfind("Cpus_allowed_list:", 0) == 0) cpu_list(line.substr(line.find_first_not_of(" \t", 18))).swap(t.cpus);
        }
        // Fields 14 and 15 of stat, counted after the command's closing parenthesis.
        const std::string stat = read_all(e.path() / "stat");
        std::istringstream rest(stat.substr(stat.rfind(')') + 2));
        std::string field;
        for (int i = 3; i <= 13 && rest >> field; ++i) {
        }
        std::uint64_t utime = 0, stime = 0;
        rest >> utime >> stime;
        t.ticks = utime + stime;
        out.push_back(t);
    }
    return out;
}

std::size_t cpus_here() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return static_cast<std::size_t>(CPU_COUNT(&set));
}

// Two looks 0.6 s apart: a thread that used more than a quarter of that is busy (a
// polling engine uses all it gets; the control thread and DPDK's own threads sleep).
void expect_control_thread_alone(const std::vector<std::string>& args, const std::string& what) {
    std::vector<Thread> first, second;
    pid_t control = 0;  // the main thread: its TID is the PID
    const auto interval = std::chrono::milliseconds(600);
    const auto o = run_trafficgen_watched(args, {1.0, [&](pid_t pid) {
                                                      control = pid;
                                                      first = threads_of(pid);
                                                      std::this_thread::sleep_for(interval);
                                                      second = threads_of(pid);
                                                  }});
    ASSERT_EQ(o.exit_code, 0) << what << ": " << o.err;
    ASSERT_FALSE(second.empty()) << what << ": the run's threads were not found";
    const long hz = ::sysconf(_SC_CLK_TCK);
    const auto busy_ticks = static_cast<std::uint64_t>(double(hz) * 0.15);
    const Thread* control_thread = nullptr;
    std::vector<Thread> busy;
    for (const auto& t : second) {
        if (t.tid == control) control_thread = &t;
        for (const auto& before : first) {
            if (before.tid == t.tid && t.tid != control && t.ticks - before.ticks > busy_ticks) busy.push_back(t);
        }
    }
    ASSERT_NE(control_thread, nullptr);
    ASSERT_FALSE(busy.empty()) << what << ": no engine thread was busy";
    for (const auto& engine : busy) {
        for (int cpu : engine.cpus) {
            EXPECT_EQ(control_thread->cpus.count(cpu), 0u)
                << what << ": the control thread may run on CPU " << cpu << ", where busy " << engine.name << " runs";
        }
    }    // The report's test bed says the same as the kernel: the control lcore's CPUs are the
    // control thread's, and every busy engine runs on the CPUs of a generator or sink lcore.
    const auto& lcores = o.report["test_bed"]["lcores"];
    ASSERT_TRUE(lcores.is_array()) << what << ": " << o.report.dump();
    std::set<int> control_cpus, engine_cpus;
    for (const auto& l : lcores) {
        for (int cpu : l["cpus"]) (l["role"] == "control" ? control_cpus : engine_cpus).insert(cpu);
    }
    EXPECT_EQ(control_cpus, control_thread->cpus) << what << ": " << lcores.dump();
    for (const auto& engine : busy) {
        for (int cpu : engine.cpus) EXPECT_EQ(engine_cpus.count(cpu), 1u) << what << ": " << engine.name << " on CPU " << cpu;
    }
    EXPECT_EQ(o.report["test_bed"]["cpus_online"].get<long>(), ::sysconf(_SC_NPROCESSORS_ONLN));
}

class CpuPlacement : public ::testing::Test {
protected:
    void SetUp() override {
        if (cpus_here() < 2) GTEST_SKIP() << "one CPU: the control thread shares it by necessity (and runs at nice -10)";
    }
};

TEST_F(CpuPlacement, AGeneratorsControlThreadHasACpuOfItsOwn) {
    expect_control_thread_alone({"--vdev", "net_null0", "--dst-mac", "02:00:00:00:00:02", "--proto", "udp,tcp",
                                 "--protocol-duration", "1", "--duration", "2.5", "--rate", "max", "--quiet"},
                                "generator");
}

TEST_F(CpuPlacement, ASinksControlThreadHasACpuOfItsOwn) {
    expect_control_thread_alone({"sink", "--vdev", "net_null0", "--duration", "2.5", "--quiet"}, "sink");
}

TEST_F(CpuPlacement, ALoopbacksControlThreadHasACpuOfItsOwnAndEveryProtocolTakesItsTurn) {
    const std::vector<std::string> args = {"--vdev", "net_ring0", "--loopback", "--proto", "udp,sctp,tcp",
                                           "--protocol-duration", "0.8", "--duration", "2.4", "--rate", "max", "--quiet"};
    expect_control_thread_alone(args, "loopback");
    // The loopback at full rate still carries every protocol of the rotation, whole.
    const auto o = run_trafficgen(args);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    for (const char* p : {"udp", "sctp", "tcp"}) {
        const auto sent = o.report["generator"]["protocols"][p]["packets"].get<std::uint64_t>();
        EXPECT_GT(sent, 0u) << p << " never had its turn";
        EXPECT_EQ(o.report["sink"]["protocols"][p]["packets"].get<std::uint64_t>(), sent) << p;
    }
}

}  // namespace
}  // namespace tg::testing
