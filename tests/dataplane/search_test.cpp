// `trafficgen search` on a loopback (net_ring): trial after trial in one DPDK process,
// each frame size with its own templates and pools. A loopback drops nothing at a rate
// it carries, so every loss ratio is met at the maximum, confirmed in each phase at the
// phase's duration; and the port's own counters (the PMD's, not the engines') add up to
// the trials' sent and received frames (and the learning frames before them), across
// every size.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

TEST(Search, ALoopbackMeetsEveryRatioAtTheMaximumAndThePortCountsEveryTrialsFrames) {
    const auto o = run_trafficgen({"search", "--vdev", "net_ring0", "--loopback", "--sizes", "64,1518,imix", "--loss",
                                   "0,0.1%", "--trial-duration", "0.2", "--final-duration", "0.4", "--max-rate",
                                   "200kpps", "--min-rate", "10kpps", "--flows", "4", "--quiet"},
                                  true, 120);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& r = o.report;
    ASSERT_EQ(r["schema"], "trafficgen.search");
    EXPECT_EQ(r["protocol"], "udp");
    EXPECT_EQ(r["ended_by"], "precision");
    ASSERT_EQ(r["sizes"].size(), 3u);
    std::uint64_t sent = 0, received = 0;
    for (const auto& size : r["sizes"]) {
        const std::string name = size["frame_size"].dump();
        EXPECT_DOUBLE_EQ(size["max_rate_pps"].get<double>(), 200000) << name;
        ASSERT_EQ(size["results"].size(), 2u) << name;
        EXPECT_EQ(size["results"][0]["name"], "NDR");
        EXPECT_EQ(size["results"][1]["name"], "PDR 0.1%");
        for (const auto& result : size["results"]) {
            EXPECT_TRUE(result["found"].get<bool>()) << name;
            EXPECT_TRUE(result["at_max"].get<bool>()) << name;
            EXPECT_DOUBLE_EQ(result["rate_pps"].get<double>(), 200000) << name;
            EXPECT_EQ(result["loss_at_rate"].get<double>(), 0.0) << name;
            ASSERT_TRUE(result["latency_us"].is_object()) << name << ": one process, one clock: latency is measured";
            EXPECT_GT(result["latency_us"]["max"].get<double>(), 0.0) << name;
        }
        // One trial a phase: the maximum at 0.2 s, then again at the middle duration and at 0.4 s.
        const auto& trials = size["trials"];
        ASSERT_EQ(trials.size(), 3u) << name;
        EXPECT_DOUBLE_EQ(trials[0]["duration_s"].get<double>(), 0.2);
        EXPECT_DOUBLE_EQ(trials[2]["duration_s"].get<double>(), 0.4);
        for (const auto& t : trials) {
            const auto asked = static_cast<std::uint64_t>(t["rate_pps"].get<double>() * t["duration_s"].get<double>() + 0.5);
            EXPECT_EQ(t["sent"].get<std::uint64_t>(), asked) << name;
            EXPECT_EQ(t["generator_sent"].get<std::uint64_t>(), asked) << name;
            EXPECT_EQ(t["received"].get<std::uint64_t>(), asked) << name;
            sent += t["generator_sent"].get<std::uint64_t>();
            received += t["received"].get<std::uint64_t>();
        }
    }
    // RFC 2544's learning frames went first, outside the search.
    ASSERT_TRUE(r["learning"].is_object());
    EXPECT_EQ(r["learning"]["sent"].get<std::uint64_t>(), 100u);
    EXPECT_EQ(r["learning"]["received"].get<std::uint64_t>(), 100u);
    sent += r["learning"]["sent"].get<std::uint64_t>();
    received += r["learning"]["received"].get<std::uint64_t>();
    EXPECT_EQ(r["port"]["counters"]["tx_packets"].get<std::uint64_t>(), sent);
    EXPECT_EQ(r["port"]["counters"]["rx_packets"].get<std::uint64_t>(), received);
}

TEST(Search, RepeatedSearchesKeepEachOneAndGiveEveryRateWithMinMedianAndMax) {
    const auto o = run_trafficgen({"search", "--vdev", "net_ring0", "--loopback", "--sizes", "128", "--loss", "0,1%",
                                   "--trial-duration", "0.2", "--final-duration", "0.3", "--phases", "2", "--max-rate",
                                   "100kpps", "--repeat", "3", "--quiet"},
                                  true, 120);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& r = o.report;
    EXPECT_EQ(r["settings"]["repeat"], 3);
    ASSERT_EQ(r["sizes"].size(), 1u);
    const auto& size = r["sizes"][0];
    const auto& reps = size["repetitions"];
    ASSERT_EQ(reps.size(), 3u);
    // Every trial is one repetition's, in order; each repetition ran its own whole search.
    std::vector<std::size_t> trials_of(3);
    unsigned previous = 1;
    std::uint64_t sent = 0;
    for (const auto& t : size["trials"]) {
        const unsigned rep = t["repetition"].get<unsigned>();
        ASSERT_GE(rep, previous) << t.dump();
        ASSERT_LE(rep, 3u);
        previous = rep;
        ++trials_of[rep - 1];
        sent += t["generator_sent"].get<std::uint64_t>();
    }
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(trials_of[i], 2u) << "one trial a phase at the maximum";
    EXPECT_EQ(r["port"]["counters"]["tx_packets"].get<std::uint64_t>(), sent + r["learning"]["sent"].get<std::uint64_t>());
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& result = size["results"][i];
        const auto& spread = result["repetitions"];
        EXPECT_EQ(spread["count"], 3);
        EXPECT_EQ(spread["found"], 3);
        std::vector<double> rates;
        for (const auto& rep : reps) rates.push_back(rep["results"][i]["rate_pps"].get<double>());
        std::sort(rates.begin(), rates.end());
        EXPECT_DOUBLE_EQ(spread["rate_pps"]["min"].get<double>(), rates[0]);
        EXPECT_DOUBLE_EQ(spread["rate_pps"]["median"].get<double>(), rates[1]);
        EXPECT_DOUBLE_EQ(spread["rate_pps"]["max"].get<double>(), rates[2]);
        // The result shown is the median repetition's own.
        const auto m = spread["median_repetition"].get<std::size_t>();
        EXPECT_EQ(result["rate_pps"], reps[m - 1]["results"][i]["rate_pps"]);
        EXPECT_EQ(result["latency_us"], reps[m - 1]["results"][i]["latency_us"]);
    }
}

TEST(Search, ARateTheGeneratorCannotOfferCountsItsUnsentFramesAsLost) {
    // 200 Mpps is beyond any generator on net_ring: the trial stops at its duration with
    // frames it never sent, and those are lost at that rate, not forgotten.
    const auto o = run_trafficgen({"search", "--vdev", "net_ring0", "--loopback", "--sizes", "64", "--loss", "0",
                                   "--trial-duration", "0.2", "--final-duration", "0.4", "--max-rate", "200Mpps",
                                   "--max-trials", "2", "--quiet"},
                                  true, 120);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& r = o.report;
    const auto& size = r["sizes"][0];
    EXPECT_EQ(size["ended_by"], "trial limit");
    const auto& first = size["trials"][0];
    EXPECT_DOUBLE_EQ(first["rate_pps"].get<double>(), 200e6);
    const auto asked = first["sent"].get<std::uint64_t>();
    const auto sent = first["generator_sent"].get<std::uint64_t>();
    EXPECT_EQ(asked, 40'000'000u);
    ASSERT_LT(sent, asked);
    EXPECT_EQ(first["generator_short"].get<std::uint64_t>(), asked - sent);
    EXPECT_LE(first["received"].get<std::uint64_t>(), sent);
    EXPECT_GT(first["loss_ratio"].get<double>(), 0.0) << "what was never sent is lost at that rate";
    EXPECT_DOUBLE_EQ(first["loss_ratio"].get<double>(),
                     double(asked - first["received"].get<std::uint64_t>()) / double(asked));
    // The port's own TX counter saw only what the generator sent, learning frames included.
    std::uint64_t generator_sent = r["learning"]["sent"].get<std::uint64_t>();
    for (const auto& t : size["trials"]) generator_sent += t["generator_sent"].get<std::uint64_t>();
    EXPECT_EQ(r["port"]["counters"]["tx_packets"].get<std::uint64_t>(), generator_sent);
    EXPECT_FALSE(size["results"][0]["at_max"].get<bool>());
}

TEST(Search, SigtermEndsTheSearchAndStillWritesWhatItFound) {
    const auto o = run_trafficgen({"search", "--vdev", "net_ring0", "--loopback", "--sizes", "64,128", "--trial-duration",
                                   "0.2", "--final-duration", "20", "--max-rate", "100kpps", "--quiet"},
                                  true, 60, 1.5);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& r = o.report;
    EXPECT_EQ(r["ended_by"], "interrupted");
    ASSERT_EQ(r["sizes"].size(), 1u) << "the second size never started";
    const auto& trials = r["sizes"][0]["trials"];
    ASSERT_FALSE(trials.empty());
    EXPECT_TRUE(trials.back().value("interrupted", false)) << trials.back().dump();
    EXPECT_EQ(r["sizes"][0]["ended_by"], "interrupted");
}

TEST(Search, BadSettingsAreNamedBeforeAnyTrial) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"search", "--vdev", "net_ring0", "--loopback", "--loss", "1.5"}, "1.5"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--loss", "0.5%,0"}, "ascending"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--sizes", "63"}, "63"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--proto", "udp,tcp"}, "one transport"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--rate", "1M"}, "--rate"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--final-duration", "0.1"}, "0.1"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--max-rate", "max"}, "--max-rate"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--precision", "fine"}, "fine"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--repeat", "0"}, "--repeat 0 is out of range"},
        {{"search", "--vdev", "net_ring0", "--loopback", "--repeat", "-3"}, "--repeat -3"},
    };
    for (const auto& [args, word] : cases) {
        const auto o = run_trafficgen(args, false, 60);
        EXPECT_EQ(o.exit_code, 2) << word << ": " << o.err;
        EXPECT_NE(o.err.find(word), std::string::npos) << o.err;
        EXPECT_EQ(o.err.find("Aborted"), std::string::npos) << o.err;
    }
}

TEST(Search, WithNoReceivingPortAndNoFarSinkItStopsAtOnce) {
    // No --rx-* and no --loopback: a far sink would count, and none answers on the ring.
    const auto o = run_trafficgen({"search", "--vdev", "net_ring0", "--dst-mac", "02:00:00:00:00:02", "--quiet"}, false, 60);
    EXPECT_EQ(o.exit_code, 3) << o.err;
    EXPECT_NE(o.err.find("no trafficgen sink answered 15 count requests"), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("--loopback"), std::string::npos) << "what would do instead: " << o.err;
    EXPECT_EQ(o.err.find("Aborted"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace tg::testing
