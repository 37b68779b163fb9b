// Through a Service-like stateful path (scripts/lab up --service): the router's conntrack
// drops what it calls INVALID and DNATs the Service address, with port translation, to
// the sink. Real TCP connections and SCTP associations pass and their data arrives with
// good checksums (the kernel rewrote ports and the SCTP CRC32c); the same protocols as
// stateless frames are dropped, every one, and the joined report tells the two apart.
// nftables' counters on the router are the judge.
#include <gtest/gtest.h>

#include <fstream>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

struct ThroughService {
    GeneratorRun g;
    nlohmann::json sink, pair;
    std::uint64_t invalid = 0, translated = 0;
};

ThroughService through_service(const std::string& protocol, std::vector<std::string> args) {
    TempDir dir;
    Lab lab({.service = true});
    SinkRun sink(lab, dir);
    args.insert(args.end(), {"--proto", protocol, "--dst-ip", lab["TG_SERVICE_IP4"], "--dst-port", lab["TG_SERVICE_PORT"]});
    ThroughService t;
    t.g = run_generator(lab, dir, args);
    t.sink = sink.stop();
    t.invalid = nft_counter(lab["TG_RTR_NS"], "ip", "tg_service", "invalid");
    t.translated = nft_counter(lab["TG_RTR_NS"], "ip", "tg_service", "dnat-" + protocol);
    const std::string g_path = dir / "g.json", s_path = dir / "s.json", p_path = dir / "pair.json";
    std::ofstream(g_path) << t.g.report.dump();
    std::ofstream(s_path) << t.sink.dump();
    const auto r = run({tool_path("TRAFFICGEN"), "report", "--generator", g_path, "--sink", s_path, "--json", p_path, "--quiet"});
    EXPECT_TRUE(r.exit.ok()) << r.err;
    std::ifstream in(p_path);
    t.pair = nlohmann::json::parse(in, nullptr, false);
    return t;
}

const nlohmann::json& path_of(const ThroughService& t, const char* protocol) {
    static const nlohmann::json none = nlohmann::json::object();
    return t.pair.contains("path") && t.pair["path"].contains(protocol) ? t.pair["path"][protocol] : none;
}

TEST(StatefulPath, TcpConnectionsPassConntrackAndDnatWithGoodChecksums) {
    const auto t = through_service("tcp", {"--connections", "4", "--closed-loop", "--count", "10000"});
    ASSERT_TRUE(t.g.exit.ok()) << t.g.exit.describe() << ": " << t.g.err;
    EXPECT_EQ(t.invalid, 0u) << "conntrack found every segment valid";
    EXPECT_EQ(t.translated, 4u) << "one DNAT per connection, at its SYN";
    EXPECT_EQ(packets_of(t.sink, "sink", "tcp"), 10000u);
    EXPECT_EQ(field_of(t.sink, "sink", "tcp", "bad_l4_checksum"), 0u);
    EXPECT_EQ(field_of(t.sink, "sink", "tcp", "lost"), 0u);
    const auto& server = t.sink["sink"]["tcp_connections"];
    EXPECT_EQ(server.value("established", 0), 4) << server.dump();
    EXPECT_EQ(server.value("closed_clean", 0), 4);
    const auto& p = path_of(t, "tcp");
    EXPECT_EQ(p.value("mode", ""), "closed-loop sessions") << t.pair.dump();
    EXPECT_EQ(p.value("sessions_up", 0), 4);
    EXPECT_NE(p.value("verdict", "").find("came up through the path"), std::string::npos) << p.dump();
}

TEST(StatefulPath, SctpAssociationsPassConntrackAndDnatWithGoodCrc32c) {
    const auto t = through_service("sctp", {"--associations", "4", "--streams", "4", "--count", "8000", "--rate", "20kpps"});
    ASSERT_TRUE(t.g.exit.ok()) << t.g.exit.describe() << ": " << t.g.err;
    EXPECT_EQ(t.invalid, 0u) << "conntrack found every chunk valid";
    EXPECT_EQ(t.translated, 4u) << "one DNAT per association, at its INIT";
    EXPECT_EQ(packets_of(t.sink, "sink", "sctp"), 8000u);
    EXPECT_EQ(field_of(t.sink, "sink", "sctp", "bad_l4_checksum"), 0u) << "the kernel's NAT recomputed each CRC32c";
    EXPECT_EQ(field_of(t.sink, "sink", "sctp", "lost"), 0u);
    EXPECT_EQ(t.sink["sink"]["sctp_associations"].value("cookies_accepted", 0), 4);
    const auto& p = path_of(t, "sctp");
    EXPECT_EQ(p.value("mode", ""), "sessions") << t.pair.dump();
    EXPECT_EQ(p.value("received", 0), 8000);
}

TEST(StatefulPath, StatelessFramesAreDroppedAndTheJoinedReportSaysWhy) {
    for (const std::string protocol : {"tcp", "sctp"}) {
        const auto t = through_service(protocol, {"--count", "2000", "--rate", "20kpps"});
        ASSERT_TRUE(t.g.exit.ok()) << t.g.exit.describe() << ": " << t.g.err;
        EXPECT_EQ(t.invalid, 2000u) << protocol << ": conntrack calls every stateless frame INVALID";
        EXPECT_EQ(t.translated, 0u);
        EXPECT_EQ(packets_of(t.sink, "sink", protocol), 0u);
        const auto& p = path_of(t, protocol.c_str());
        EXPECT_EQ(p.value("mode", ""), "stateless") << t.pair.dump();
        EXPECT_NE(p.value("verdict", "").find("none of 2000"), std::string::npos) << p.dump();
        EXPECT_NE(p.value("verdict", "").find(protocol == "tcp" ? "--connections" : "--associations"), std::string::npos);
    }
}

}  // namespace
}  // namespace tg::e2e
