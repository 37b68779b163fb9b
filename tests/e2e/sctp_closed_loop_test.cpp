// Closed-loop SCTP over the lab: the generator's associations send by their windows and
// resend what a lossy bridge drops, against the trafficgen sink and against usrsctp; a
// usrsctp client (always closed loop) recovers from the same loss against the sink. The
// bridge's nftables counter says how many DATA frames were lost; the receivers' counts
// say every chunk still arrived, once.
#include <gtest/gtest.h>

#include <signal.h>

#include <map>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

const std::string usrsctp_port = "5201";

// Every 40th SCTP frame longer than 1000 bytes (DATA; handshakes and SACKs are shorter)
// is dropped on the bridge in front of the sink, and counted.
void drop_data_frames(const Lab& lab) {
    nft_load(lab["TG_SINK_NS"],
             "table bridge tg_cni {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
             "    ether type ip ip protocol sctp ip length > 1000 numgen inc mod 40 == 39 counter drop "
             "comment \"data-dropped\"\n  }\n}\n");
}

// Per stream id, the DATA chunks the generator first sent on it, over its associations.
std::map<std::string, std::uint64_t> sent_per_stream(const nlohmann::json& report) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& st : report["generator"]["streams"]) {
        out[std::to_string(st.value("stream", -1))] += st.value("packets", std::uint64_t{0});
    }
    return out;
}

std::uint64_t dropped(const Lab& lab) { return nft_counter(lab["TG_SINK_NS"], "bridge", "tg_cni", "data-dropped"); }

TEST(SctpClosedLoop, EveryChunkTheBridgeDropsIsResentAndTheSinkGetsEachOnce) {
    TempDir dir;
    Lab lab({.bridge = true});
    drop_data_frames(lab);
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "4", "--streams", "4", "--closed-loop",
                                            "--count", "20000"});
    const auto s = sink.stop();
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const auto& client = associations_of(g.report, "generator");
    const auto& server = associations_of(s, "sink");
    ASSERT_TRUE(client.contains("closed_loop")) << client.dump();
    const auto& cl = client["closed_loop"];
    const std::uint64_t lost = dropped(lab);
    ASSERT_GE(lost, 400u) << "1 in 40 of at least 20000 DATA frames";
    EXPECT_EQ(client.value("shut_down", 0), 4) << client.dump();
    EXPECT_EQ(cl.value("data_chunks_sent", 0), 20000);
    EXPECT_EQ(cl.value("data_chunks_acked", 0), 20000) << "SHUTDOWN waited for the last acknowledgement";
    EXPECT_GE(cl.value("retransmitted_chunks", std::uint64_t{0}), lost);
    EXPECT_GT(cl.value("fast_retransmits", 0), 0);
    EXPECT_EQ(server.value("data_chunks", 0), 20000) << "each TSN once: " << server.dump();
    EXPECT_EQ(server.value("shut_down", 0), 4);
    // Per stream id, what the sink counted is what the generator first sent on it.
    auto sent_on = sent_per_stream(g.report);
    ASSERT_EQ(sent_on.size(), 4u) << g.report["generator"]["streams"].dump();
    ASSERT_EQ(server["streams"].size(), 4u);
    for (const auto& st : server["streams"]) {
        EXPECT_EQ(st.value("chunks", std::uint64_t{0}), sent_on[std::to_string(st.value("stream", -1))]) << st.dump();
    }
    // Every DATA frame the generator sent either crossed the bridge or was dropped there.
    const std::uint64_t frames = g.report["generator"]["protocols"]["sctp"].value("packets", std::uint64_t{0});
    EXPECT_EQ(frames, server.value("data_chunks", std::uint64_t{0}) +
                          server.value("duplicate_data_chunks", std::uint64_t{0}) + lost);
    EXPECT_EQ(packets_of(s, "sink", "sctp"), frames - lost) << "the test headers agree";
    EXPECT_EQ(field_of(s, "sink", "sctp", "lost"), 0u) << "nothing is missing in the end";
}

TEST(SctpClosedLoop, AUsrsctpServerGetsEveryByteOnEveryStream) {
    TempDir dir;
    Lab lab({});
    kernel_owns(lab, LabSide::sink);
    Child server(in_ns(lab["TG_SINK_NS"], {tool_path("TG_USRSCTP_PEER"), "server", usrsctp_port, "60"}),
                 dir / "usrsctp");
    ASSERT_TRUE(server.wait_for_output("listening", 10)) << server.err();
    const auto g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "2", "--streams", "3", "--closed-loop",
                                            "--count", "6000"});
    const Exit e = server.stop(SIGINT, 10);
    ASSERT_TRUE(e.ok()) << e.describe() << server.err();
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const auto theirs = nlohmann::json::parse(server.out(), nullptr, false);
    ASSERT_TRUE(theirs.is_object()) << server.out();
    const auto& cl = associations_of(g.report, "generator")["closed_loop"];
    EXPECT_EQ(associations_of(g.report, "generator").value("shut_down", 0), 2);
    EXPECT_EQ(theirs.value("associations", 0), 2) << server.out();
    EXPECT_EQ(theirs.value("shutdowns", 0), 2) << server.out();
    EXPECT_EQ(theirs.value("messages", 0), 6000) << server.out();
    EXPECT_EQ(theirs.value("bytes", std::uint64_t{0}), cl.value("data_bytes_sent", std::uint64_t{1}));
    EXPECT_EQ(theirs.value("bytes", std::uint64_t{0}), cl.value("data_bytes_acked", std::uint64_t{1}));
    auto sent_on = sent_per_stream(g.report);
    ASSERT_EQ(theirs["streams"].size(), 3u) << server.out();
    for (const auto& [sid, t] : theirs["streams"].items()) {
        EXPECT_EQ(t.value("messages", std::uint64_t{0}), sent_on[sid]) << "stream " << sid;
        EXPECT_GT(sent_on[sid], 1900u) << "the streams take turns";
    }
}

TEST(SctpClosedLoop, AUsrsctpClientResendsWhatTheBridgeDropsAndTheSinkCountsEachChunkOnce) {
    TempDir dir;
    Lab lab({.bridge = true});
    drop_data_frames(lab);
    kernel_owns(lab, LabSide::generator);
    SinkRun sink(lab, dir);
    const auto c = run(in_ns(lab["TG_GEN_NS"], {tool_path("TG_USRSCTP_PEER"), "client", lab["TG_SINK_IP4"],
                                                 usrsctp_port, "4", "4000", "1200"}),
                       90);
    const auto s = sink.stop();
    ASSERT_TRUE(c.exit.ok()) << c.exit.describe() << c.out << c.err;
    const auto& a = associations_of(s, "sink");
    EXPECT_GE(dropped(lab), 50u) << "1 in 40 of the DATA frames";
    EXPECT_EQ(a.value("shut_down", 0), 1) << a.dump();
    EXPECT_EQ(a.value("data_chunks", 0), 4000);
    EXPECT_EQ(a.value("data_bytes", 0), 4800000);
    ASSERT_EQ(a["streams"].size(), 4u) << a.dump();
    for (const auto& st : a["streams"]) EXPECT_EQ(st.value("bytes", 0), 1200000) << st.dump();
}

}  // namespace
}  // namespace tg::e2e
