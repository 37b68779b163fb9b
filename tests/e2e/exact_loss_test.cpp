// Exact loss: an nftables rule in the sink namespace (bridge family, on the bridge in front
// of the sink) drops exactly every Nth packet of each protocol and counts what it dropped.
// The sink's loss equals that counter, protocol by protocol.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "checks.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

// 10025 packets each: with the drop on every Nth (numgen counts from 0, the rule takes
// N-1 of every N) none of the last packets of a stream is dropped, so the sink sees every
// gap it is to count.
constexpr std::uint64_t packets_per_protocol = 10025;
constexpr struct {
    const char* protocol;
    unsigned every;
} drops[] = {{"tcp", 37}, {"udp", 50}, {"sctp", 23}};

std::string drop_rules(const std::string& extra) {
    std::string rules = "table bridge tg_loss {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n";
    rules += extra;
    for (const auto& d : drops) {
        rules += "    ether type ip ip protocol " + std::string(d.protocol) + " numgen inc mod " + std::to_string(d.every) +
                 " == " + std::to_string(d.every - 1) + " counter drop comment \"" + d.protocol + "-loss\"\n";
    }
    return rules + "  }\n}\n";
}

struct LossRun {
    nlohmann::json sink;
    std::map<std::string, std::uint64_t> sent, dropped;
};

LossRun run_with_drops(const std::string& extra_rules, const std::vector<std::string>& protocols) {
    TempDir dir;
    Lab lab({.bridge = true});
    nft_load(lab["TG_SINK_NS"], drop_rules(extra_rules));
    SinkRun sink(lab, dir);
    LossRun r;
    for (const auto& p : protocols) {
        const auto g = run_generator(lab, dir, {"--proto", p, "--count", std::to_string(packets_per_protocol), "--rate",
                                                "25kpps", "--flows", "2", "--streams", "4"});
        EXPECT_TRUE(g.exit.ok()) << p << ": " << g.exit.describe() << ": " << g.err;
        r.sent[p] = packets_of(g.report, "generator", p);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    r.sink = sink.stop();
    for (const auto& p : protocols) r.dropped[p] = nft_counter(lab["TG_SINK_NS"], "bridge", "tg_loss", p + "-loss");
    return r;
}

::testing::AssertionResult exact(const LossRun& r, const std::string& p) {
    return loss_is_exact(p, r.sent.at(p), packets_of(r.sink, "sink", p), field_of(r.sink, "sink", p, "lost"),
                         r.dropped.at(p));
}

TEST(ExactLoss, TheSinksLossIsTheNftablesCounterForEachProtocol) {
    const LossRun r = run_with_drops("", {"tcp", "udp", "sctp"});
    for (const auto& d : drops) {
        EXPECT_EQ(r.sent.at(d.protocol), packets_per_protocol) << d.protocol;
        EXPECT_EQ(r.dropped.at(d.protocol), packets_per_protocol / d.every) << d.protocol;
        EXPECT_TRUE(exact(r, d.protocol));
        EXPECT_EQ(field_of(r.sink, "sink", d.protocol, "bad_l4_checksum"), 0u) << d.protocol;
    }
}

TEST(ExactLoss, FailsWhenTheCounterMissesDrops) {
    // Sabotage: a second rule drops UDP too, without counting. The counter is now skewed
    // against what was lost, and the check must say so.
    const LossRun r = run_with_drops("    ether type ip ip protocol udp numgen inc mod 101 == 100 drop\n", {"udp"});
    EXPECT_GT(r.dropped.at("udp"), 0u);
    EXPECT_FALSE(exact(r, "udp"));
}

}  // namespace
}  // namespace tg::e2e
