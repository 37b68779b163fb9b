// Each traffic pattern, and IMIX, checked by its shape in what the sink received: the
// sink's --timeline of arrivals, generator -> net_ring -> sink in one process. The times
// are the send times each arrival's test header carries (one TSC in loopback): the shape
// is the generator's, and a sink lcore descheduled on this shared machine, which then
// takes a ring's worth of packets in one burst, does not bunch them up. Gaps are 4 ms
// and more, and a few bursts in ten may be late: a sender descheduled for a few ms shows
// as one late burst, not as a wrong shape.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "attempts.hpp"
#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

struct Arrival {
    double t_ms = 0;  // sent, since the first arrival was sent
    unsigned bytes = 0;
    std::uint64_t seq = 0;
};

std::vector<Arrival> timeline(std::vector<std::string> args) {
    const std::string dir = temp_dir();
    const std::string csv = dir + "/timeline.csv";
    std::vector<std::string> full = {"--vdev", "net_ring0", "--loopback", "--proto", "udp", "--quiet", "--timeline", csv};
    full.insert(full.end(), args.begin(), args.end());
    const auto o = run_trafficgen(full, false);
    EXPECT_EQ(o.exit_code, 0) << o.err;
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "rx_ns,protocol,flow,stream,seq,bytes,tx_ns");
    std::vector<Arrival> out;
    std::uint64_t first = 0;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string field;
        std::vector<std::string> v;
        while (std::getline(f, field, ',')) v.push_back(field);
        const std::uint64_t ns = std::stoull(v.at(6));
        if (out.empty()) first = ns;
        out.push_back({double(static_cast<std::int64_t>(ns - first)) / 1e6, static_cast<unsigned>(std::stoul(v.at(5))), std::stoull(v.at(4))});
    }
    std::filesystem::remove_all(dir);
    // Arrival order is send order on one ring; sorted all the same, for the gaps.
    std::stable_sort(out.begin(), out.end(), [](const Arrival& a, const Arrival& b) { return a.t_ms < b.t_ms; });
    return out;
}

struct Group {
    double start_ms;
    std::size_t size;
};

// Arrivals split wherever the line goes quiet for more than `quiet_ms`.
std::vector<Group> groups(const std::vector<Arrival>& a, double quiet_ms) {
    std::vector<Group> g;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (i == 0 || a[i].t_ms - a[i - 1].t_ms > quiet_ms) g.push_back({a[i].t_ms, 0});
        ++g.back().size;
    }
    return g;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// The fraction of `values` for which `ok` holds.
template <typename T, typename F>
double share(const std::vector<T>& values, F ok) {
    return values.empty() ? 0 : double(std::count_if(values.begin(), values.end(), ok)) / double(values.size());
}

TEST(Patterns, BurstsOfNEveryGap) {
    TG_SKIP_TIMING_WHEN_SANITIZED();
    EXPECT_TRUE(within_attempts(3, [] {
        const auto g = groups(timeline({"--pattern", "burst", "--burst", "16", "--burst-gap", "20ms", "--duration", "0.5"}), 5);
        if (g.size() < 20) return "only " + std::to_string(g.size()) + " bursts";
        std::vector<double> gaps;
        for (std::size_t i = 0; i + 1 < g.size(); ++i) gaps.push_back(g[i + 1].start_ms - g[i].start_ms);
        return at_least("share of bursts of 16", share(g, [](const Group& x) { return x.size == 16; }), 0.9) +
               near("median gap ms", median(gaps), 20.0, 2.0) +
               at_least("share of gaps within 3 ms of 20", share(gaps, [](double x) { return std::abs(x - 20.0) < 3.0; }), 0.8);
    }));
}

TEST(Patterns, BackoffDoublesTheGapUpToTheMaximumAndStartsOver) {
    TG_SKIP_TIMING_WHEN_SANITIZED();
    EXPECT_TRUE(within_attempts(3, [] {
        const auto a = timeline({"--pattern", "backoff", "--burst", "8", "--burst-gap", "4ms", "--backoff-max", "32ms",
                                 "--duration", "0.7"});
        // Burst k carries sequence numbers 8k..8k+7; it started when its first one arrived.
        std::map<std::uint64_t, double> start;
        for (const auto& x : a) {
            if (!start.count(x.seq / 8)) start[x.seq / 8] = x.t_ms;
        }
        if (start.size() < 12) return "only " + std::to_string(start.size()) + " bursts";
        // Gaps 4, 8, 16, 32 ms, then 4 again.
        std::vector<double> error;
        for (std::uint64_t k = 0; start.count(k + 1); ++k) {
            const double expected = 4.0 * double(1u << (k % 4));
            error.push_back(std::abs(start[k + 1] - start[k] - expected) / expected);
        }
        return at_least("share of gaps within 25% of 4/8/16/32 ms", share(error, [](double e) { return e < 0.25; }), 0.8) +
               at_least("share of bursts of 8", share(groups(a, 2), [](const Group& x) { return x.size == 8; }), 0.8);
    }));
}

TEST(Patterns, RampSendsAQuarterInItsFirstHalf) {
    TG_SKIP_TIMING_WHEN_SANITIZED();
    // A linear ramp from 0 to 20 kpps over 1 s: the first half carries 1/4 of the packets.
    EXPECT_TRUE(within_attempts(3, [] {
        const auto a = timeline({"--pattern", "ramp", "--rate", "20kpps", "--ramp-time", "1", "--duration", "1"});
        if (a.size() < 8000) return "only " + std::to_string(a.size()) + " packets";
        const auto first_half = std::count_if(a.begin(), a.end(), [](const Arrival& x) { return x.t_ms < 500; });
        return near("share in the first half", double(first_half) / double(a.size()), 0.25, 0.04);
    }));
}

std::vector<double> gaps_of(const std::vector<Arrival>& a) {
    std::vector<double> g;
    for (std::size_t i = 1; i < a.size(); ++i) g.push_back(a[i].t_ms - a[i - 1].t_ms);
    return g;
}

// Quantiles rather than moments: one stall of the sender moves a standard deviation a
// lot and a quantile hardly at all.
TEST(Patterns, RandomIsPoisson) {
    TG_SKIP_TIMING_WHEN_SANITIZED();
    EXPECT_TRUE(within_attempts(3, [] {
        const auto g = gaps_of(timeline({"--pattern", "random", "--rate", "2kpps", "--duration", "1.5"}));
        if (g.size() < 2500) return "only " + std::to_string(g.size()) + " gaps";
        // Exponential gaps with mean 0.5 ms: 1 - 1/e = 63.2% are shorter than the mean,
        // 39.3% shorter than half of it.
        return near("share below the mean", share(g, [](double x) { return x < 0.5; }), 0.632, 0.05) +
               near("share below half the mean", share(g, [](double x) { return x < 0.25; }), 0.393, 0.05);
    }));
}

TEST(Patterns, RateLimitedIsEven) {
    TG_SKIP_TIMING_WHEN_SANITIZED();
    EXPECT_TRUE(within_attempts(3, [] {
        const auto g = gaps_of(timeline({"--pattern", "rate-limited", "--rate", "2kpps", "--duration", "1.5"}));
        if (g.size() < 2500) return "only " + std::to_string(g.size()) + " gaps";
        return at_least("share of gaps within 0.1 ms of 0.5", share(g, [](double x) { return std::abs(x - 0.5) < 0.1; }), 0.9);
    }));
}

TEST(Patterns, ImixHasItsSizeDistribution) {
    const auto a = timeline({"--size", "imix", "--count", "12000", "--rate", "200kpps"});
    std::map<unsigned, int> sizes;
    for (const auto& x : a) ++sizes[x.bytes];
    EXPECT_EQ(sizes, (std::map<unsigned, int>{{64, 7000}, {594, 4000}, {1518, 1000}}));
}

}  // namespace
}  // namespace tg::testing
