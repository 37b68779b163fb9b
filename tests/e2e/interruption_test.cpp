// Interruption time, judged by nftables: a rule on the bridge in front of the sink drops
// every IPv4 frame for a 500 ms window in the middle of a run (added, then flushed, as a
// migration or a failover cuts a path), counting what it dropped in a named counter. Every
// flow and SCTP stream the sink saw reports that window as its longest gap, within 15 %,
// and the packets lost in those gaps are the counter's, frame for frame.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <cstdio>
#include <thread>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto window = std::chrono::milliseconds(500);

// The bridge in the sink's namespace, with an empty chain the cut is added to.
void prepare_cut(const std::string& ns) {
    nft_load(ns, "table bridge tg_cut {\n  counter window {}\n"
                 "  chain forward {\n    type filter hook forward priority 0; policy accept;\n    jump cut\n  }\n"
                 "  chain cut {\n  }\n}\n");
}

// How long the rule was in place: at least `min_ms`, at most `max_ms` (the nft commands take time).
struct Cut {
    double min_ms = 0, max_ms = 0;
    std::string said() const {
        return "the rule was in place for between " + std::to_string(min_ms) + " and " + std::to_string(max_ms) + " ms";
    }
};

// Once the sink's port has received 5000 frames, every IPv4 frame through the bridge is
// dropped for `window`, and counted.
std::function<void(Child&)> cut_once_flowing(const Lab& lab, Cut& cut) {
    return [&lab, &cut](Child&) {
        const std::string ns = lab["TG_SINK_NS"];
        const auto start = Clock::now();
        const std::uint64_t before = link_counters(ns, lab["TG_SINK_IF"]).rx_packets;
        while (link_counters(ns, lab["TG_SINK_IF"]).rx_packets < before + 5000 &&
               Clock::now() - start < std::chrono::seconds(10)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        const auto add_start = Clock::now();
        nft(ns, {"add", "rule", "bridge", "tg_cut", "cut", "ether", "type", "ip", "counter", "name", "window", "drop"});
        const auto add_done = Clock::now();
        std::this_thread::sleep_until(add_done + window);
        const auto flush_start = Clock::now();
        nft(ns, {"flush", "chain", "bridge", "tg_cut", "cut"});
        const auto flush_done = Clock::now();
        cut.min_ms = std::chrono::duration<double, std::milli>(flush_start - add_done).count();
        cut.max_ms = std::chrono::duration<double, std::milli>(flush_done - add_start).count();
    };
}

// Within 15 % of how long the rule was really in place: on a busy machine the nft
// commands themselves take tens of milliseconds (135 ms once), so the window is known
// only to lie between the cut's bounds.
bool within_15_percent(double ms, const Cut& cut) { return ms >= 0.85 * cut.min_ms && ms <= 1.15 * cut.max_ms; }

struct CutRun {
    GeneratorRun generator;
    nlohmann::json sink;
    Cut cut;
    std::uint64_t dropped = 0;  // the rule's counter
};

// A sink on the bridged lab, and a generator with `args` whose path is cut once.
CutRun run_through_cut(const std::vector<std::string>& args) {
    TempDir dir;
    Lab lab({.bridge = true});
    const std::string ns = lab["TG_SINK_NS"];
    prepare_cut(ns);
    SinkRun sink(lab, dir, {"--stats-interval", "0.1"});
    CutRun r;
    r.generator = run_generator(lab, dir, args, Family::ipv4, cut_once_flowing(lab, r.cut));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    r.sink = sink.stop();
    r.dropped = nft_named_counter(ns, "bridge", "tg_cut", "window");
    return r;
}

TEST(Interruption, AWindowThatDropsEverythingIsEachStreamsLongestGapWithTheRulesLoss) {
    const CutRun r = run_through_cut(
        {"--mix", "udp:1,sctp:1", "--flows", "4", "--streams", "2", "--rate", "20kpps", "--duration", "5"});
    const auto& g = r.generator;
    const auto& s = r.sink;
    const auto& cut = r.cut;
    const std::uint64_t dropped = r.dropped;
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    SCOPED_TRACE(cut.said() + ", and dropped " + std::to_string(dropped));
    ASSERT_GT(dropped, 0u);
    std::printf("%s, dropped %llu; the sink's longest UDP gap: %s\n", cut.said().c_str(),
                static_cast<unsigned long long>(dropped),
                s["sink"]["protocols"]["udp"].value("longest_gap", nlohmann::json{}).dump().c_str());

    const auto& streams = s["sink"]["streams"];
    ASSERT_EQ(streams.size(), 4u + 8u) << "4 UDP flows and 4 SCTP flows of 2 streams";
    std::uint64_t lost_in_longest = 0;
    for (const auto& st : streams) {
        SCOPED_TRACE(st.dump());
        ASSERT_TRUE(st.contains("longest_gap"));
        const auto& gap = st["longest_gap"];
        EXPECT_TRUE(within_15_percent(gap.value("duration_ms", 0.0), cut));
        EXPECT_GT(gap.value("lost", 0u), 0u);
        lost_in_longest += gap.value("lost", 0u);
    }
    EXPECT_EQ(lost_in_longest, dropped) << "every packet the rule dropped fell in a stream's longest gap";
    std::uint64_t sink_lost = 0, lost_in_interruptions = 0;
    for (const char* p : {"udp", "sctp"}) {
        sink_lost += field_of(s, "sink", p, "lost");
        lost_in_interruptions += field_of(s, "sink", p, "lost_in_interruptions");
    }
    EXPECT_EQ(sink_lost, dropped);
    EXPECT_EQ(lost_in_interruptions, dropped);
    // The list has each stream's gap, with when it began.
    const auto& list = s["sink"]["interruptions"]["list"];
    EXPECT_GE(list.size(), streams.size());
    EXPECT_EQ(s["sink"]["interruptions"].value("threshold_ms", 0.0), 10.0);

    // The sink's 100 ms intervals: what was lost in them adds up to the rule's counter,
    // what arrived to the sink's count, and the window shows as intervals in a row in which
    // nothing arrived (500 ms holds at least 4 whole ones).
    const auto& intervals = s["intervals"];
    ASSERT_GE(intervals.size(), 10u);
    for (const char* p : {"udp", "sctp"}) {
        SCOPED_TRACE(p);
        std::int64_t lost = 0;
        std::uint64_t received = 0;
        std::size_t silent = 0, longest_silence = 0;
        bool started = false;
        for (const auto& iv : intervals) {
            const auto& f = iv["protocols"].value(p, nlohmann::json::object());
            lost += f.value("lost", std::int64_t{0});
            const auto got = f.value("received", std::uint64_t{0});
            received += got;
            // A silence counts once traffic has resumed after it: the one after the
            // generator stopped never does.
            if (got > 0) {
                if (started) longest_silence = std::max(longest_silence, silent);
                started = true;
                silent = 0;
            } else if (started) {
                ++silent;
            }
        }
        EXPECT_EQ(received, field_of(s, "sink", p, "packets"));
        EXPECT_EQ(lost, static_cast<std::int64_t>(field_of(s, "sink", p, "lost")));
        EXPECT_GE(longest_silence, 4u);
        EXPECT_LE(longest_silence, 6u);
    }
    std::int64_t lost_in_intervals = 0;
    for (const auto& iv : intervals) lost_in_intervals += iv["sum"].value("lost", std::int64_t{0});
    EXPECT_EQ(lost_in_intervals, static_cast<std::int64_t>(dropped));
}

// Associations and connections through the same cut: each survives it, and the
// generator's longest wait for its data to be acknowledged is the window.
TEST(Interruption, SessionsSurviveTheWindowAndSayHowLongTheirDataStopped) {
    for (const char* proto : {"sctp", "tcp"}) {
        SCOPED_TRACE(proto);
        const bool sctp = std::string(proto) == "sctp";
        const CutRun r = run_through_cut(
            {"--proto", proto, sctp ? "--associations" : "--connections", "2", "--rate", "10kpps", "--duration", "5"});
        const auto& g = r.generator;
        const auto& s = r.sink;
        const auto& cut = r.cut;
        ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
        SCOPED_TRACE(cut.said());
        const auto& sessions = g.report["generator"][sctp ? "sctp_associations" : "tcp_connections"];
        ASSERT_TRUE(sessions.contains("survival")) << sessions.dump();
        const auto& survival = sessions["survival"];
        std::printf("%s: %s; %s\n", proto, cut.said().c_str(), survival.dump().c_str());
        EXPECT_EQ(survival.value("survived", 0u), 2u) << survival.dump();
        EXPECT_EQ(survival.value("ended_by_peer_or_path", 1u), 0u) << survival.dump();
        EXPECT_TRUE(within_15_percent(survival.value("longest_data_stop_ms", 0.0), cut)) << survival.dump();
        EXPECT_GT(survival.value("longest_data_stop_at_s", 0.0), 0.0) << "the cut comes after the data began";
        // The sink saw the same window in what arrived.
        EXPECT_TRUE(within_15_percent(s["sink"]["protocols"][proto]["longest_gap"].value("duration_ms", 0.0), cut))
            << s["sink"]["protocols"][proto].dump();
    }
}

}  // namespace
}  // namespace tg::e2e
