// Presence on a real network path, with no static neighbour entry anywhere: the router
// namespace's kernel learns the sink's and the generator's MACs by ARP and neighbour
// discovery and pings both (the kernel judges each echo reply: a bad checksum or a wrong
// address is no reply); the generator, told no MAC, resolves its next hop and delivers to
// a kernel UDP socket, counted by nftables; with nobody at the next hop it stops before
// sending and names the address.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <regex>
#include <thread>

#include "capture.hpp"
#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

// `ping -c 3` from a namespace: how many replies came back.
int ping_replies(const std::string& ns, const std::string& address) {
    const auto r = run(in_ns(ns, {"ping", address.find(':') == std::string::npos ? "-4" : "-6", "-c", "3", "-i", "0.2",
                                  "-W", "2", address}),
                       20);
    std::smatch m;
    static const std::regex received(R"((\d+) received)");
    return std::regex_search(r.out, m, received) ? std::stoi(m[1]) : -1;
}

// The router's neighbour entry for `address`: its MAC and state, as `ip neigh` prints it.
std::string neighbour(const std::string& ns, const std::string& address) {
    return run({"ip", "-n", ns, "neigh", "show", address}).out;
}

// What a host answered, as tshark counts it on the wire from its MAC.
void expect_answers_on_the_wire(const nlohmann::json& n, const std::string& pcap, const std::string& mac) {
    const std::string from = "eth.src==" + mac + " and ";
    EXPECT_EQ(n.value("arp_requests_answered", 0u), tshark_count(pcap, from + "arp.opcode==2")) << n.dump();
    EXPECT_EQ(n.value("neighbour_solicitations_answered", 0u),
              tshark_count(pcap, from + "icmpv6.type==136 and icmpv6.nd.na.flag.s==1"))
        << n.dump();
    EXPECT_EQ(n.value("echo_requests_answered", 0u), tshark_count(pcap, from + "(icmp.type==0 or icmpv6.type==129)"))
        << n.dump();
    EXPECT_EQ(n.value("announcements", 0u),
              tshark_count(pcap, from + "(arp.isgratuitous==1 or (icmpv6.type==136 and icmpv6.nd.na.flag.s==0))"))
        << n.dump();
}

TEST(Presence, ARouterPingsTheSinkAndTheGeneratorAndLearnsTheirMacsOnItsOwn) {
    TempDir dir;
    Lab lab({.router = true});
    const std::string& rtr = lab["TG_RTR_NS"];
    ASSERT_EQ(neighbour(rtr, lab["TG_SINK_IP4"]), "") << "no entry before trafficgen answers";
    Capture sink_side(rtr, lab["TG_RTR_SINK_IF"], dir);
    Capture gen_side(rtr, lab["TG_RTR_GEN_IF"], dir);
    SinkRun sink(lab, dir);
    EXPECT_EQ(ping_replies(rtr, lab["TG_SINK_IP4"]), 3);
    EXPECT_EQ(ping_replies(rtr, lab["TG_SINK_IP6"]), 3);
    // An address on the sink's link that it does not own: asked for, never answered.
    EXPECT_EQ(ping_replies(rtr, "198.19.0.2"), 0);
    for (const char* ip : {"TG_SINK_IP4", "TG_SINK_IP6"}) {
        const std::string n = neighbour(rtr, lab[ip]);
        EXPECT_NE(n.find("lladdr " + lower(lab["TG_SINK_MAC"])), std::string::npos) << n;
        EXPECT_EQ(n.find("PERMANENT"), std::string::npos) << n;
    }
    nlohmann::json generator_counts = nlohmann::json::object();
    for (const Family family : {Family::ipv4, Family::ipv6}) {
        const bool v6 = family == Family::ipv6;
        SCOPED_TRACE(v6 ? "IPv6" : "IPv4");
        const std::string gen_ip = lab[v6 ? "TG_GEN_IP6" : "TG_GEN_IP4"];
        int replies = -1;
        const auto g = run_generator(lab, dir, {"--proto", "udp", "--rate", "2kpps", "--duration", "3"}, family,
                                     [&](Child&) {
                                         std::this_thread::sleep_for(std::chrono::milliseconds(500));
                                         replies = ping_replies(rtr, gen_ip);
                                     });
        ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
        EXPECT_EQ(replies, 3) << "the generator answers ping while it sends";
        const auto& n = g.report["generator"]["neighbours"];
        EXPECT_EQ(n.value("echo_requests_answered", 0), 3) << n.dump();
        ASSERT_EQ(n["next_hops"].size(), 1u) << n.dump();
        EXPECT_EQ(n["next_hops"][0].value("address", ""), lab[v6 ? "TG_GATEWAY_IP6" : "TG_GATEWAY_IP4"]);
        EXPECT_EQ(n["next_hops"][0].value("mac", ""), lower(lab["TG_NEXT_MAC"])) << "the router's own MAC";
        const std::string entry = neighbour(rtr, gen_ip);
        EXPECT_NE(entry.find("lladdr " + lower(lab["TG_GEN_MAC"])), std::string::npos) << entry;
        EXPECT_GT(packets_of(g.report, "generator", "udp"), 5000u);
        for (const auto& [k, v] : n.items()) {
            if (v.is_number_unsigned()) generator_counts[k] = generator_counts.value(k, 0u) + v.get<std::uint64_t>();
        }
    }
    const auto s = sink.stop();
    const auto& n = s["sink"]["neighbours"];
    EXPECT_EQ(n.value("echo_requests_answered", 0), 6) << n.dump();
    EXPECT_GE(n.value("arp_requests_answered", 0), 1) << n.dump();
    EXPECT_GE(n.value("neighbour_solicitations_answered", 0), 1) << n.dump();
    EXPECT_EQ(n.value("announcements", 0), 2) << "one address of each family";
    EXPECT_GT(packets_of(s, "sink", "udp"), 10000u);
    EXPECT_EQ(field_of(s, "sink", "udp", "lost"), 0u);

    // tshark on the router's two interfaces: every answer counted went on the wire, and
    // the kernel's requests for an address nobody owns are what the sink counted.
    const std::string& sink_pcap = sink_side.stop();
    const std::string& gen_pcap = gen_side.stop();
    expect_answers_on_the_wire(n, sink_pcap, lower(lab["TG_SINK_MAC"]));
    // (The router's duplicate address check of its own link-local address is one of them.)
    EXPECT_EQ(n.value("requests_for_other_addresses", 0u),
              tshark_count(sink_pcap, "(arp.opcode==1 and not arp.isgratuitous==1 and arp.dst.proto_ipv4!=" +
                                          lab["TG_SINK_IP4"] + ") or (icmpv6.type==135 and icmpv6.nd.ns.target_address!=" +
                                          lab["TG_SINK_IP6"] + ")"));
    EXPECT_GE(tshark_count(sink_pcap, "arp.opcode==1 and arp.dst.proto_ipv4==198.19.0.2"), 1u);
    expect_answers_on_the_wire(generator_counts, gen_pcap, lower(lab["TG_GEN_MAC"]));
    EXPECT_EQ(generator_counts.value("resolution_requests", 0u),
              tshark_count(gen_pcap, "eth.src==" + lower(lab["TG_GEN_MAC"]) +
                                         " and ((arp.opcode==1 and not arp.isgratuitous==1) or icmpv6.type==135)"));
}

TEST(Presence, AGeneratorToldNoMacDeliversToAKernelSocketCountedByNftables) {
    TempDir dir;
    Lab lab({});
    const std::string& ns = lab["TG_SINK_NS"];
    for (const auto& cmd : std::vector<std::vector<std::string>>{
             {"ip", "-n", ns, "addr", "add", lab["TG_SINK_IP4"] + "/15", "dev", lab["TG_SINK_IF"]},
             in_ns(ns, {"sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0"})}) {
        const auto r = run(cmd);
        ASSERT_TRUE(r.exit.ok()) << r.err;
    }
    nft_load(ns, "table inet tg_presence {\n chain in {\n  type filter hook input priority 0; policy accept;\n"
                 "  udp dport 5201 counter comment \"to-socket\"\n }\n}\n");
    Child counter(in_ns(ns, {tool_path("TG_UDP_COUNTER"), "5201"}), dir / "udp_counter");
    ASSERT_TRUE(counter.wait_for_output("ready", 10)) << counter.err();
    const auto g = run_generator(lab, dir, {"--proto", "udp", "--count", "5000", "--rate", "10kpps", "--flows", "4"});
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const Exit e = counter.stop(SIGINT, 10);
    EXPECT_TRUE(e.ok()) << e.describe();
    const auto socket = nlohmann::json::parse(counter.out(), nullptr, false);
    EXPECT_EQ(nft_counter(ns, "inet", "tg_presence", "to-socket"), 5000u);
    ASSERT_TRUE(socket.is_object()) << counter.out();
    EXPECT_EQ(socket.value("datagrams", 0), 5000);
    const auto& hop = g.report["generator"]["neighbours"]["next_hops"][0];
    EXPECT_EQ(hop.value("address", ""), lab["TG_SINK_IP4"]) << "on the link: the destination itself";
    EXPECT_EQ(hop.value("mac", ""), lower(lab["TG_SINK_MAC"])) << "the kernel's answer";
}

TEST(Presence, WithNobodyAtTheNextHopTheGeneratorSendsNoTestPacketAndNamesTheAddress) {
    TempDir dir;
    Lab lab({.router = true});
    const LinkCounters before = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    // 198.18.0.253 is on the generator's link, and nobody has it.
    const auto g = run_generator(lab, dir, {"--proto", "udp", "--count", "100", "--gateway", "198.18.0.253"});
    const LinkCounters after = link_counters(lab["TG_GEN_NS"], lab["TG_GEN_IF"]);
    EXPECT_EQ(g.exit.code, 3) << g.exit.describe() << ": " << g.err;
    EXPECT_NE(g.err.find("198.18.0.253"), std::string::npos) << g.err;
    EXPECT_NE(g.err.find("--dst-mac"), std::string::npos) << "says what would do: " << g.err;
    // A gratuitous ARP and three requests: nothing else left the generator.
    EXPECT_EQ(after.tx_packets - before.tx_packets, 4u);
}

}  // namespace
}  // namespace tg::e2e
