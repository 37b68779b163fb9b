// Exact counts: the frames the generator says it sent, the generator's veth sent, the
// sink's veth received and the sink counted are one and the same number.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "checks.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

struct Counted {
    std::uint64_t sent = 0, veth_tx = 0, veth_rx = 0, sink_frames = 0;
    std::uint64_t test_packets = 0;
};

// TCP, UDP and SCTP mixed, 4 flows, 4 SCTP streams. `sabotage` runs while the generator
// sends.
Counted count_a_run(const std::function<void(SinkRun&)>& sabotage = {}) {
    TempDir dir;
    Lab lab({});
    SinkRun sink(lab, dir);
    const LinkCounters gen0 = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    const LinkCounters sink0 = link_counters(lab["TG_SINK_NS"], lab["TG_SINK_IF"]);
    const auto g = run_generator(
        lab, dir, {"--mix", "tcp:1,udp:1,sctp:1", "--count", "30000", "--rate", "30kpps", "--flows", "4", "--streams", "4"},
        Family::ipv4, sabotage ? std::function<void(Child&)>([&](Child&) { sabotage(sink); }) : std::function<void(Child&)>());
    EXPECT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last frames in flight
    const LinkCounters gen1 = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    const LinkCounters sink1 = link_counters(lab["TG_SINK_NS"], lab["TG_SINK_IF"]);
    const nlohmann::json s = sink.process().running() ? sink.stop() : nlohmann::json::object();
    Counted c;
    // What the generator put on the wire: its test packets, and the frames of its presence
    // (announcing its address, resolving the sink's).
    c.sent = g.report.is_object() ? g.report["generator"].value("packets", std::uint64_t{0}) +
                                        g.report["generator"]["neighbours"].value("frames_sent", std::uint64_t{0})
                                  : 0;
    c.test_packets = g.report.is_object() ? g.report["generator"].value("packets", std::uint64_t{0}) : 0;
    c.veth_tx = gen1.tx_packets - gen0.tx_packets;
    c.veth_rx = sink1.rx_packets - sink0.rx_packets;
    c.sink_frames = s.contains("sink") ? s["sink"].value("frames", std::uint64_t{0}) : 0;
    return c;
}

TEST(ExactCounts, SentAndReceivedEqualTheVethCounters) {
    const Counted c = count_a_run();
    EXPECT_EQ(c.test_packets, 30000u);
    EXPECT_GE(c.sent - c.test_packets, 2u) << "a gratuitous ARP and a request for the sink's MAC at least";
    EXPECT_TRUE(counts_agree(c.sent, c.veth_tx, c.veth_rx, c.sink_frames));
}

TEST(ExactCounts, FailWhenTheSinkMissesFrames) {
    // Sabotage: the sink stops while frames still arrive, so the veth counts frames the
    // sink never saw. The check must catch it.
    std::uint64_t sink_frames_when_stopped = 0;
    const Counted c = count_a_run([&](SinkRun& sink) {
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        sink_frames_when_stopped = sink.stop()["sink"].value("frames", std::uint64_t{0});
    });
    EXPECT_GT(c.veth_rx, sink_frames_when_stopped);
    EXPECT_FALSE(counts_agree(c.sent, c.veth_tx, c.veth_rx, sink_frames_when_stopped));
}

}  // namespace
}  // namespace tg::e2e
