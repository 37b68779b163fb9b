// Every address of a --src-ip range is an endpoint of its own: SCTP associations and TCP
// connections over 4 addresses x 4 ports and 16 x 63, through the lab's router with no
// static neighbour entry. The router learns each address by ARP (its neighbour table),
// and tshark on its sink side sees a COOKIE ACK or SYN-ACK to every (address, port). A
// path that lets one address through and not the other: data goes on the associations
// that came up, and the report names the others and why.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <thread>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

// The distinct "address port" pairs of a field pair in frames matching `filter`.
std::set<std::string> distinct(const std::string& pcap, const std::string& filter, const std::string& a,
                               const std::string& b) {
    const auto first = tshark_field(pcap, filter, a);
    const auto second = tshark_field(pcap, filter, b);
    std::set<std::string> out;
    for (std::size_t i = 0; i < first.size() && i < second.size(); ++i) out.insert(first[i] + " " + second[i]);
    return out;
}

std::size_t neighbours_at(const std::string& ns, const std::string& ifname, const std::string& mac) {
    std::istringstream lines(run({"ip", "-n", ns, "neigh", "show", "dev", ifname}).out);
    std::size_t n = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.find("lladdr " + mac) != std::string::npos && line.find("PERMANENT") == std::string::npos) ++n;
    }
    return n;
}

struct RangeCase {
    const char* proto;
    const char* src_ip;
    const char* src_port;
    unsigned addresses, ports;
};

TEST(AddressRangeSessions, EachAddressAndPortIsItsOwnEndpointThroughARouter) {
    for (const RangeCase rc : {RangeCase{"sctp", "198.18.0.1-198.18.0.4", "1024-1027", 4, 4},
                               RangeCase{"tcp", "198.18.0.1-198.18.0.4", "1024-1027", 4, 4},
                               RangeCase{"sctp", "198.18.0.1-198.18.0.16", "1024-1086", 16, 63},
                               RangeCase{"tcp", "198.18.0.1-198.18.0.16", "1024-1086", 16, 63}}) {
        const unsigned sessions = rc.addresses * rc.ports;
        SCOPED_TRACE(std::string(rc.proto) + " " + std::to_string(rc.addresses) + " x " + std::to_string(rc.ports));
        TempDir dir;
        Lab lab({.router = true});
        const std::string pcap = dir / "rsink.pcapng";
        Child capture(in_ns(lab["TG_RTR_NS"], {"dumpcap", "-i", lab["TG_RTR_SINK_IF"], "-B", "64", "-w", pcap}),
                      dir / "dumpcap");
        ASSERT_TRUE(capture.wait_for_output("Capturing on", 30)) << capture.err();
        SinkRun sink(lab, dir);
        const bool sctp = std::string(rc.proto) == "sctp";
        const auto g = run_generator(lab, dir, {"--proto", rc.proto, sctp ? "--associations" : "--connections",
                                                std::to_string(sessions), "--src-ip", rc.src_ip, "--src-port",
                                                rc.src_port, "--count", std::to_string(sessions * 4), "--rate",
                                                "5kpps", "--setup-timeout", "20"});
        const auto s = sink.stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        ASSERT_TRUE(capture.stop(SIGINT, 30).ok()) << capture.err();
        ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
        EXPECT_EQ(neighbours_at(lab["TG_RTR_NS"], lab["TG_RTR_GEN_IF"], lab["TG_GEN_MAC"]), rc.addresses)
            << "the router asked for each address and the generator answered";
        const auto answered =
            sctp ? distinct(pcap, "sctp.chunk_type==11", "ip.dst", "sctp.dstport")
                 : distinct(pcap, "tcp.flags.syn==1 and tcp.flags.ack==1", "ip.dst", "tcp.dstport");
        EXPECT_EQ(answered.size(), sessions) << "a handshake answer to every (address, port)";
        EXPECT_EQ(packets_of(s, "sink", rc.proto), sessions * 4u);
        EXPECT_EQ(field_of(s, "sink", rc.proto, "lost"), 0u);
    }
}

TEST(AddressRangeSessions, DataGoesOnTheAssociationsThatCameUpAndTheReportNamesTheOthers) {
    TempDir dir;
    Lab lab({.router = true});
    // The path lets 198.18.0.1 through and drops SCTP from 198.18.0.2.
    nft_load(lab["TG_RTR_NS"], "table ip tg_half {\n chain forward {\n  type filter hook forward priority 0; policy accept;\n"
                               "  ip saddr 198.18.0.2 ip protocol sctp counter drop comment \"dropped\"\n }\n}\n");
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--proto", "sctp", "--associations", "4", "--src-ip", "198.18.0.1-198.18.0.2",
                                            "--src-port", "1024-1025", "--count", "2000", "--rate", "2kpps",
                                            "--setup-timeout", "3"});
    const auto s = sink.stop();
    EXPECT_EQ(g.exit.code, 5) << "the path failed two of them: " << g.exit.describe() << ": " << g.err;
    const auto& a = associations_of(g.report, "generator");
    ASSERT_TRUE(a.contains("not_established")) << a.dump();
    ASSERT_EQ(a["not_established"].size(), 2u) << a.dump();
    for (const auto& n : a["not_established"]) {
        EXPECT_EQ(n.value("local", "").rfind("198.18.0.2:", 0), 0u) << n.dump();
        EXPECT_EQ(n.value("reason", ""), "no INIT ACK") << n.dump();
    }
    EXPECT_GT(nft_counter(lab["TG_RTR_NS"], "ip", "tg_half", "dropped"), 0u);
    // Every DATA went on 198.18.0.1's two associations, and arrived.
    EXPECT_EQ(packets_of(g.report, "generator", "sctp"), 2000u);
    EXPECT_EQ(packets_of(s, "sink", "sctp"), 2000u);
    std::set<std::uint64_t> flows;
    for (const auto& st : s["sink"]["streams"]) flows.insert(st.value("flow", std::uint64_t{99}));
    EXPECT_EQ(flows, (std::set<std::uint64_t>{0, 1})) << "the flows of 198.18.0.1, ports 1024 and 1025";
}

}  // namespace
}  // namespace tg::e2e
