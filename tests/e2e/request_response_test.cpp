// Request/response (UDP_RR, TCP_RR and SCTP the same way) over the lab. The generator keeps
// one request in flight per flow or session and reports transactions and latency; what
// judges it: tshark reading the wire (every request and every answer, their sizes and
// checksums, the SCTP streams), and the kernel's TCP as the peer on either side (an echo
// server the generator's requests go to, a client whose requests the sink answers).
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <set>
#include <thread>

#include "checks.hpp"
#include "transaction_checks.hpp"
#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

TEST(RequestResponse, UdpRequestsEachGetOneAnswerOfTheSizeAskedAndTsharkSeesBoth) {
    TempDir dir;
    Lab lab({.bridge = true});
    GeneratorRun g;
    nlohmann::json s;
    const std::string pcap = captured(lab, dir, [&] {
        SinkRun sink(lab, dir);
        g = run_generator(lab, dir, {"--proto", "udp", "--flows", "4", "--request-response", "--count", "2000",
                                     "--request-size", "100", "--response-size", "700"});
        s = sink.stop();
    });
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    expect_every_transaction_done(transactions_of(g.report), 2000);
    const std::string sink_ip = lab["TG_SINK_IP4"];
    EXPECT_EQ(tshark_count(pcap, "udp.length == 108 && ip.dst == " + sink_ip), 2000u) << "requests: 100 bytes";
    EXPECT_EQ(tshark_count(pcap, "udp.length == 708 && ip.src == " + sink_ip), 2000u) << "answers: 700 bytes";
    const ChecksumVerdicts v = tshark_checksums(pcap);
    EXPECT_EQ(v.good.count("udp") ? v.good.at("udp") : 0, 4000u);
    EXPECT_TRUE(v.bad.empty());
    ASSERT_TRUE(s["sink"].contains("requests")) << s["sink"].dump();
    EXPECT_EQ(s["sink"]["requests"]["udp"].value("answered", 0u), 2000u);
    EXPECT_EQ(s["sink"]["requests"]["udp"].value("response_bytes", 0u), 2000u * 700);
}

TEST(RequestResponse, SctpAnswersComeOnTheRequestsStreamsInChunksThatFitAndTsharkChecksTheirCrc) {
    TempDir dir;
    Lab lab({.bridge = true});
    GeneratorRun g;
    nlohmann::json s;
    const std::string pcap = captured(lab, dir, [&] {
        SinkRun sink(lab, dir);
        g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "2", "--streams", "4", "--request-response",
                                     "--count", "400", "--request-size", "200", "--response-size", "2500"});
        s = sink.stop();
    });
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    expect_every_transaction_done(transactions_of(g.report), 400);
    const std::string sink_ip = lab["TG_SINK_IP4"];
    // Requests: one DATA chunk of 200 bytes each. Answers: 2500 bytes in two chunks.
    EXPECT_EQ(tshark_count(pcap, "sctp.data_payload_proto_id && sctp.chunk_length == 216 && ip.dst == " + sink_ip), 400u);
    const auto lengths = tshark_field(pcap, "sctp.chunk_type == 0 && ip.src == " + sink_ip, "sctp.chunk_length");
    std::uint64_t answer_bytes = 0;
    for (const auto& l : lengths) answer_bytes += std::stoull(l) - 16;
    EXPECT_EQ(answer_bytes, 400u * 2500) << lengths.size() << " DATA chunks from the sink";
    EXPECT_EQ(lengths.size(), 800u);
    std::set<std::string> streams;
    for (const auto& sid : tshark_field(pcap, "sctp.chunk_type == 0 && ip.src == " + sink_ip, "sctp.data_sid")) {
        streams.insert(sid);
    }
    EXPECT_EQ(streams, (std::set<std::string>{"0x0000", "0x0001", "0x0002", "0x0003"})) << "answers on every stream the requests used";
    const ChecksumVerdicts v = tshark_checksums(pcap);
    EXPECT_TRUE(v.bad.empty());
    EXPECT_GT(v.good.count("sctp") ? v.good.at("sctp") : 0, 1200u);
    EXPECT_EQ(s["sink"]["requests"]["sctp"].value("answered", 0u), 400u) << s["sink"].dump();
}

TEST(RequestResponse, TcpRrAgainstAKernelEchoServer) {
    TempDir dir;
    Lab lab({});
    const auto server = kernel_echo_server(lab, dir);
    Child& echo = *server;
    const auto before = snmp_counters(lab["TG_SINK_NS"]);
    // The echo server answers each request with the request itself: responses as large.
    const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "4", "--request-response", "--count",
                                            "2000", "--request-size", "200", "--dst-port", "5201"});
    const auto after = snmp_counters(lab["TG_SINK_NS"]);
    const Exit e = echo.stop(SIGINT, 10);
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    EXPECT_TRUE(e.ok()) << echo.err();
    expect_every_transaction_done(transactions_of(g.report), 2000);
    const auto theirs = json_of(echo.out());
    EXPECT_EQ(theirs.value("connections", 0), 4) << echo.out();
    EXPECT_EQ(theirs.value("bytes", 0u), 2000u * 200) << "every request read and echoed by the kernel's TCP";
    EXPECT_EQ(theirs.value("closed_by_peer", 0), 4);
    EXPECT_EQ(theirs.value("reset", 1), 0);
    EXPECT_EQ(after.at("TcpInCsumErrors") - before.at("TcpInCsumErrors"), 0u);
}

TEST(RequestResponse, TheSinkAnswersAKernelClientsRequests) {
    TempDir dir;
    Lab lab({});
    kernel_owns(lab, LabSide::generator);
    kernel_sends_plain_frames(lab, LabSide::generator);
    SinkRun sink(lab, dir);
    const auto before = snmp_counters(lab["TG_GEN_NS"]);
    const auto c = run(in_ns(lab["TG_GEN_NS"], {tool_path("TG_TCP_PEER"), "rr", lab["TG_SINK_IP4"], "5201", "4", "500",
                                                 "100", "3000"}),
                       90);
    const auto after = snmp_counters(lab["TG_GEN_NS"]);
    const auto report = sink.stop();
    EXPECT_TRUE(c.exit.ok()) << c.out << c.err;
    const auto theirs = json_of(c.out);
    EXPECT_EQ(theirs.value("connected", 0), 4) << c.out;
    EXPECT_EQ(theirs.value("transactions", 0u), 2000u) << c.out;
    EXPECT_EQ(theirs.value("bytes_received", 0u), 2000u * 3000);
    EXPECT_EQ(theirs.value("bad_answers", 1u), 0u) << "each answer starts with its request's header, flagged";
    EXPECT_EQ(after.at("TcpInCsumErrors") - before.at("TcpInCsumErrors"), 0u);
    ASSERT_TRUE(report["sink"].contains("requests")) << report["sink"].dump();
    EXPECT_EQ(report["sink"]["requests"]["tcp"].value("answered", 0u), 2000u);
    EXPECT_EQ(report["sink"]["requests"]["tcp"].value("response_bytes", 0u), 2000u * 3000);
}

TEST(RequestResponse, APathThatDropsUdpIsReportedInOneSentenceWithCounts) {
    TempDir dir;
    Lab lab({.bridge = true});
    nft_load(lab["TG_SINK_NS"],
             "table bridge tg_cni {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
             "    ether type ip ip protocol udp counter drop comment \"udp-dropped\"\n  }\n}\n");
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--proto", "udp", "--flows", "2", "--request-response", "--duration", "1",
                                            "--response-timeout", "0.2"});
    (void)sink.stop();
    EXPECT_EQ(g.exit.code, 5) << "the path failed the test: " << g.exit.describe() << ": " << g.err;
    const auto& t = transactions_of(g.report);
    const std::string verdict = t.value("verdict", "");
    EXPECT_NE(verdict.find("never answered"), std::string::npos) << t.dump();
    EXPECT_NE(g.err.find(verdict), std::string::npos) << "the sentence is on stderr too: " << g.err;
    EXPECT_EQ(t.value("transactions", 1u), 0u);
    const std::uint64_t sent = t.value("requests_sent", std::uint64_t{0});
    EXPECT_GE(sent, 2u * 5) << "two flows, a request every 0.2 s each for a second";
    EXPECT_EQ(t.value("lost", std::uint64_t{0}), sent) << "each request lost after its timeout, none left in flight";
    EXPECT_EQ(nft_counter(lab["TG_SINK_NS"], "bridge", "tg_cni", "udp-dropped"), sent)
        << "every request the report counts was dropped on the path";
}

}  // namespace
}  // namespace tg::e2e
