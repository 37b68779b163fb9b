// The generator's real TCP connections over the lab. Against the kernel's TCP: a kernel
// listener in the sink namespace accepts them and counts the bytes. Against the
// trafficgen sink through a bridge that drops 1 in 40 data frames: closed loop resends
// every one and the sink counts each byte once; open loop never resends and the sink's
// test headers show exactly the frames the bridge dropped. nftables counts the drops.
#include <gtest/gtest.h>

#include <signal.h>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

const nlohmann::json& connections_of(const nlohmann::json& report, const char* side) {
    static const nlohmann::json none = nlohmann::json::object();
    const auto& s = report.contains(side) ? report[side] : none;
    return s.contains("tcp_connections") ? s["tcp_connections"] : none;
}

// Every 40th TCP frame longer than 1000 bytes (data; handshakes and ACKs are shorter) is
// dropped on the bridge in front of the sink, and counted.
void drop_data_frames(const Lab& lab) {
    nft_load(lab["TG_SINK_NS"],
             "table bridge tg_cni {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
             "    ether type ip ip protocol tcp ip length > 1000 numgen inc mod 40 == 39 counter drop "
             "comment \"data-dropped\"\n  }\n}\n");
}

std::uint64_t dropped(const Lab& lab) { return nft_counter(lab["TG_SINK_NS"], "bridge", "tg_cni", "data-dropped"); }

void kernel_listener_counts_every_byte(const std::vector<std::string>& mode) {
    TempDir dir;
    Lab lab({});
    kernel_owns(lab, LabSide::sink);
    kernel_sends_plain_frames(lab, LabSide::sink);
    Child listener(in_ns(lab["TG_SINK_NS"], {tool_path("TG_TCP_PEER"), "server", "5201", "90"}), dir / "tcp_peer");
    ASSERT_TRUE(listener.wait_for_output("ready", 10)) << listener.err();
    const auto before = snmp_counters(lab["TG_SINK_NS"]);
    std::vector<std::string> args = {"--proto", "tcp", "--connections", "4", "--count", "20000", "--size", "1024",
                                     "--dst-port", "5201"};
    args.insert(args.end(), mode.begin(), mode.end());
    const auto g = run_generator(lab, dir, args);
    const auto after = snmp_counters(lab["TG_SINK_NS"]);
    const Exit e = listener.stop(SIGINT, 10);
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    EXPECT_TRUE(e.ok()) << listener.err();
    const auto theirs = json_of(listener.out());
    const auto& ours = connections_of(g.report, "generator");
    EXPECT_EQ(ours.value("requested", 0), 4) << ours.dump();
    EXPECT_EQ(ours.value("closed_clean", 0), 4) << ours.dump();
    EXPECT_EQ(ours.value("verdict", "x"), "");
    ASSERT_TRUE(ours.contains("setup_ms"));
    EXPECT_EQ(theirs.value("connections", 0), 4) << listener.out();
    EXPECT_EQ(theirs.value("closed_by_peer", 0), 4) << "each connection ended with our FIN";
    EXPECT_EQ(theirs.value("reset", 1), 0);
    const std::uint64_t segments = g.report["generator"]["protocols"]["tcp"].value("first_transmissions", std::uint64_t{0});
    EXPECT_EQ(segments, 20000u);
    EXPECT_EQ(theirs.value("bytes", std::uint64_t{0}), segments * (1024 - 4 - 14 - 20 - 20 - 12))
        << "every segment's payload (1024-byte frames with FCS, timestamps on), counted by the kernel";
    EXPECT_EQ(after.at("TcpInCsumErrors") - before.at("TcpInCsumErrors"), 0u);
    EXPECT_EQ(after.at("TcpPassiveOpens") - before.at("TcpPassiveOpens"), 4u);
}

TEST(TcpConnections, AKernelListenerCountsEveryByteInClosedLoop) { kernel_listener_counts_every_byte({"--closed-loop"}); }

TEST(TcpConnections, AKernelListenerCountsEveryByteInOpenLoop) {
    kernel_listener_counts_every_byte({"--rate", "20kpps"});
}

TEST(TcpConnections, ARunInterruptedByCtrlCClosesItsConnectionsWithFinsNotResets) {
    TempDir dir;
    Lab lab({});
    kernel_owns(lab, LabSide::sink);
    kernel_sends_plain_frames(lab, LabSide::sink);
    Child listener(in_ns(lab["TG_SINK_NS"], {tool_path("TG_TCP_PEER"), "server", "5201", "90"}), dir / "tcp_peer");
    ASSERT_TRUE(listener.wait_for_output("ready", 10)) << listener.err();
    const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "4", "--closed-loop", "--duration", "30",
                                            "--dst-port", "5201"},
                                 Family::ipv4, interrupt_after(3));
    const Exit e = listener.stop(SIGINT, 10);
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    EXPECT_TRUE(e.ok()) << listener.err();
    EXPECT_EQ(g.report.value("stopped_by", ""), "signal");
    const auto theirs = json_of(listener.out());
    EXPECT_EQ(theirs.value("connections", 0), 4) << listener.out();
    EXPECT_EQ(theirs.value("closed_by_peer", 0), 4) << "each connection ended with our FIN";
    EXPECT_EQ(theirs.value("reset", 1), 0);
    EXPECT_EQ(connections_of(g.report, "generator").value("closed_clean", 0), 4);
}

TEST(TcpConnections, ClosedLoopResendsWhatTheBridgeDropsAndTheSinkCountsEachByteOnce) {
    TempDir dir;
    Lab lab({.bridge = true});
    drop_data_frames(lab);
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "4", "--closed-loop", "--count", "10000"});
    const auto s = sink.stop();
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const auto& client = connections_of(g.report, "generator");
    const auto& server = connections_of(s, "sink");
    ASSERT_TRUE(client.contains("closed_loop")) << client.dump();
    const auto& cl = client["closed_loop"];
    const std::uint64_t lost = dropped(lab);
    ASSERT_GE(lost, 250u) << "1 in 40 of more than 10000 data frames";
    EXPECT_EQ(client.value("closed_clean", 0), 4) << client.dump();
    EXPECT_EQ(cl.value("segments_sent", 0), 10000);
    EXPECT_EQ(cl.value("bytes_acked", std::uint64_t{0}), cl.value("bytes_sent", std::uint64_t{1}));
    EXPECT_GE(cl.value("retransmitted_segments", std::uint64_t{0}), lost);
    EXPECT_GT(cl.value("fast_retransmits", 0), 0);
    EXPECT_EQ(server.value("established", 0), 4) << server.dump();
    EXPECT_EQ(server.value("closed_clean", 0), 4);
    EXPECT_EQ(server.value("bytes", std::uint64_t{0}), cl.value("bytes_sent", std::uint64_t{1}))
        << "each byte once: " << server.dump();
    // Every data frame the generator sent either crossed the bridge or was dropped there.
    const std::uint64_t frames = g.report["generator"]["protocols"]["tcp"].value("packets", std::uint64_t{0});
    EXPECT_EQ(packets_of(s, "sink", "tcp"), frames - lost) << "the test headers agree";
    EXPECT_EQ(field_of(s, "sink", "tcp", "lost"), 0u) << "nothing is missing in the end";
    EXPECT_EQ(s["sink"]["protocols"]["tcp"].value("bad_l4_checksum", 1), 0);
}

TEST(TcpConnections, OpenLoopNeverResendsAndTheSinkSeesExactlyWhatTheBridgeDropped) {
    TempDir dir;
    Lab lab({.bridge = true});
    drop_data_frames(lab);
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "4", "--count", "8000", "--rate", "20kpps"});
    const auto s = sink.stop();
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const std::uint64_t lost = dropped(lab);
    EXPECT_NEAR(static_cast<double>(lost), 200, 2) << "1 in 40 of 8000 data frames";
    const auto& tcp = g.report["generator"]["protocols"]["tcp"];
    EXPECT_EQ(tcp.value("packets", 0), 8000);
    EXPECT_EQ(tcp.value("retransmissions", 1), 0);
    EXPECT_EQ(packets_of(s, "sink", "tcp"), 8000u - lost);
    // Loss stays loss, counted from the test headers; a flow's last segment, if
    // dropped, has no successor to show its gap.
    EXPECT_LE(field_of(s, "sink", "tcp", "lost"), lost);
    EXPECT_GE(field_of(s, "sink", "tcp", "lost") + 4, lost);
    const auto& server = connections_of(s, "sink");
    EXPECT_EQ(server.value("established", 0), 4) << server.dump();
    EXPECT_GT(server.value("out_of_order_segments", 0), 0) << "the sink saw the holes";
}

}  // namespace
}  // namespace tg::e2e
