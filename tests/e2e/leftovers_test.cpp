// Nothing is left behind by an interrupted run: this suite run again under SIGINT or
// SIGTERM mid-test, the README's main command under Ctrl-C, and a run killed outright
// (SIGKILL), whose lab `scripts/lab clean` then removes.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "lab.hpp"
#include "leftovers.hpp"
#include "process.hpp"

namespace tg::e2e {
namespace {

std::string self_path() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

std::string joined(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += "\n  " + i;
    return s;
}

// Runs one exact-loss test in a second copy of this suite and interrupts it once its sink
// and generator are running.
struct Interrupted {
    pid_t pid = 0;
    Exit exit;
    std::vector<pid_t> started;
    std::string log;
};

Interrupted interrupt_a_nested_run(int sig, bool whole_group) {
    TempDir dir;
    Child nested({self_path(), "--gtest_filter=ExactLoss.TheSinksLossIsTheNftablesCounterForEachProtocol"},
                 dir / "nested");
    // The generator's start is logged after the sink's: then both run.
    const bool both = nested.wait_for_output("--proto", 60);
    Interrupted i;
    i.pid = nested.pid();
    if (!both) {
        ADD_FAILURE() << "the nested run never started its generator: " << nested.err();
        return i;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(whole_group ? -nested.pid() : nested.pid(), sig);
    i.exit = nested.wait(60);
    i.log = nested.err();
    i.started = started_pids(i.log);
    return i;
}

void expect_nothing_left(const Interrupted& i, int sig) {
    EXPECT_FALSE(i.exit.timed_out) << "the interrupted run did not end in 60 s";
    EXPECT_EQ(i.exit.signal, sig) << i.exit.describe();
    EXPECT_GE(i.started.size(), 2u) << i.log;
    const auto left = leftovers_of(i.pid, i.started);
    EXPECT_TRUE(left.empty()) << "left behind:" << joined(left);
}

TEST(Leftovers, NoneWhenTheSuiteIsInterruptedWithCtrlC) {
    const int sig = SIGINT;
    expect_nothing_left(interrupt_a_nested_run(sig, true), sig);
}

TEST(Leftovers, NoneWhenTheSuiteIsTerminated) {
    const int sig = SIGTERM;
    expect_nothing_left(interrupt_a_nested_run(sig, false), sig);
}

TEST(Leftovers, LabCleanRemovesWhatAKilledRunLeft) {
    // SIGKILL leaves no chance to clean up: the children die with their parent (they get
    // SIGTERM from the kernel), but the lab stays until `scripts/lab clean`.
    const Interrupted i = interrupt_a_nested_run(SIGKILL, false);
    EXPECT_EQ(i.exit.signal, SIGKILL);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // the orphans end on SIGTERM
    const auto before = leftovers_of(i.pid, i.started);
    EXPECT_FALSE(before.empty()) << "a killed run is expected to leave its lab";
    const auto clean = run({tool_path("TG_LAB_SCRIPT"), "clean"}, 60);
    EXPECT_TRUE(clean.exit.ok()) << clean.err;
    const auto after = leftovers_of(i.pid, i.started);
    EXPECT_TRUE(after.empty()) << "left behind:" << joined(after);
    const auto orphaned = orphans();
    EXPECT_TRUE(orphaned.empty()) << "orphans:" << joined(orphaned);
}

TEST(Leftovers, NoneWhenTheMainCommandIsInterruptedWithCtrlC) {
    TempDir dir;
    // TMPDIR for its work directory, so that its files and processes can be told apart.
    Child main_command({"env", "TMPDIR=" + dir.path(), "TG_LAB_SECONDS=20", "TG_TRAFFICGEN=" + tool_path("TRAFFICGEN"),
                        tool_path("TG_RUN_LAB"),
                        dir / "report.json"},
                       dir / "run-lab");
    ASSERT_TRUE(main_command.wait_for_output("sink on", 60)) << main_command.out() << main_command.err();
    std::this_thread::sleep_for(std::chrono::seconds(2));  // the generator is sending
    ::kill(-main_command.pid(), SIGINT);
    const Exit e = main_command.wait(60);
    EXPECT_EQ(e.code, 130) << e.describe() << "\n" << main_command.err();
    // run-lab's own pid owns its lab ("run-lab: lab <pid>x<word>: ...").
    EXPECT_NE(main_command.out().find("run-lab: lab " + std::to_string(main_command.pid()) + "x"), std::string::npos)
        << main_command.out();
    auto left = leftovers_of(main_command.pid(), {});
    for (const auto& p : processes_mentioning(dir.path())) left.push_back(p);
    EXPECT_TRUE(left.empty()) << "left behind:" << joined(left);
    const auto orphaned = orphans();
    EXPECT_TRUE(orphaned.empty()) << "orphans:" << joined(orphaned);
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path(), ec)) {
        const std::string name = entry.path().filename().string();
        EXPECT_TRUE(name == "run-lab.out" || name == "run-lab.err") << "left in TMPDIR: " << name;
    }
}

}  // namespace
}  // namespace tg::e2e
