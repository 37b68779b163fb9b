// TCP_CRR over the lab: every transaction on a connection of its own. Judged by the
// kernel's TCP as the server (each connection accepted, read, echoed and closed by the
// kernel, its passive opens counted), and by tshark on the wire against our own sink
// (one SYN per transaction, each from a port of its own, a FIN from each side, no RST,
// every checksum good).
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <set>
#include <thread>

#include "judges.hpp"
#include "trafficgen_runs.hpp"
#include "transaction_checks.hpp"

namespace tg::e2e {
namespace {

const nlohmann::json& connections_of(const nlohmann::json& report) {
    static const nlohmann::json none = nlohmann::json::object();
    return report.contains("generator") && report["generator"].contains("tcp_connections")
               ? report["generator"]["tcp_connections"]
               : none;
}

void expect_every_connection_clean(const nlohmann::json& c, std::uint64_t n) {
    EXPECT_EQ(c.value("requested", 0u), 4u) << c.dump();
    EXPECT_EQ(c.value("syn_acks", 0u), n);
    EXPECT_EQ(c.value("closed_clean", 0u), n);
    EXPECT_TRUE(c.value("failed", nlohmann::json::object()).empty()) << c.dump();
    EXPECT_GT(c.value("setup_rate_per_s", 0.0), 0.0);
    ASSERT_TRUE(c.contains("connect_per_request")) << c.dump();
    const auto& crr = c["connect_per_request"];
    EXPECT_EQ(crr.value("connections_opened", 0u), n);
    EXPECT_EQ(crr["connect_latency"].value("samples", 0u), n);
    EXPECT_GT(crr["connect_latency"].value("min_ns", 0u), 0u);
}

TEST(TcpCrr, EveryTransactionIsAConnectionTheKernelAcceptsEchoesAndCloses) {
    TempDir dir;
    Lab lab({});
    const auto server = kernel_echo_server(lab, dir);
    Child& echo = *server;
    const auto before = snmp_counters(lab["TG_SINK_NS"]);
    const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "4", "--request-response",
                                            "--connect-per-request", "--count", "2000", "--request-size", "200",
                                            "--dst-port", "5201"});
    const auto after = snmp_counters(lab["TG_SINK_NS"]);
    const Exit e = echo.stop(SIGINT, 10);
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    EXPECT_TRUE(e.ok()) << echo.err();
    expect_every_transaction_done(transactions_of(g.report), 2000);
    expect_every_connection_clean(connections_of(g.report), 2000);
    const auto theirs = json_of(echo.out());
    EXPECT_EQ(theirs.value("connections", 0), 2000) << "one accept() per transaction";
    EXPECT_EQ(theirs.value("bytes", 0u), 2000u * 200) << "every request read and echoed by the kernel's TCP";
    EXPECT_EQ(theirs.value("closed_by_peer", 0), 2000);
    EXPECT_EQ(theirs.value("reset", 1), 0);
    EXPECT_EQ(after.at("TcpPassiveOpens") - before.at("TcpPassiveOpens"), 2000u);
    EXPECT_EQ(after.at("TcpAttemptFails") - before.at("TcpAttemptFails"), 0u);
    EXPECT_EQ(after.at("TcpInCsumErrors") - before.at("TcpInCsumErrors"), 0u);
}

TEST(TcpCrr, ARunInterruptedByCtrlCLeavesNoConnectionOfTheKernelsHalfOpenOrReset) {
    TempDir dir;
    Lab lab({});
    const auto server = kernel_echo_server(lab, dir);
    Child& echo = *server;
    const auto g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "4", "--request-response",
                                            "--connect-per-request", "--duration", "30", "--dst-port", "5201"},
                                 Family::ipv4, interrupt_after(3));
    // Whatever was in flight has had time to close before the kernel's side is asked.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const Exit e = echo.stop(SIGINT, 10);
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    EXPECT_TRUE(e.ok()) << echo.err();
    EXPECT_EQ(g.report.value("stopped_by", ""), "signal");
    const auto& c = connections_of(g.report);
    const auto opened = c["connect_per_request"].value("connections_opened", 0u);
    EXPECT_GT(opened, 100u) << c.dump();
    EXPECT_EQ(c.value("closed_clean", 0u), opened) << c.dump();
    const auto theirs = json_of(echo.out());
    EXPECT_EQ(theirs.value("connections", 0u), opened) << echo.out().substr(0, 300);
    EXPECT_EQ(theirs.value("closed_by_peer", 0u), opened) << "each connection ended with our FIN";
    EXPECT_EQ(theirs.value("reset", 1), 0);
}

TEST(TcpCrr, TsharkSeesOneSynPerTransactionEachFromAPortOfItsOwnAndCleanCloses) {
    TempDir dir;
    Lab lab({.bridge = true});
    GeneratorRun g;
    nlohmann::json s;
    const std::string pcap = captured(lab, dir, [&] {
        SinkRun sink(lab, dir);
        g = run_generator(lab, dir, {"--proto", "tcp", "--connections", "4", "--request-response",
                                     "--connect-per-request", "--count", "1000", "--request-size", "100",
                                     "--response-size", "2000", "--src-port", "30000-33999"});
        s = sink.stop();
    });
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    expect_every_transaction_done(transactions_of(g.report), 1000);
    expect_every_connection_clean(connections_of(g.report), 1000);
    const std::string gen_ip = lab["TG_GEN_IP4"];
    const auto syn_ports = tshark_field(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.srcport");
    EXPECT_EQ(syn_ports.size(), 1000u);
    const std::set<std::string> distinct(syn_ports.begin(), syn_ports.end());
    EXPECT_EQ(distinct.size(), 1000u) << "each connection from a port no other used";
    for (const auto& p : distinct) {
        EXPECT_GE(std::stoi(p), 30000);
        EXPECT_LE(std::stoi(p), 33999);
    }
    EXPECT_EQ(tshark_count(pcap, "tcp.flags.syn == 1 && tcp.flags.ack == 1"), 1000u) << "one SYN-ACK each";
    EXPECT_EQ(tshark_count(pcap, "tcp.flags.fin == 1 && ip.src == " + gen_ip), 1000u);
    EXPECT_EQ(tshark_count(pcap, "tcp.flags.fin == 1 && ip.dst == " + gen_ip), 1000u);
    EXPECT_EQ(tshark_count(pcap, "tcp.flags.reset == 1"), 0u);
    EXPECT_EQ(tshark_count(pcap, "tcp.len == 100 && ip.src == " + gen_ip), 1000u) << "one request per connection";
    const ChecksumVerdicts v = tshark_checksums(pcap);
    EXPECT_TRUE(v.bad.empty());
    // The sink's own count: as many connections, each answered and closed cleanly.
    const auto& sc = s["sink"]["tcp_connections"];
    EXPECT_EQ(sc.value("syns", 0u), 1000u) << s["sink"].dump();
    EXPECT_EQ(sc.value("established", 0u), 1000u);
    EXPECT_EQ(sc.value("closed_clean", 0u), 1000u);
    EXPECT_EQ(s["sink"]["requests"]["tcp"].value("answered", 0u), 1000u);
    EXPECT_EQ(s["sink"]["requests"]["tcp"].value("response_bytes", 0u), 1000u * 2000);
}

}  // namespace
}  // namespace tg::e2e
