// `--repeat N` on the lab, judged by nftables: a generator with --round-trip against a
// reflecting sink runs three times; the bridge in front of the sink counts the UDP frames
// that went towards it, and that count is the three runs' sent packets together, each run
// got every one of its own back, and the report's spread is made of the runs' figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

TEST(Repeat, ThreeRoundTripRunsSendWhatTheBridgeCountedAndEachGetsItsOwnBack) {
    TempDir dir;
    Lab lab({.bridge = true});
    nft_load(lab["TG_SINK_NS"], "table bridge tg_count {\n chain forward {\n  type filter hook forward priority 0; "
                                "policy accept;\n  ether type ip udp dport 5201 counter comment \"towards\"\n }\n}\n");
    SinkRun sink(lab, dir, {"--reflect"});
    const auto g = run_generator(lab, dir, {"--proto", "udp", "--round-trip", "--count", "1500", "--rate", "10kpps",
                                            "--flows", "2", "--repeat", "3"});
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (void)sink.stop();
    const auto& r = g.report;
    ASSERT_EQ(r.value("schema", ""), "trafficgen.repeat") << r.dump();
    ASSERT_EQ(r["runs"].size(), 3u);
    std::uint64_t sent = 0;
    std::vector<double> rtt_p50;
    for (const auto& run : r["runs"]) {
        sent += run["generator"]["packets"].get<std::uint64_t>();
        const auto& back = run["generator"]["round_trip"]["protocols"]["udp"];
        EXPECT_EQ(back.value("packets", 0u), 1500u) << "each run counts its own returns";
        EXPECT_EQ(back.value("lost", 1u), 0u);
        rtt_p50.push_back(back["latency"]["p50_ns"].get<double>());
    }
    EXPECT_EQ(sent, 3u * 1500u);
    EXPECT_EQ(nft_counter(lab["TG_SINK_NS"], "bridge", "tg_count", "towards"), sent)
        << "the bridge saw every run's frames, and no more";
    std::sort(rtt_p50.begin(), rtt_p50.end());
    const auto& p50 = r["figures"]["generator"]["round_trip"]["protocols"]["udp"]["latency"]["p50_ns"];
    EXPECT_DOUBLE_EQ(p50["min"].get<double>(), rtt_p50[0]);
    EXPECT_DOUBLE_EQ(p50["median"].get<double>(), rtt_p50[1]);
    EXPECT_DOUBLE_EQ(p50["max"].get<double>(), rtt_p50[2]);
}

}  // namespace
}  // namespace tg::e2e
