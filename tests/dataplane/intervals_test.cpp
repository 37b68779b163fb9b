// The report's intervals and the --json-lines records, on net_ring in one process: the
// intervals follow one another without a hole, and per protocol what they say was sent,
// received and lost adds up to the report's totals, packet for packet; --json-lines
// starts with the settings, carries every interval, and ends with the exit code and
// the report the --json file holds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

using nlohmann::json;

struct Sums {
    std::uint64_t sent = 0, received = 0;
    std::int64_t lost = 0;
};

Sums sum_of(const json& intervals, const std::string& protocol) {
    Sums s;
    for (const auto& iv : intervals) {
        const json f = iv["protocols"].value(protocol, json::object());
        s.sent += f.value("sent", std::uint64_t{0});
        s.received += f.value("received", std::uint64_t{0});
        s.lost += f.value("lost", std::int64_t{0});
    }
    return s;
}

TEST(Intervals, AddUpToTheTotalsPerProtocol) {
    // 24,000 packets at 30 kpps: 0.8 s in intervals of 0.1 s. Every 7th carries a spoiled
    // checksum, which the sink counts as lost.
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--mix", "udp:1,tcp:1,sctp:1", "--count",
                                   "24000", "--rate", "30kpps", "--streams", "2", "--flows", "3",
                                   "--bad-checksum-every", "7", "--stats-interval", "0.1", "--quiet"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& r = o.report;
    const auto& intervals = r["intervals"];
    ASSERT_GE(intervals.size(), 6u) << intervals.dump();
    double previous_end = 0;
    for (const auto& iv : intervals) {
        EXPECT_DOUBLE_EQ(iv["start"].get<double>(), previous_end) << "each interval starts where the last one ended";
        EXPECT_GT(iv["end"].get<double>(), iv["start"].get<double>());
        previous_end = iv["end"].get<double>();
    }
    EXPECT_NEAR(previous_end, r["elapsed_s"].get<double>(), 0.05);
    std::int64_t lost = 0;
    for (const char* p : {"udp", "tcp", "sctp"}) {
        SCOPED_TRACE(p);
        const Sums s = sum_of(intervals, p);
        EXPECT_EQ(s.sent, r["generator"]["protocols"][p]["packets"].get<std::uint64_t>());
        EXPECT_EQ(s.received, r["sink"]["protocols"][p]["packets"].get<std::uint64_t>());
        EXPECT_EQ(s.lost, r["sink"]["protocols"][p]["lost"].get<std::int64_t>());
        lost += s.lost;
    }
    // 3428 spoiled; one that was the last of its stream (12 of them: 3 UDP and 3 TCP
    // flows, 3 SCTP flows of 2 streams) cannot be known to be missing.
    EXPECT_LE(lost, 24000 / 7);
    EXPECT_GE(lost, 24000 / 7 - 12);
    // The middle intervals ran at the asked rate: 10 kpps of each protocol.
    const auto& middle = intervals[intervals.size() / 2];
    EXPECT_NEAR(middle["protocols"]["udp"]["sent_pps"].get<double>(), 10000, 2500) << middle.dump();
    EXPECT_GT(middle["protocols"]["udp"]["received_l2_bps"].get<double>(), 0);
}

TEST(Intervals, JsonLinesStartWithTheSettingsAndEndWithTheReport) {
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "udp", "--count", "6000", "--rate",
                                   "20kpps", "--stats-interval", "0.1", "--json-lines"});
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const std::vector<json> lines = json_lines_of(o.out);
    for (const auto& j : lines) ASSERT_TRUE(j.is_object()) << "not a JSON record in: " << o.out;
    ASSERT_GE(lines.size(), 4u) << o.out;
    EXPECT_EQ(lines.front()["event"], "start");
    EXPECT_EQ(lines.front()["settings"]["count"], o.report["settings"]["count"]);
    EXPECT_EQ(lines.back()["event"], "end");
    EXPECT_EQ(lines.back()["exit_code"], 0);
    EXPECT_EQ(lines.back()["report"], o.report) << "the end record is the report the file holds";
    std::uint64_t sent = 0;
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
        ASSERT_EQ(lines[i]["event"], "interval") << lines[i].dump();
        EXPECT_EQ(lines[i]["interval"], o.report["intervals"][i - 1]) << "the live record is the report's interval";
        sent += lines[i]["interval"]["protocols"]["udp"].value("sent", std::uint64_t{0});
    }
    EXPECT_LE(sent, 6000u);
}

TEST(Intervals, ARunThatCannotStartEndsItsJsonLinesWithTheError) {
    const auto o = run_trafficgen({"--pci", "0000:99:00.0", "--count", "1", "--json-lines"});
    ASSERT_EQ(o.exit_code, 3) << o.err;
    std::istringstream in(o.out);
    std::string line, last;
    while (std::getline(in, line)) last = line;
    const json end = json::parse(last, nullptr, false);
    ASSERT_TRUE(end.is_object()) << o.out;
    EXPECT_EQ(end["event"], "end");
    EXPECT_EQ(end["exit_code"], o.exit_code);
    EXPECT_EQ(end["report"]["error"]["exit_code"], o.exit_code);
}

}  // namespace
}  // namespace tg::testing
