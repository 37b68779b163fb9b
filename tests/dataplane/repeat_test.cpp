// `--repeat N` for runs, on net_ring in one process per run: each repetition is a whole
// run of its own, kept in the report, and every figure has min, median and max computed
// from those runs; --json-lines tags each run's records with its repetition and ends with
// the report of them all; SIGTERM stops the repetitions and the report is still written;
// settings that cannot be repeated are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

using nlohmann::json;

TEST(Repeat, EachRunIsKeptAndEveryFigureHasMinMedianAndMaxOverThem) {
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "udp", "--count", "4000", "--rate",
                                   "40kpps", "--repeat", "3", "--quiet"},
                                  true, 120);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& r = o.report;
    ASSERT_EQ(r["schema"], "trafficgen.repeat");
    EXPECT_EQ(r["repeat"], 3);
    EXPECT_EQ(r["done"], 3);
    EXPECT_EQ(r["stopped_by"], "count");
    ASSERT_EQ(r["runs"].size(), 3u);
    std::vector<double> pps;
    std::string previous_start;
    for (const auto& run : r["runs"]) {
        EXPECT_EQ(run["schema"], "trafficgen.report");
        EXPECT_EQ(run["generator"]["packets"], 4000) << "each repetition is a whole run";
        EXPECT_EQ(run["sink"]["protocols"]["udp"]["packets"], 4000);
        EXPECT_FALSE(run["settings"].contains("repeat")) << "the runs' own settings say nothing of repeating";
        EXPECT_GE(run["started_at"].get<std::string>(), previous_start) << "one after another";
        previous_start = run["started_at"].get<std::string>();
        pps.push_back(run["sink"]["protocols"]["udp"]["pps"].get<double>());
    }
    std::sort(pps.begin(), pps.end());
    const auto& f = r["figures"]["sink"]["protocols"]["udp"];
    EXPECT_DOUBLE_EQ(f["pps"]["min"].get<double>(), pps[0]);
    EXPECT_DOUBLE_EQ(f["pps"]["median"].get<double>(), pps[1]);
    EXPECT_DOUBLE_EQ(f["pps"]["max"].get<double>(), pps[2]);
    EXPECT_EQ(f["packets"], (json{{"min", 4000.0}, {"median", 4000.0}, {"max", 4000.0}}));
    EXPECT_EQ(r["figures"]["generator"]["packets"]["median"], 4000.0);
    EXPECT_TRUE(r["test_bed"]["lcores"].is_array());
}

TEST(Repeat, JsonLinesTagEachRunsRecordsAndEndWithTheReportOfThemAll) {
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "udp", "--count", "3000", "--rate",
                                   "20kpps", "--repeat", "2", "--stats-interval", "0.1", "--json-lines"},
                                  true, 120);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const std::vector<json> lines = json_lines_of(o.out);
    for (const auto& j : lines) ASSERT_TRUE(j.is_object()) << "not a JSON record in: " << o.out;
    ASSERT_GE(lines.size(), 5u);
    std::vector<int> ends(3, 0), starts(3, 0);
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        const std::size_t rep = lines[i].value("repetition", std::size_t{0});
        ASSERT_TRUE(rep == 1 || rep == 2) << lines[i].dump();
        if (lines[i]["event"] == "start") ++starts[rep];
        if (lines[i]["event"] == "end") ++ends[rep];
    }
    EXPECT_EQ(starts[1], 1);
    EXPECT_EQ(starts[2], 1);
    EXPECT_EQ(ends[1], 1);
    EXPECT_EQ(ends[2], 1);
    const json& last = lines.back();
    EXPECT_EQ(last["event"], "end");
    EXPECT_FALSE(last.contains("repetition"));
    EXPECT_EQ(last["report"], o.report);
}

TEST(Repeat, SigtermStopsTheRepetitionsAndTheReportIsStillWritten) {
    const auto o = run_trafficgen({"--vdev", "net_ring0", "--loopback", "--proto", "udp", "--rate", "10kpps",
                                   "--duration", "1", "--repeat", "5", "--quiet"},
                                  true, 60, 2.0);
    ASSERT_EQ(o.exit_code, 0) << o.err;
    const auto& r = o.report;
    ASSERT_EQ(r["schema"], "trafficgen.repeat") << o.err;
    EXPECT_EQ(r["stopped_by"], "signal");
    EXPECT_GE(r["done"].get<int>(), 1);
    EXPECT_LT(r["done"].get<int>(), 5);
    EXPECT_EQ(r["runs"].size(), r["done"].get<std::size_t>());
    // The run that was going on when the signal came stopped early, and says so.
    EXPECT_EQ(r["runs"].back()["stopped_by"], "signal");
}

TEST(Repeat, WhatCannotBeRepeatedIsRefused) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"sink", "--vdev", "net_ring0", "--repeat", "2"}, "--repeat 2 repeats what a generator sends"},
        {{"--vdev", "net_ring0", "--loopback", "--repeat", "2", "--timeline", "/tmp/t.csv"}, "--timeline"},
        {{"--vdev", "net_ring0", "--loopback", "--repeat", "1001"}, "--repeat 1001"},
        {{"--vdev", "net_ring0", "--loopback", "--repeat", "0"}, "--repeat 0"},
    };
    for (const auto& [args, words] : cases) {
        const auto o = run_trafficgen(args, false, 30);
        EXPECT_EQ(o.exit_code, 2) << words << ": " << o.err;
        EXPECT_NE(o.err.find(words), std::string::npos) << o.err;
    }
}

}  // namespace
}  // namespace tg::testing
