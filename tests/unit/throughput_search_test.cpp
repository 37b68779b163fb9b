// The throughput search against simulated paths, each a loss as a function of the rate:
// a policer (a token bucket: what is above its rate is dropped), a policer that also
// drops one frame in a thousand, a clean path, a path that carries nothing, and a noisy
// one. What it finds is held against what the simulated path can carry; how many
// full-length trials it took, against a plain binary search at the final duration.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "search/throughput_search.hpp"

namespace tg::search {
namespace {

constexpr double line_rate = 14'880'952;  // 10GE at 64 bytes

SearchSettings settings() {
    SearchSettings s;
    s.loss_ratios = {0.0, 0.005};
    s.min_rate_pps = 10'000;
    s.max_rate_pps = line_rate;
    s.trial_duration_s = 1;
    s.final_duration_s = 30;
    s.precision = 0.005;
    s.phases = 3;
    return s;
}

// Frames above `capacity` per second are dropped; `drop_every` > 0 also drops one in that many.
Measurer policer(double capacity, std::uint64_t drop_every = 0) {
    return [=](double rate, double duration) {
        Trial t;
        t.duration_s = duration;
        t.sent = static_cast<std::uint64_t>(std::llround(rate * duration));
        t.received = std::min<std::uint64_t>(t.sent, static_cast<std::uint64_t>(capacity * duration));
        if (drop_every > 0) t.received -= std::min(t.received, t.sent / drop_every);
        return t;
    };
}

std::size_t trials_at(const SearchResult& r, double duration) {
    std::size_t n = 0;
    for (const auto& pt : r.trials) n += std::abs(pt.trial.duration_s - duration) < 1e-9 ? 1 : 0;
    return n;
}

TEST(ThroughputSearch, APolicerIsFoundWithinThePrecisionForBothRatios) {
    for (double capacity : {1'000'000.0, 7'500'000.0, 123'456.0}) {
        const auto s = settings();
        const auto r = find_throughput(s, policer(capacity));
        ASSERT_EQ(r.ratios.size(), 2u);
        EXPECT_EQ(r.ended_by, "precision");
        const auto& ndr = r.ratios[0];
        ASSERT_TRUE(ndr.lower && ndr.upper) << capacity;
        EXPECT_TRUE(ndr.converged);
        // The NDR: at most the capacity, and within the precision of it.
        EXPECT_LE(ndr.lower->rate_pps, capacity * (1 + 1e-9)) << capacity;
        EXPECT_GE(ndr.lower->rate_pps, capacity * (1 - s.precision)) << capacity;
        EXPECT_EQ(ndr.lower->loss_ratio(), 0.0);
        EXPECT_GT(ndr.upper->loss_ratio(), 0.0);
        EXPECT_LE(ndr.relative_width(), s.precision + 1e-12);
        // The PDR at 0.5 %: the rate whose excess is 0.5 % of what is offered.
        const double pdr_rate = capacity / (1 - 0.005);
        const auto& pdr = r.ratios[1];
        ASSERT_TRUE(pdr.lower && pdr.upper) << capacity;
        EXPECT_LE(pdr.lower->rate_pps, pdr_rate * (1 + 1e-6)) << capacity;
        EXPECT_GE(pdr.lower->rate_pps, pdr_rate * (1 - s.precision)) << capacity;
        EXPECT_LE(pdr.lower->loss_ratio(), 0.005);
        EXPECT_GT(pdr.upper->loss_ratio(), 0.005);
        // Both bounds come from trials of the final duration.
        EXPECT_DOUBLE_EQ(ndr.lower->duration_s, s.final_duration_s);
        EXPECT_DOUBLE_EQ(pdr.upper->duration_s, s.final_duration_s);
        // The first trial is at the maximum rate, and what arrived there is the forwarding rate.
        EXPECT_DOUBLE_EQ(r.trials.front().trial.rate_pps, line_rate);
        EXPECT_NEAR(r.forwarding_rate_pps, capacity, 1.0);
    }
}

TEST(ThroughputSearch, ShortTrialsDoTheNarrowingAndFewTrialsAreFullLength) {
    const auto s = settings();
    const auto r = find_throughput(s, policer(1'000'000));
    // A binary search at the final duration from [min, max] to the precision takes
    // log2(max / (min * precision)) trials for each ratio.
    const double binary = std::ceil(std::log2(s.max_rate_pps / (s.min_rate_pps * s.precision)));
    const std::size_t full = trials_at(r, s.final_duration_s);
    EXPECT_LT(double(full), binary) << "one ratio's binary search alone takes " << binary;
    EXPECT_LE(full, 8u);
    // Every phase's trials are of its duration, and the durations only grow.
    double last = 0;
    for (const auto& pt : r.trials) {
        EXPECT_DOUBLE_EQ(pt.trial.duration_s, phase_duration(s, pt.phase));
        EXPECT_GE(pt.trial.duration_s, last);
        last = pt.trial.duration_s;
    }
    // Time spent: well under two binary searches at the final duration.
    double spent = 0;
    for (const auto& pt : r.trials) spent += pt.trial.duration_s;
    EXPECT_LT(spent, 2 * binary * s.final_duration_s);
}

TEST(ThroughputSearch, PhasesGrowGeometricallyFromTheFirstDurationToTheFinalAndHalveTheirWidth) {
    auto s = settings();
    s.trial_duration_s = 1;
    s.final_duration_s = 16;
    s.phases = 5;
    for (std::uint32_t p = 0; p < s.phases; ++p) {
        EXPECT_DOUBLE_EQ(phase_duration(s, p), std::pow(2.0, p)) << p;
        EXPECT_DOUBLE_EQ(phase_width(s, p), s.precision * std::pow(2.0, 4 - p)) << p;
    }
    s.phases = 1;
    EXPECT_DOUBLE_EQ(phase_duration(s, 0), 16);
    EXPECT_DOUBLE_EQ(phase_width(s, 0), s.precision);
}

TEST(ThroughputSearch, OneFrameInAThousandLostMeansNoNdrAboveTheMinimumAndAPdrAtTheMaximum) {
    const auto s = settings();
    const auto r = find_throughput(s, policer(2 * line_rate, 1000));
    const auto& ndr = r.ratios[0];
    EXPECT_TRUE(ndr.below_min);
    EXPECT_FALSE(ndr.lower.has_value());
    ASSERT_TRUE(ndr.upper.has_value());
    EXPECT_DOUBLE_EQ(ndr.upper->rate_pps, s.min_rate_pps);
    const auto& pdr = r.ratios[1];
    EXPECT_TRUE(pdr.at_max);
    ASSERT_TRUE(pdr.lower.has_value());
    EXPECT_DOUBLE_EQ(pdr.lower->rate_pps, s.max_rate_pps);
    EXPECT_DOUBLE_EQ(pdr.lower->duration_s, s.final_duration_s);
    EXPECT_EQ(r.ended_by, "precision");
}

TEST(ThroughputSearch, ACleanPathIsMetAtTheMaximumAndACutOneNowhere) {
    const auto s = settings();
    const auto clean = find_throughput(s, policer(2 * line_rate));
    for (const auto& ratio : clean.ratios) {
        EXPECT_TRUE(ratio.at_max);
        EXPECT_FALSE(ratio.upper.has_value());
    }
    // One trial per phase: the maximum, confirmed at each longer duration.
    EXPECT_EQ(clean.trials.size(), s.phases);

    const auto cut = find_throughput(s, policer(0));
    for (const auto& ratio : cut.ratios) {
        EXPECT_TRUE(ratio.below_min);
        EXPECT_FALSE(ratio.lower.has_value());
    }
    EXPECT_EQ(cut.forwarding_rate_pps, 0.0);
}

TEST(ThroughputSearch, ANoisyPathStillEndsWithALowerBoundBelowEveryUpperOne) {
    // Loss that grows past 800 kpps, with a few extra frames lost now and then.
    std::uint64_t draw = 12345;
    const Measurer noisy = [&](double rate, double duration) {
        draw = draw * 6364136223846793005ull + 1442695040888963407ull;
        Trial t;
        t.duration_s = duration;
        t.sent = static_cast<std::uint64_t>(rate * duration);
        t.received = std::min<std::uint64_t>(t.sent, static_cast<std::uint64_t>(800'000 * duration));
        if ((draw >> 60) == 0) t.received -= std::min<std::uint64_t>(t.received, 3);
        return t;
    };
    const auto s = settings();
    const auto r = find_throughput(s, noisy);
    EXPECT_LE(r.trials.size(), s.max_trials);
    for (const auto& ratio : r.ratios) {
        if (!ratio.lower || !ratio.upper) continue;
        EXPECT_LT(ratio.lower->rate_pps, ratio.upper->rate_pps);
        EXPECT_LE(ratio.lower->loss_ratio(), ratio.loss_ratio);
        // Whatever failed at the final duration is above the lower bound.
        for (const auto& pt : r.trials) {
            if (pt.trial.duration_s == s.final_duration_s && pt.trial.loss_ratio() > ratio.loss_ratio) {
                EXPECT_GT(pt.trial.rate_pps, ratio.lower->rate_pps);
            }
        }
    }
}

TEST(ThroughputSearch, AnInterruptedTrialEndsTheSearchAndAFullLimitIsSaid) {
    int calls = 0;
    const Measurer stopped = [&](double rate, double duration) {
        Trial t = policer(1'000'000)(rate, duration);
        t.interrupted = ++calls == 4;
        return t;
    };
    const auto r = find_throughput(settings(), stopped);
    EXPECT_EQ(r.ended_by, "interrupted");
    EXPECT_EQ(r.trials.size(), 4u);

    auto s = settings();
    s.max_trials = 5;
    const auto limited = find_throughput(s, policer(1'000'000));
    EXPECT_EQ(limited.ended_by, "trial limit");
    EXPECT_EQ(limited.trials.size(), 5u);
    EXPECT_FALSE(limited.ratios[0].converged);
}

TEST(ThroughputSearch, BadSettingsAreNamed) {
    const auto said = [](auto change) {
        auto s = settings();
        change(s);
        return s.check();
    };
    EXPECT_EQ(settings().check(), "");
    EXPECT_NE(said([](auto& s) { s.loss_ratios = {}; }), "");
    EXPECT_NE(said([](auto& s) { s.loss_ratios = {0.0, 1.5}; }).find("1.5"), std::string::npos);
    EXPECT_NE(said([](auto& s) { s.loss_ratios = {0.01, 0.001}; }).find("ascending"), std::string::npos);
    EXPECT_NE(said([](auto& s) { s.min_rate_pps = 0; }).find("minimum rate 0"), std::string::npos);
    EXPECT_NE(said([](auto& s) { s.max_rate_pps = 5; }).find("maximum rate 5"), std::string::npos);
    EXPECT_NE(said([](auto& s) { s.final_duration_s = 0.5; }).find("0.5"), std::string::npos);
    EXPECT_NE(said([](auto& s) { s.precision = 0.7; }).find("0.7"), std::string::npos);
    EXPECT_NE(said([](auto& s) { s.phases = 0; }).find("phases 0"), std::string::npos);
}

}  // namespace
}  // namespace tg::search
