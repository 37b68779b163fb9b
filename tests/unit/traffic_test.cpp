#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "traffic/config_error.hpp"
#include "traffic/flows.hpp"
#include "traffic/pacer.hpp"
#include "traffic/protocol.hpp"
#include "traffic/rate.hpp"
#include "traffic/size_mix.hpp"

namespace tg::traffic {
namespace {

using U = Rate::Unit;

TEST(Rate, ParsesEveryForm) {
    EXPECT_EQ(Rate::parse("100M").unit, U::l2_bps);
    EXPECT_DOUBLE_EQ(Rate::parse("100M").value, 100e6);
    EXPECT_DOUBLE_EQ(Rate::parse("2.5G").value, 2.5e9);
    EXPECT_DOUBLE_EQ(Rate::parse("800kbps").value, 800e3);
    EXPECT_EQ(Rate::parse("1Mpps").unit, U::pps);
    EXPECT_DOUBLE_EQ(Rate::parse("1Mpps").value, 1e6);
    EXPECT_DOUBLE_EQ(Rate::parse("5000pps").value, 5000);
    EXPECT_EQ(Rate::parse("50%").unit, U::percent_l1);
    EXPECT_EQ(Rate::parse("max").unit, U::unlimited);
    EXPECT_EQ(Rate::parse(" 10M ").unit, U::l2_bps);
}

TEST(Rate, RefusesWithTheValueAndWhatIsAccepted) {
    for (const char* bad : {"", "fast", "10X", "-5M", "1e400", "M", "10%%", "pps", "150%", "nan"}) {
        try {
            (void)Rate::parse(bad);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("--rate"), std::string::npos) << e.what();
        }
    }
}

TEST(Rate, ConvertsAtTheDocumentedLayer) {
    // 100 Mbit/s of 1250-byte frames (with FCS): 10,000 frames/s.
    EXPECT_DOUBLE_EQ(Rate::parse("100M").packets_per_second(1250, 0), 10'000);
    // 100% of 10G at 64 bytes is line rate: 10e9 / ((64 + 20) * 8) = 14,880,952 pps.
    EXPECT_NEAR(Rate::parse("100%").packets_per_second(64, 10e9), 14'880'952.4, 1);
    EXPECT_DOUBLE_EQ(Rate::parse("1Mpps").packets_per_second(9000, 10e9), 1e6);
}

TEST(SizeMix, ParsesSizesImixAndWeights) {
    EXPECT_EQ(SizeMix::parse("1400").entries.size(), 1u);
    const auto imix = SizeMix::parse("imix");
    EXPECT_EQ(imix.smallest(), 64u);
    EXPECT_EQ(imix.largest(), 1518u);
    EXPECT_NEAR(imix.mean(), (7 * 64 + 4 * 594 + 1518) / 12.0, 1e-9);
    EXPECT_EQ(SizeMix::parse("64:3,1518:1").entries[0].weight, 3u);
    for (const char* bad : {"63", "9019", "0", "abc", "64:0", "64:", ":3", "64,,128", ""}) {
        EXPECT_THROW((void)SizeMix::parse(bad), ConfigError) << bad;
    }
}

TEST(SizeMix, CycleHasTheWeightsAndInterleaves) {
    const auto cycle = SizeMix::parse("imix").cycle();
    ASSERT_EQ(cycle.size(), 12u);
    std::map<std::uint32_t, int> n;
    for (auto s : cycle) ++n[s];
    EXPECT_EQ(n[64], 7);
    EXPECT_EQ(n[594], 4);
    EXPECT_EQ(n[1518], 1);
    int longest_run = 0, run = 0;
    for (std::size_t i = 0; i < cycle.size(); ++i) {
        run = (i > 0 && cycle[i] == cycle[i - 1]) ? run + 1 : 1;
        longest_run = std::max(longest_run, run);
    }
    EXPECT_LE(longest_run, 2);
}

TEST(Protocols, ListsAndWeights) {
    const auto p = parse_protocols("tcp,udp,sctp", "--proto");
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[2].protocol, Protocol::sctp);
    const auto m = parse_protocols("udp:3,sctp:1", "--mix");
    EXPECT_EQ(m[0].weight, 3u);
    const auto all = parse_protocols("icmp,arp,dns,raw", "--proto");
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0].protocol, Protocol::icmp);
    EXPECT_EQ(all[3].protocol, Protocol::raw);
    for (const char* bad : {"icmpv6", "tcp,tcp", "tcp:0", "udp:x", "", "tcp,", "ICMP"}) {
        EXPECT_THROW((void)parse_protocols(bad, "--proto"), ConfigError) << bad;
    }
}

TEST(Flows, OdometerOverRanges) {
    const FlowSet f(IpRange::parse("198.18.0.1-198.18.0.2", "--src-ip"), IpRange::parse("198.19.0.1", "--dst-ip"),
                    PortRange::parse("1000-1002", "--src-port"), PortRange::parse("5201", "--dst-port"), 0);
    ASSERT_EQ(f.size(), 6u);
    std::set<std::pair<std::string, std::uint16_t>> seen;
    for (std::uint32_t i = 0; i < f.size(); ++i) seen.insert({f.at(i).src.to_string(), f.at(i).src_port});
    EXPECT_EQ(seen.size(), 6u);
    EXPECT_EQ(f.at(0).src_port, 1000);
    EXPECT_EQ(f.at(1).src_port, 1001);
    EXPECT_EQ(f.at(3).src.to_string(), "198.18.0.2");
}

TEST(Flows, ManyFlowsOverSingleValuesStepSourcePorts) {
    const FlowSet f(IpRange::parse("2001:2::1", "--src-ip"), IpRange::parse("2001:2::2", "--dst-ip"),
                    PortRange::parse("10000", "--src-port"), PortRange::parse("5201", "--dst-port"), 100);
    EXPECT_EQ(f.size(), 100u);
    EXPECT_TRUE(f.ipv6());
    EXPECT_EQ(f.at(99).src_port, 10099);
}

TEST(Flows, Ipv6RangeStepsTheLowBits) {
    const auto r = IpRange::parse("2001:2::fffe-2001:2::1:1", "--src-ip");
    EXPECT_EQ(r.count, 4u);
    EXPECT_EQ(r.at(2).to_string(), "2001:2::1:0");
}

TEST(Flows, BadRangesAreRefused) {
    EXPECT_THROW((void)IpRange::parse("198.18.0.9-198.18.0.1", "--src-ip"), ConfigError);
    EXPECT_THROW((void)IpRange::parse("198.18.0.1-2001:2::1", "--src-ip"), ConfigError);
    EXPECT_THROW((void)IpRange::parse("10.0.0.0-11.0.0.0", "--src-ip"), ConfigError);
    EXPECT_THROW((void)IpRange::parse("host", "--src-ip"), ConfigError);
    EXPECT_THROW((void)PortRange::parse("70000", "--src-port"), ConfigError);
    EXPECT_THROW((void)PortRange::parse("20-10", "--src-port"), ConfigError);
    EXPECT_THROW(FlowSet(IpRange::parse("198.18.0.1", "a"), IpRange::parse("2001:2::1", "b"),
                         PortRange::parse("1", "c"), PortRange::parse("2", "d"), 1),
                 ConfigError);
    EXPECT_THROW(FlowSet(IpRange::parse("198.18.0.1", "a"), IpRange::parse("198.18.0.2", "b"),
                         PortRange::parse("65000", "c"), PortRange::parse("2", "d"), 1000),
                 ConfigError);
}

// Drives a pacer with a fake clock: `step` ticks between calls, sending all that is due.
std::vector<std::pair<std::uint64_t, std::uint32_t>> drive(const PacingSpec& spec, std::uint64_t hz,
                                                           std::uint64_t until, std::uint64_t step) {
    Pacer p(spec, hz, 1000);
    std::vector<std::pair<std::uint64_t, std::uint32_t>> sends;
    for (std::uint64_t now = 1000; now < 1000 + until; now += step) {
        const std::uint32_t n = p.due(now, 1u << 20);
        if (n > 0) {
            p.sent(n);
            sends.emplace_back(now - 1000, n);
        }
    }
    return sends;
}

std::uint64_t total(const std::vector<std::pair<std::uint64_t, std::uint32_t>>& s) {
    std::uint64_t n = 0;
    for (const auto& [t, k] : s) n += k;
    return n;
}

TEST(Pacer, ConstantRateDoesNotDrift) {
    PacingSpec s;
    s.pattern = Pattern::rate_limited;
    s.pps = 1'000'000;
    // 1 GHz clock, 10 ms, polled every 37 ticks: exactly 10,000 packets, the first at once.
    const auto sends = drive(s, 1'000'000'000, 10'000'000, 37);
    EXPECT_EQ(total(sends), 10'000u);
    EXPECT_EQ(sends.front().first, 0u);
}

TEST(Pacer, UnlimitedSendsWhateverIsAsked) {
    Pacer p(PacingSpec{}, 1'000'000'000, 0);
    EXPECT_EQ(p.due(5, 32), 32u);
}

TEST(Pacer, BurstsOfNEveryGap) {
    PacingSpec s;
    s.pattern = Pattern::burst;
    s.burst_size = 8;
    s.burst_gap_s = 0.001;
    const auto sends = drive(s, 1'000'000, 10'000, 1);  // 1 MHz, 10 ms
    ASSERT_EQ(sends.size(), 10u);
    for (std::size_t i = 0; i < sends.size(); ++i) {
        EXPECT_EQ(sends[i].first, i * 1000);
        EXPECT_EQ(sends[i].second, 8u);
    }
}

TEST(Pacer, BackoffDoublesTheGapThenStartsOver) {
    PacingSpec s;
    s.pattern = Pattern::backoff;
    s.burst_size = 4;
    s.burst_gap_s = 0.001;
    s.backoff_max_s = 0.008;
    const auto sends = drive(s, 1'000'000, 40'000, 1);
    std::vector<std::uint64_t> gaps;
    for (std::size_t i = 1; i < sends.size(); ++i) gaps.push_back(sends[i].first - sends[i - 1].first);
    ASSERT_GE(gaps.size(), 6u);
    EXPECT_EQ(std::vector<std::uint64_t>(gaps.begin(), gaps.begin() + 6),
              (std::vector<std::uint64_t>{1000, 2000, 4000, 8000, 1000, 2000}));
}

TEST(Pacer, RampRisesLinearly) {
    PacingSpec s;
    s.pattern = Pattern::ramp;
    s.pps = 100'000;
    s.ramp_from_pps = 0;
    s.ramp_time_s = 1;
    // Packets in the first and the last tenth of the ramp: about 0.5% and 9.5% of 50,000.
    const auto sends = drive(s, 1'000'000, 1'000'000, 10);
    std::uint64_t first = 0, last = 0;
    for (const auto& [t, n] : sends) {
        if (t < 100'000) first += n;
        if (t >= 900'000) last += n;
    }
    EXPECT_NEAR(double(first), 500.0, 5);
    EXPECT_NEAR(double(last), 9500.0, 5);
    EXPECT_NEAR(double(total(sends)), 50'000.0, 2);
}

TEST(Pacer, RandomIsPoissonAtTheMeanRate) {
    PacingSpec s;
    s.pattern = Pattern::random;
    s.pps = 10'000;
    s.seed = 7;
    Pacer p(s, 1'000'000'000, 0);
    // One packet at a time, with the clock jumping to each departure: the gaps are
    // exponential with mean 100 us, so their coefficient of variation is 1.
    std::vector<double> gaps;
    std::uint64_t last = 0;
    for (std::uint64_t now = 0; gaps.size() < 20000; now += 1000) {
        if (p.due(now, 1) == 1) {
            p.sent(1);
            if (last != 0) gaps.push_back(double(now - last));
            last = now;
        }
    }
    double mean = 0;
    for (double g : gaps) mean += g;
    mean /= double(gaps.size());
    double var = 0;
    for (double g : gaps) var += (g - mean) * (g - mean);
    const double cv = std::sqrt(var / double(gaps.size())) / mean;
    EXPECT_NEAR(mean, 100'000.0, 3000);
    EXPECT_NEAR(cv, 1.0, 0.05);
}

}  // namespace
}  // namespace tg::traffic

#include "traffic/setup_times.hpp"

namespace tg::traffic {
namespace {

TEST(SetupTimes, PercentilesRateAndPowerOfTwoHistogram) {
    const SetupTimes t = SetupTimes::of({5, 0, 1, 3, 40, 3, 2, 9}, 2000);
    EXPECT_EQ(t.count, 8u);
    EXPECT_EQ(t.min_ms, 0u);
    EXPECT_EQ(t.median_ms, 3u);
    EXPECT_EQ(t.max_ms, 40u);
    EXPECT_DOUBLE_EQ(t.rate_per_s, 4.0);
    // below 1: {0}; 2: {1}; 4: {2, 3, 3}; 8: {5}; 16: {9}; 32: none; 64: {40}
    const std::vector<std::pair<std::uint64_t, std::uint64_t>> want = {{1, 1}, {2, 1}, {4, 3}, {8, 1},
                                                                       {16, 1}, {32, 0}, {64, 1}};
    ASSERT_EQ(t.histogram.size(), want.size());
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(t.histogram[i].below_ms, want[i].first);
        EXPECT_EQ(t.histogram[i].count, want[i].second) << "below " << want[i].first;
        total += t.histogram[i].count;
    }
    EXPECT_EQ(total, t.count);
    EXPECT_EQ(SetupTimes::of({}, 0).histogram.size(), 0u);
}

}  // namespace
}  // namespace tg::traffic
