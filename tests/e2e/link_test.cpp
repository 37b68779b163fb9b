// The link on the lab: taken down mid-run with `ip link set` on the sink's veth, both
// ends report one down episode, of about the time the test held it down, and as many
// as the kernel's carrier_changes counter on the generator's veth counts (two changes
// per episode); a link that never comes up stops the generator before it sends.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

std::uint64_t carrier_changes(const std::string& ns, const std::string& ifname) {
    const auto r = run(in_ns(ns, {"cat", "/sys/class/net/" + ifname + "/carrier_changes"}));
    return r.exit.ok() ? std::stoull(r.out) : 0;
}

void set_link(const std::string& ns, const std::string& ifname, const char* state) {
    const auto r = run({"ip", "-n", ns, "link", "set", ifname, state});
    if (!r.exit.ok()) throw std::runtime_error("ip link set failed: " + r.err);
}

TEST(Link, ALinkTakenDownMidRunIsReportedWithWhenAndHowLong) {
    TempDir dir;
    Lab lab({});
    SinkRun sink(lab, dir);
    const std::uint64_t changes_before = carrier_changes(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    double held_down_s = 0;
    const auto g = run_generator(lab, dir, {"--proto", "udp", "--rate", "5kpps", "--duration", "5"}, Family::ipv4,
                                 [&](Child&) {
                                     std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                                     const auto down = std::chrono::steady_clock::now();
                                     set_link(lab["TG_SINK_NS"], lab["TG_SINK_IF"], "down");
                                     std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                                     set_link(lab["TG_SINK_NS"], lab["TG_SINK_IF"], "up");
                                     held_down_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - down).count();
                                 });
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const std::uint64_t changes = carrier_changes(lab["TG_GEN_NS"], lab["TG_GEN_IF"]) - changes_before;
    const auto s = sink.stop();
    EXPECT_EQ(changes, 2u) << "the kernel saw the generator's carrier go and come back once";
    EXPECT_NE(g.err.find("went down at"), std::string::npos) << g.err;
    for (const auto* report : {&g.report, &s}) {
        const auto& l = (*report)["port"]["link"];
        SCOPED_TRACE(l.dump());
        EXPECT_TRUE(l.value("up_at_start", false));
        EXPECT_TRUE(l.value("up_at_end", false));
        EXPECT_EQ(l.value("down_events", 0u), changes / 2);
        ASSERT_EQ(l["down"].size(), 1u);
        // Read every 100 ms: within a few readings of the time the test held it down.
        EXPECT_NEAR(l["down"][0].value("down_for_s", 0.0), held_down_s, 0.35);
        EXPECT_NEAR(l.value("down_seconds", 0.0), held_down_s, 0.35);
    }
}

TEST(Link, ALinkThatNeverComesUpStopsTheGeneratorBeforeItSends) {
    TempDir dir;
    Lab lab({});
    set_link(lab["TG_SINK_NS"], lab["TG_SINK_IF"], "down");  // the generator's veth has no carrier
    const LinkCounters before = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    const auto g = run_generator(lab, dir, {"--proto", "udp", "--count", "100", "--link-timeout", "1",
                                            "--dst-mac", lab["TG_SINK_MAC"]});
    const LinkCounters after = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    EXPECT_EQ(g.exit.code, 3) << g.exit.describe() << ": " << g.err;
    EXPECT_NE(g.err.find("still down after 1.0 s"), std::string::npos) << g.err;
    EXPECT_NE(g.err.find("--link-timeout"), std::string::npos) << g.err;
    EXPECT_EQ(after.tx_packets - before.tx_packets, 0u);
}

}  // namespace
}  // namespace tg::e2e
