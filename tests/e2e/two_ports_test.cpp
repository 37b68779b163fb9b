// An ordinary run in two-port form, as a lab rig with a two-port NIC has it: one process
// sends on one port and counts on the other, a router between them. Neither port is told
// a MAC: the sending port resolves the router by ARP, and the receiving port answers the
// router's ARP for the destination. nftables on the router is the judge: what it forwarded
// is what the generator sent and what the sink counted, frame for frame, and the report
// names both ports.
#include <gtest/gtest.h>

#include <string>

#include "judges.hpp"
#include "lab.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

TEST(TwoPorts, AnOrdinaryRunSendsOnOnePortAndCountsOnTheOtherThroughARouter) {
    TempDir dir;
    Lab lab({.router = true});
    one_tester_two_ports(lab);
    nft_load(lab["TG_RTR_NS"],
             "table inet tg_fwd {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
             "    udp dport 5201 counter comment \"forwarded\"\n  }\n}\n");
    const std::string json = dir / "run.json";
    const auto r = run(in_ns(lab["TG_GEN_NS"], {tool_path("TRAFFICGEN"), "--iface", lab["TG_GEN_IF"], "--rx-iface",
                                                lab["TG_SINK_IF"], "--gateway", lab["TG_GATEWAY_IP4"], "--src-ip",
                                                lab["TG_GEN_IP4"], "--dst-ip", lab["TG_SINK_IP4"], "--proto", "udp",
                                                "--flows", "4", "--rate", "5kpps", "--count", "6000", "--quiet", "--json",
                                                json}),
                       60);
    ASSERT_TRUE(r.exit.ok()) << r.exit.describe() << ": " << r.err;
    const auto report = load_report(json);
    ASSERT_TRUE(report.is_object()) << r.err;
    EXPECT_EQ(report["role"], "loopback");
    ASSERT_TRUE(report.contains("rx_port"));
    EXPECT_NE(report["rx_port"]["name"], report["port"]["name"]);
    const std::uint64_t sent = packets_of(report, "generator", "udp");
    EXPECT_EQ(sent, 6000u);
    const std::uint64_t forwarded = nft_counter(lab["TG_RTR_NS"], "inet", "tg_fwd", "forwarded");
    EXPECT_EQ(forwarded, sent) << "the router forwarded every frame sent";
    EXPECT_EQ(packets_of(report, "sink", "udp"), forwarded) << "the receiving port counted every frame forwarded";
    EXPECT_EQ(field_of(report, "sink", "udp", "lost"), 0u);
    // The router found the receiving port by ARP: it answered for the destination.
    const auto& answered = report["sink"]["neighbours"];
    EXPECT_GE(answered.value("arp_requests_answered", 0u), 1u) << answered.dump();
    EXPECT_TRUE(report["generator"]["neighbours"]["next_hops"][0]["mac"].is_string()) << "the router resolved";
}

}  // namespace
}  // namespace tg::e2e
