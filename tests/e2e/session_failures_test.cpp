// Why sessions did not come up, or ended, as the report tells it, each on a path that
// does it: nftables dropping every SCTP frame (no INIT ACK) or only COOKIE ECHO chunks
// (no COOKIE ACK), usrsctp with nothing on the port (ABORT received), dropping every
// TCP frame (SYN timeout), a kernel with nothing
// listening (refused by RST), and an nftables reject of data on open connections (RST
// received). The names say what they count: established is handshakes completed,
// up_at_end those still up.
#include <gtest/gtest.h>

#include <signal.h>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

const nlohmann::json& sessions_of(const nlohmann::json& report, const char* block) {
    static const nlohmann::json none = nlohmann::json::object();
    return report.contains("generator") && report["generator"].contains(block) ? report["generator"][block] : none;
}

std::string bridge_rule(const std::string& rule) {
    return "table bridge tg_path {\n chain forward {\n  type filter hook forward priority 0; policy accept;\n  " + rule +
           " counter drop comment \"dropped\"\n }\n}\n";
}

TEST(SessionFailures, SctpWithNoInitAckAndWithNoCookieAckAreToldApart) {
    for (const auto& [rule, reason] : {std::pair{"ether type ip ip protocol sctp", "no INIT ACK"},
                                       std::pair{"ether type ip ip protocol sctp sctp chunk cookie-echo exists",
                                                 "no COOKIE ACK"}}) {
        SCOPED_TRACE(reason);
        TempDir dir;
        Lab lab({.bridge = true});
        nft_load(lab["TG_SINK_NS"], bridge_rule(rule));
        SinkRun sink(lab, dir);
        const auto g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "2", "--count", "100",
                                                "--setup-timeout", "2.5"});
        (void)sink.stop();
        EXPECT_EQ(g.exit.code, 5) << g.exit.describe() << ": " << g.err;
        const auto& a = sessions_of(g.report, "sctp_associations");
        EXPECT_EQ(a.value("established", 1), 0) << a.dump();
        EXPECT_EQ(a.value("up_at_end", 1), 0) << a.dump();
        ASSERT_TRUE(a.contains("failed")) << a.dump();
        EXPECT_EQ(a["failed"].value(reason, 0), 2) << a.dump();
        EXPECT_EQ(a["failed"].size(), 1u) << a.dump();
        EXPECT_GE(nft_counter(lab["TG_SINK_NS"], "bridge", "tg_path", "dropped"), 2u);
        for (const auto& n : a["not_established"]) EXPECT_EQ(n.value("reason", ""), reason) << n.dump();
    }
}

TEST(SessionFailures, SctpToAPortNobodyListensOnIsAbortedByUsrsctp) {
    TempDir dir;
    Lab lab({});
    kernel_owns(lab, LabSide::sink);
    // usrsctp listens on 5201 and answers an INIT to any other port with ABORT.
    Child server(in_ns(lab["TG_SINK_NS"], {tool_path("TG_USRSCTP_PEER"), "server", "5201", "60", "abort"}),
                 dir / "usrsctp");
    ASSERT_TRUE(server.wait_for_output("listening", 10)) << server.err();
    const auto g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "2", "--count", "100", "--dst-port",
                                            "5299", "--setup-timeout", "2.5"});
    (void)server.stop(SIGINT, 10);
    EXPECT_EQ(g.exit.code, 5) << g.exit.describe() << ": " << g.err;
    const auto& a = sessions_of(g.report, "sctp_associations");
    EXPECT_EQ(a["failed"], (nlohmann::json{{"ABORT received", 2}})) << a.dump();
    EXPECT_EQ(a.value("established", 1), 0);
}

TEST(SessionFailures, TcpSynTimeoutRefusedAndResetAreToldApart) {
    {
        SCOPED_TRACE("SYN timeout: the path drops TCP");
        TempDir dir;
        Lab lab({.bridge = true});
        nft_load(lab["TG_SINK_NS"], bridge_rule("ether type ip ip protocol tcp"));
        SinkRun sink(lab, dir);
        const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "2", "--count", "100",
                                                "--setup-timeout", "2.5"});
        (void)sink.stop();
        EXPECT_EQ(g.exit.code, 5) << g.err;
        const auto& c = sessions_of(g.report, "tcp_connections");
        EXPECT_EQ(c["failed"], (nlohmann::json{{"SYN timeout", 2}})) << c.dump();
        EXPECT_EQ(c.value("established", 1), 0);
    }
    {
        SCOPED_TRACE("refused: a kernel with nothing listening");
        TempDir dir;
        Lab lab({});
        kernel_owns(lab, LabSide::sink);
        kernel_sends_plain_frames(lab, LabSide::sink);
        const auto before = snmp_counters(lab["TG_SINK_NS"]);
        const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "2", "--count", "100",
                                                "--dst-port", "5299", "--setup-timeout", "2.5"});
        const auto after = snmp_counters(lab["TG_SINK_NS"]);
        EXPECT_EQ(g.exit.code, 5) << g.err;
        const auto& c = sessions_of(g.report, "tcp_connections");
        EXPECT_EQ(c["failed"], (nlohmann::json{{"connection refused (RST)", 2}})) << c.dump();
        EXPECT_NE(c.value("verdict", "").find("refused"), std::string::npos) << c.dump();
        EXPECT_GE(after.at("TcpOutRsts") - before.at("TcpOutRsts"), 2u) << "the kernel's RSTs";
    }
    {
        SCOPED_TRACE("RST received: nftables rejects data on open connections");
        TempDir dir;
        Lab lab({});
        kernel_owns(lab, LabSide::sink);
        kernel_sends_plain_frames(lab, LabSide::sink);
        nft_load(lab["TG_SINK_NS"], "table inet tg_path {\n chain in {\n  type filter hook input priority 0; policy accept;\n"
                                    "  tcp dport 5201 tcp flags & (syn | rst) == 0 ip length > 100 counter reject with "
                                    "tcp reset comment \"rejected\"\n }\n}\n");
        Child listener(in_ns(lab["TG_SINK_NS"], {tool_path("TG_TCP_PEER"), "server", "5201", "60"}), dir / "tcp_peer");
        ASSERT_TRUE(listener.wait_for_output("ready", 10)) << listener.err();
        const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "2", "--count", "100", "--size",
                                                "512", "--dst-port", "5201", "--rate", "1kpps"});
        (void)listener.stop(SIGINT, 10);
        const auto& c = sessions_of(g.report, "tcp_connections");
        EXPECT_EQ(c.value("established", 0), 2) << "the handshakes passed: " << c.dump();
        EXPECT_EQ(c.value("up_at_end", 1), 0) << c.dump();
        EXPECT_EQ(c["failed"].value("RST received", 0), 2) << c.dump();
        EXPECT_GE(nft_counter(lab["TG_SINK_NS"], "inet", "tg_path", "rejected"), 2u);
    }
}

}  // namespace
}  // namespace tg::e2e
