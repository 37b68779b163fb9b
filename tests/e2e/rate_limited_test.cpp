// A rate-limited path: a router namespace between generator and sink, with tbf on its
// egress towards the sink. The generator offers three times what tbf lets through; the
// sink's loss equals the drops tbf counted, and the sink received what tbf passed.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "checks.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

struct Limited {
    std::uint64_t sent = 0, received = 0, presence = 0;
    QdiscCounters qdisc;
    nlohmann::json sink;
};

Limited through_tbf(const std::string& router_rules) {
    TempDir dir;
    Lab lab({.router = true});
    const std::string& rtr = lab["TG_RTR_NS"];
    const auto r = run({"tc", "-n", rtr, "qdisc", "add", "dev", lab["TG_RTR_SINK_IF"], "root", "tbf", "rate", "20mbit",
                        "burst", "20kb", "latency", "20ms"});
    if (!r.exit.ok()) throw std::runtime_error("tc failed: " + r.err);
    if (!router_rules.empty()) nft_load(rtr, router_rules);
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--proto", "udp", "--count", "6000", "--rate", "60M", "--flows", "2"});
    EXPECT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // tbf's queue drains
    Limited l;
    l.sink = sink.stop();
    l.sent = packets_of(g.report, "generator", "udp");
    l.received = packets_of(l.sink, "sink", "udp");
    // The router's ARP requests for the sink pass the qdisc too.
    l.presence = l.sink["sink"].value("presence_frames", std::uint64_t{0});
    l.qdisc = root_qdisc(rtr, lab["TG_RTR_SINK_IF"]);
    return l;
}

TEST(RateLimitedPath, TheSinksLossIsTheQdiscsDrops) {
    const Limited l = through_tbf("");
    EXPECT_EQ(l.sent, 6000u);
    EXPECT_GE(l.presence, 1u) << "the router asked for the sink's MAC";
    EXPECT_TRUE(loss_is_the_qdiscs(l.sent, l.received, l.qdisc, l.presence));
    // Offered three times the rate: about two thirds are dropped.
    EXPECT_GT(l.qdisc.drops, l.sent / 2);
    EXPECT_EQ(field_of(l.sink, "sink", "udp", "bad_l4_checksum"), 0u);
    EXPECT_EQ(field_of(l.sink, "sink", "udp", "bad_ip_checksum"), 0u) << "the router rewrote TTL and IPv4 checksum";
}

TEST(RateLimitedPath, FailsWhenSomethingElseDropsToo) {
    // Sabotage: the router's firewall drops some packets before they reach tbf. The loss
    // is then more than tbf's drops, and the check must say so.
    const Limited l = through_tbf(
        "table inet tg_fw {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
        "    udp dport 5201 numgen inc mod 97 == 96 drop\n  }\n}\n");
    EXPECT_FALSE(loss_is_the_qdiscs(l.sent, l.received, l.qdisc, l.presence));
}

}  // namespace
}  // namespace tg::e2e
