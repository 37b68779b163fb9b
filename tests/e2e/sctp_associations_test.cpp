// The generator's real SCTP associations (--associations) over the lab, on af_xdp: with the
// trafficgen sink, with a usrsctp server as the judge, and on a path that drops SCTP.
#include <gtest/gtest.h>

#include <signal.h>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

TEST(SctpAssociations, TheGeneratorAssociatesWithTheSinkAndEveryDataChunkIsAcknowledged) {
    TempDir dir;
    Lab lab({});
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "4", "--streams", "4", "--count", "8000",
                                            "--rate", "20kpps"});
    const auto s = sink.stop();
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const auto& client = associations_of(g.report, "generator");
    const auto& server = associations_of(s, "sink");
    EXPECT_EQ(client.value("requested", 0), 4);
    EXPECT_EQ(client.value("shut_down", 0), 4) << client.dump();
    EXPECT_EQ(client.value("data_acked", 0), 8000) << "the sink's SACKs acknowledge every TSN";
    EXPECT_EQ(client.value("verdict", "x"), "");
    EXPECT_EQ(server.value("cookies_accepted", 0), 4) << server.dump();
    EXPECT_EQ(server.value("shut_down", 0), 4);
    EXPECT_EQ(server.value("data_chunks", 0), 8000);
    EXPECT_EQ(server.value("bad_verification_tag", 1), 0);
    const auto& answers = s.at("sink").at("answers");
    EXPECT_GT(answers.value("on_wire", 0), 4000) << "a SACK for every second DATA packet at least";
    EXPECT_EQ(answers.value("dropped", 1), 0);
    EXPECT_EQ(client.value("control_frames_not_taken", 1), 0);
    EXPECT_EQ(client.value("control_frames_on_wire", 0), client.value("control_frames_sent", 1));
    ASSERT_EQ(server["streams"].size(), 4u);
    for (const auto& st : server["streams"]) EXPECT_EQ(st.value("chunks", 0), 2000) << st.dump();
    // The test headers inside the DATA tell the same story.
    EXPECT_EQ(packets_of(s, "sink", "sctp"), 8000u);
    EXPECT_EQ(field_of(s, "sink", "sctp", "lost"), 0u);
}

TEST(SctpAssociations, AUsrsctpServerAcceptsTheGeneratorsAssociationsAndSeesEveryStream) {
    TempDir dir;
    Lab lab({});
    // usrsctp uses the sink namespace's kernel address; that kernel learns the generator's
    // MAC by ARP, which the generator answers for its --src-ip.
    kernel_owns(lab, LabSide::sink);
    Child server(in_ns(lab["TG_SINK_NS"], {tool_path("TG_USRSCTP_PEER"), "server", "5201", "60"}), dir / "usrsctp");
    ASSERT_TRUE(server.wait_for_output("listening", 10)) << server.err();
    const auto g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "2", "--streams", "3", "--count", "900",
                                            "--rate", "2kpps"});
    const Exit e = server.stop(SIGINT, 10);
    ASSERT_TRUE(e.ok()) << e.describe() << server.err();
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    const auto theirs = nlohmann::json::parse(server.out(), nullptr, false);
    ASSERT_TRUE(theirs.is_object()) << server.out();
    const auto& client = associations_of(g.report, "generator");
    EXPECT_EQ(client.value("shut_down", 0), 2) << client.dump();
    EXPECT_EQ(client.value("data_acked", 0), 900) << "usrsctp's SACKs acknowledge every TSN";
    EXPECT_EQ(theirs.value("associations", 0), 2) << server.out();
    EXPECT_EQ(theirs.value("messages", 0), 900) << server.out();
    EXPECT_EQ(theirs.value("bytes", std::uint64_t{0}), g.report["generator"].value("payload_bytes", std::uint64_t{1}));
    ASSERT_EQ(theirs["streams"].size(), 3u) << "usrsctp saw stream ids 0, 1 and 2: " << server.out();
    for (const auto& [sid, t] : theirs["streams"].items()) EXPECT_EQ(t.value("messages", 0), 300) << "stream " << sid;
}

TEST(SctpAssociations, APathThatDropsSctpIsReportedInOneSentenceWithCounts) {
    TempDir dir;
    Lab lab({.bridge = true});
    nft_load(lab["TG_SINK_NS"],
             "table bridge tg_cni {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
             "    ether type ip ip protocol sctp counter drop comment \"sctp-dropped\"\n  }\n}\n");
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "2", "--count", "100",
                                            "--setup-timeout", "2.5"});
    (void)sink.stop();
    EXPECT_EQ(g.exit.code, 5) << "the path failed the test: " << g.exit.describe() << ": " << g.err;
    const auto& client = associations_of(g.report, "generator");
    const std::string verdict = client.value("verdict", "");
    EXPECT_NE(verdict.find("never answered"), std::string::npos) << verdict;
    EXPECT_NE(g.err.find(verdict), std::string::npos) << "the sentence is on stderr too: " << g.err;
    const std::uint64_t inits = client.value("inits_sent", std::uint64_t{0});
    EXPECT_GE(inits, 4u) << "two associations, a first INIT and at least one retransmission each";
    EXPECT_EQ(nft_counter(lab["TG_SINK_NS"], "bridge", "tg_cni", "sctp-dropped"), inits)
        << "every INIT the report counts was dropped on the path, and nothing else was sent";
    EXPECT_EQ(client.value("init_acks", 1), 0);
    EXPECT_EQ(g.report["generator"].value("packets", 1), 0) << "no DATA without an association";
}

}  // namespace
}  // namespace tg::e2e
