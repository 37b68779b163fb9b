#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "stats/jitter.hpp"
#include "stats/latency_histogram.hpp"
#include "stats/link_watch.hpp"
#include "stats/sequence_tracker.hpp"
#include "stats/spread.hpp"

namespace tg::stats {
namespace {

using V = SequenceTracker::Verdict;

TEST(Spread, MinMedianAndMaxWithTheMedianAValueThatWasMeasured) {
    const Spread odd = spread({30, 10, 20});
    EXPECT_EQ(odd.min, 10);
    EXPECT_EQ(odd.median, 20);
    EXPECT_EQ(odd.max, 30);
    EXPECT_EQ(odd.median_index, 2u);
    // Even: the lower middle one, and which repetition it was.
    const Spread even = spread({40, 10, 30, 20});
    EXPECT_EQ(even.median, 20);
    EXPECT_EQ(even.median_index, 3u);
    const Spread one = spread({7});
    EXPECT_EQ(one.min, 7);
    EXPECT_EQ(one.median, 7);
    EXPECT_EQ(one.max, 7);
    const Spread ties = spread({5, 5, 1});
    EXPECT_EQ(ties.median, 5);
    EXPECT_EQ(ties.median_index, 0u) << "the first of equal values";
    EXPECT_EQ(spread({}).max, 0);
}

TEST(SequenceTracker, InOrderHasNoLoss) {
    SequenceTracker t;
    for (std::uint64_t s = 0; s < 10000; ++s) ASSERT_EQ(t.record(s), V::in_order);
    EXPECT_EQ(t.received(), 10000u);
    EXPECT_EQ(t.lost(), 0u);
    EXPECT_EQ(t.reordered(), 0u);
    EXPECT_EQ(t.duplicates(), 0u);
}

TEST(SequenceTracker, GapsAreLossUntilTheyArrive) {
    SequenceTracker t;
    EXPECT_EQ(t.record(0), V::in_order);
    EXPECT_EQ(t.record(3), V::gap);
    EXPECT_EQ(t.lost(), 2u);
    EXPECT_EQ(t.record(1), V::reordered);
    EXPECT_EQ(t.lost(), 1u);
    EXPECT_EQ(t.reordered(), 1u);
    EXPECT_EQ(t.record(1), V::duplicate);
    EXPECT_EQ(t.duplicates(), 1u);
    EXPECT_EQ(t.lost(), 1u);
    EXPECT_EQ(t.received(), 4u);
    EXPECT_EQ(t.unique(), 3u);
}

TEST(SequenceTracker, LossBeforeTheFirstArrivalAndAfterTheLastAnnouncedCounts) {
    SequenceTracker t;
    t.record(5);
    EXPECT_EQ(t.lost(), 5u);  // 0..4 never came
    t.record(6);
    t.set_last(9);           // 7, 8, 9 were sent and did not come
    EXPECT_EQ(t.lost(), 8u);
}

TEST(SequenceTracker, WindowForgetsOldSlotsSoNewSequencesAreNotDuplicates) {
    SequenceTracker t;
    const std::uint64_t w = SequenceTracker::window_bits;
    for (std::uint64_t s = 0; s < 3 * w + 5; ++s) ASSERT_NE(t.record(s), V::duplicate) << s;
    EXPECT_EQ(t.duplicates(), 0u);
    EXPECT_EQ(t.record(3 * w), V::duplicate);
    EXPECT_EQ(t.record(1), V::too_old);
    // A jump far ahead clears the whole window.
    EXPECT_EQ(t.record(100 * w), V::gap);
    EXPECT_EQ(t.record(100 * w - 1), V::reordered);
}

TEST(SequenceTracker, RandomDropDuplicateReorderIsCountedExactly) {
    std::mt19937 rng(42);
    std::vector<std::uint64_t> arrivals;
    std::uint64_t dropped = 0, dups = 0;
    for (std::uint64_t s = 0; s < 50000; ++s) {
        const auto r = rng() % 100;
        if (r < 3) {
            ++dropped;
            continue;
        }
        arrivals.push_back(s);
        if (r < 5) {
            arrivals.push_back(s);
            ++dups;
        }
    }
    // Swap neighbours now and then: each swap makes exactly one reordered arrival.
    std::uint64_t swaps = 0;
    for (std::size_t i = 0; i + 1 < arrivals.size(); i += 2) {
        // Not the second copy of a duplicate: moved late, it would arrive as a duplicate.
        const bool second_copy = i > 0 && arrivals[i - 1] == arrivals[i];
        if (rng() % 50 == 0 && arrivals[i] != arrivals[i + 1] && !second_copy) {
            std::swap(arrivals[i], arrivals[i + 1]);
            ++swaps;
            ++i;  // keep swaps apart so each is one reordering
        }
    }
    SequenceTracker t;
    for (auto s : arrivals) t.record(s);
    t.set_last(49999);
    EXPECT_EQ(t.lost(), dropped);
    EXPECT_EQ(t.duplicates(), dups);
    EXPECT_EQ(t.reordered(), swaps);
}

TEST(Jitter, Rfc3550IntegerSmoothing) {
    Jitter j;
    j.record(0, 1000);  // transit 1000
    EXPECT_EQ(j.ns(), 0u);
    j.record(10000, 12600);  // transit 2600: D = 1600, J = 1600/16
    EXPECT_EQ(j.ns(), 100u);
    j.record(20000, 21000);  // transit 1000: D = 1600, J = 100 + (1600 - 100)/16 = 193.75
    EXPECT_EQ(j.ns(), 193u);
}

TEST(Jitter, ConstantTransitIsZeroAndClockOffsetDoesNotMatter) {
    Jitter a, b;
    for (std::uint64_t i = 0; i < 1000; ++i) {
        a.record(i * 1000, i * 1000 + 500);
        b.record(i * 1000, i * 1000 + 7'000'000'000ull);  // receiver clock 7 s ahead
    }
    EXPECT_EQ(a.ns(), 0u);
    EXPECT_EQ(b.ns(), 0u);
}

TEST(Jitter, ConvergesToTheMeanDeviation) {
    Jitter j;
    for (std::uint64_t i = 0; i < 2000; ++i) j.record(i * 1000, i * 1000 + (i % 2 ? 2000 : 0));
    EXPECT_NEAR(static_cast<double>(j.ns()), 2000.0, 20.0);
}

TEST(LatencyHistogram, QuantilesWithinOneBucket) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 100000; ++v) h.record(v * 10);  // 10 ns .. 1 ms, uniform
    EXPECT_EQ(h.count(), 100000u);
    EXPECT_EQ(h.min(), 10u);
    EXPECT_EQ(h.max(), 1'000'000u);
    for (double q : {0.5, 0.9, 0.99, 0.999}) {
        const double truth = q * 1'000'000.0;
        EXPECT_NEAR(static_cast<double>(h.quantile(q)), truth, truth / 100) << q;
    }
    EXPECT_EQ(h.quantile(1.0), 1'000'000u);
}

TEST(LatencyHistogram, SmallValuesAreExactAndHugeOnesSaturate) {
    LatencyHistogram h;
    h.record(0);
    h.record(127);
    EXPECT_EQ(h.quantile(0.5), 0u);
    EXPECT_EQ(h.quantile(1.0), 127u);
    EXPECT_EQ(LatencyHistogram::index_of(~std::uint64_t{0}), LatencyHistogram::bucket_count - 1);
    for (std::uint64_t v : {128ull, 129ull, 1000ull, 123456789ull}) {
        const auto i = LatencyHistogram::index_of(v);
        const double mid = static_cast<double>(LatencyHistogram::value_of(i));
        EXPECT_NEAR(mid, static_cast<double>(v), static_cast<double>(v) / 128 + 1) << v;
    }
}

TEST(LatencyHistogram, MergeIsTheSumOfBoth) {
    LatencyHistogram a, b, all;
    for (std::uint64_t v = 0; v < 1000; ++v) {
        (v % 3 ? a : b).record(v * 37);
        all.record(v * 37);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    EXPECT_EQ(a.min(), all.min());
    EXPECT_EQ(a.max(), all.max());
    EXPECT_EQ(a.mean(), all.mean());
    EXPECT_EQ(a.quantile(0.99), all.quantile(0.99));
}

}  // namespace
}  // namespace tg::stats

namespace tg::stats {
namespace {

TEST(LinkWatch, CountsEachEpisodeWithItsTimes) {
    LinkWatch w;
    EXPECT_FALSE(w.observe(true, 0.1));  // up, as it started
    EXPECT_TRUE(w.observe(false, 1.0));
    EXPECT_FALSE(w.observe(false, 1.1));
    EXPECT_NEAR(w.down_seconds(1.5), 0.5, 1e-9);  // still down: counted up to now
    EXPECT_TRUE(w.observe(true, 2.5));
    EXPECT_TRUE(w.observe(false, 4.0));
    EXPECT_EQ(w.down_events(), 2u);
    ASSERT_EQ(w.episodes().size(), 2u);
    EXPECT_DOUBLE_EQ(w.episodes()[0].down_at_s, 1.0);
    EXPECT_DOUBLE_EQ(w.episodes()[0].up_at_s, 2.5);
    EXPECT_LT(w.episodes()[1].up_at_s, 0);  // still open
    EXPECT_NEAR(w.down_seconds(5.0), 1.5 + 1.0, 1e-9);
    EXPECT_FALSE(w.up());
}

TEST(LinkWatch, KeepsTheFirstEpisodesAndCountsThemAll) {
    LinkWatch w;
    for (int i = 0; i < 100; ++i) {
        w.observe(false, i);
        w.observe(true, i + 0.25);
    }
    EXPECT_EQ(w.down_events(), 100u);
    EXPECT_EQ(w.episodes().size(), LinkWatch::kept_episodes);
    EXPECT_NEAR(w.down_seconds(200), 25.0, 1e-9);
}

}  // namespace
}  // namespace tg::stats
