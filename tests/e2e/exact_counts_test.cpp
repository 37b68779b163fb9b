// Exact counts: the frames the generator says it sent, the generator's veth sent, the
// sink's veth received and the sink counted are one and the same number.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <tuple>
#include <vector>
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
Counted count_a_run(const std::function<void(SinkRun&, const Lab&)>& sabotage = {}) {
    TempDir dir;
    Lab lab({});
    SinkRun sink(lab, dir);
    const LinkCounters gen0 = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    const LinkCounters sink0 = link_counters(lab["TG_SINK_NS"], lab["TG_SINK_IF"]);
    const auto g = run_generator(
        lab, dir, {"--mix", "tcp:1,udp:1,sctp:1", "--count", "30000", "--rate", "30kpps", "--flows", "4", "--streams", "4"},
        Family::ipv4, sabotage ? std::function<void(Child&)>([&](Child&) { sabotage(sink, lab); }) : std::function<void(Child&)>());
    EXPECT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last frames in flight
    const LinkCounters gen1 = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    const LinkCounters sink1 = link_counters(lab["TG_SINK_NS"], lab["TG_SINK_IF"]);
    const nlohmann::json s = sink.process().running() ? sink.stop() : nlohmann::json::object();
    Counted c;
    // What the generator put on the wire: its test packets, and the frames of its presence
    // (announcing its address, resolving the sink's).
    // A run that failed may have written a report without them: nothing is read that is not there.
    const nlohmann::json gen = g.report.is_object() ? g.report.value("generator", nlohmann::json::object())
                                                    : nlohmann::json::object();
    const nlohmann::json neighbours = gen.value("neighbours", nlohmann::json::object());
    c.sent = gen.value("packets", std::uint64_t{0}) + neighbours.value("frames_sent", std::uint64_t{0});
    c.test_packets = gen.value("packets", std::uint64_t{0});
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
    const Counted c = count_a_run([&](SinkRun& sink, const Lab& lab) {
        // Once the generator is well under way (its start takes longer on a busy machine,
        // and a sink stopped before it resolved the sink's address would fail the run
        // instead): 3,000 frames into the sink's veth.
        const std::uint64_t before = link_counters(lab["TG_SINK_NS"], lab["TG_SINK_IF"]).rx_packets;
        const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (link_counters(lab["TG_SINK_NS"], lab["TG_SINK_IF"]).rx_packets - before < 3000 &&
               std::chrono::steady_clock::now() < limit) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        sink_frames_when_stopped = sink.stop()["sink"].value("frames", std::uint64_t{0});
    });
    EXPECT_GT(c.veth_rx, sink_frames_when_stopped);
    EXPECT_FALSE(counts_agree(c.sent, c.veth_tx, c.veth_rx, sink_frames_when_stopped));
}

using StreamKey = std::tuple<std::string, std::uint64_t, std::uint64_t>;

std::map<StreamKey, std::uint64_t> per_stream(const nlohmann::json& list) {
    std::map<StreamKey, std::uint64_t> m;
    for (const auto& s : list) {
        m[{s.value("protocol", ""), s.value("flow", 0u), s.value("stream", 0u)}] += s.value("packets", std::uint64_t{0});
    }
    return m;
}

TEST(ExactCounts, StoppedByTheClockEveryProtocolAndStreamCountsWhatTheVethCarried) {
    for (const std::vector<std::string>& traffic :
         {std::vector<std::string>{"--mix", "tcp:1,udp:1,sctp:1", "--duration", "2"},
          std::vector<std::string>{"--proto", "udp,sctp,tcp", "--protocol-duration", "0.7", "--duration", "2.1"}}) {
        SCOPED_TRACE(traffic[1]);
        TempDir dir;
        Lab lab({});
        SinkRun sink(lab, dir);
        const LinkCounters gen0 = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
        std::vector<std::string> args = {"--rate", "20kpps", "--flows", "3", "--streams", "4"};
        args.insert(args.end(), traffic.begin(), traffic.end());
        const auto g = run_generator(lab, dir, args);
        ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const LinkCounters gen1 = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
        const nlohmann::json s = sink.stop();
        const auto& gen = g.report["generator"];
        const std::uint64_t packets = gen.value("packets", std::uint64_t{0});
        EXPECT_GT(packets, 20000u);
        // The veth carried the test packets and the generator's presence frames, nothing else.
        EXPECT_EQ(gen1.tx_packets - gen0.tx_packets, packets + gen["neighbours"].value("frames_sent", std::uint64_t{0}));
        std::uint64_t sum = 0;
        for (const char* p : {"tcp", "udp", "sctp"}) {
            const std::uint64_t sent = packets_of(g.report, "generator", p);
            EXPECT_GT(sent, 5000u) << p;
            EXPECT_EQ(packets_of(s, "sink", p), sent) << p;
            sum += sent;
        }
        EXPECT_EQ(sum, packets);
        const auto sent_on = per_stream(gen["streams"]);
        EXPECT_EQ(sent_on, per_stream(s["sink"]["streams"]));
        EXPECT_EQ(sent_on.size(), 3u + 3u + 3u * 4u) << "every flow of each protocol, every SCTP stream";
    }
}

}  // namespace
}  // namespace tg::e2e
