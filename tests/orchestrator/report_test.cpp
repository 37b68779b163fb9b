// `report` on a fleet: two pairs' generator and sink reports (as `run` leaves them) lined
// up per protocol and per flow and stream, and summed into the fleet's total; a pair
// whose sink report never came back is still reported, with its sentence.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "orch_error.hpp"
#include "report_step.hpp"

namespace tg::orch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json generator(std::uint64_t udp, std::uint64_t sctp) {
    return {{"schema", "trafficgen.report"},
            {"generator", {{"protocols", {{"udp", {{"packets", udp}}}, {"sctp", {{"packets", sctp}}}}},
                           {"streams", {{{"protocol", "udp"}, {"flow", 0}, {"stream", 0}, {"packets", udp}},
                                        {{"protocol", "sctp"}, {"flow", 0}, {"stream", 0}, {"packets", sctp / 2}},
                                        {{"protocol", "sctp"}, {"flow", 0}, {"stream", 1}, {"packets", sctp - sctp / 2}}}}}}};
}

json sink(std::uint64_t udp, std::uint64_t udp_lost, std::uint64_t sctp) {
    return {{"schema", "trafficgen.report"},
            {"sink",
             {{"protocols",
               {{"udp", {{"packets", udp}, {"lost", udp_lost}, {"l2_bps", 1e8}, {"jitter_ns_max", 2000}}},
                {"sctp", {{"packets", sctp}, {"lost", 0}, {"l2_bps", 5e7}, {"jitter_ns_max", 9000}}}}},
              {"streams", {{{"protocol", "udp"}, {"flow", 0}, {"stream", 0}, {"packets", udp}, {"lost", udp_lost}},
                           {{"protocol", "sctp"}, {"flow", 0}, {"stream", 0}, {"packets", sctp / 2}, {"lost", 0}},
                           {{"protocol", "sctp"}, {"flow", 0}, {"stream", 1}, {"packets", sctp - sctp / 2}, {"lost", 0}}}}}}};
}

struct Dir {
    fs::path path = fs::temp_directory_path() / ("tg-orch-report-" + std::to_string(::getpid()));
    Dir() { fs::create_directories(path); }
    ~Dir() { fs::remove_all(path); }
    void put(const std::string& rel, const json& j) const {
        fs::create_directories((path / rel).parent_path());
        std::ofstream(path / rel) << j.dump();
    }
};

TEST(Report, AFleetIsLinedUpPerPairAndSummed) {
    Dir d;
    d.put("a/generator.json", generator(1000, 400));
    d.put("a/sink.json", sink(990, 10, 400));
    d.put("b/generator.json", generator(2000, 600));
    d.put("b/sink.json", sink(2000, 0, 600));
    d.put("c/generator.json", generator(500, 0));
    d.put("run.json", {{"pairs", {{{"pair", "a"}, {"exit_code", 0}},
                                  {{"pair", "b"}, {"exit_code", 0}},
                                  {{"pair", "c"}, {"exit_code", 4}, {"error", "c sink: the sink ended mid-run (killed by SIGKILL)"}}}}});
    const json r = build_report(d.path.string());
    ASSERT_EQ(r["pairs"].size(), 3u);
    const json& a = r["pairs"][0]["protocols"]["udp"];
    EXPECT_EQ(a["sent"], 1000u);
    EXPECT_EQ(a["received"], 990u);
    EXPECT_EQ(a["lost"], 10u);
    EXPECT_EQ(r["pairs"][0]["streams"].size(), 3u);
    EXPECT_EQ(r["pairs"][0]["streams"][1]["sent"], 200u);
    const json& t = r["total"]["protocols"];
    EXPECT_EQ(t["udp"]["sent"], 3500u);
    EXPECT_EQ(t["udp"]["received"], 2990u);
    EXPECT_EQ(t["udp"]["lost"], 10u);
    EXPECT_DOUBLE_EQ(t["udp"]["loss_percent"].get<double>(), 100.0 * 10 / 3000);
    EXPECT_EQ(t["sctp"]["received"], 1000u);
    // Pair c's sink never reported: its frames are not counted as lost.
    EXPECT_FALSE(r["pairs"][2]["protocols"]["udp"].contains("lost"));
    EXPECT_DOUBLE_EQ(t["udp"]["rx_l2_bps"].get<double>(), 2e8);
    EXPECT_EQ(t["sctp"]["jitter_ns_max"], 9000u);
    EXPECT_FALSE(r["pairs"][2]["sink_report"].get<bool>());
    const std::string text = report_text(r);
    EXPECT_NE(text.find("all pairs"), std::string::npos) << text;
    EXPECT_NE(text.find("c: c sink: the sink ended mid-run (killed by SIGKILL)"), std::string::npos) << text;
    const std::string html = report_html(r);
    EXPECT_NE(html.find("id=\"throughput\""), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos) << "self-contained, nothing run or fetched";
}

TEST(Report, InterruptionsAndSessionSurvivalAreGivenPerPairAndSummed) {
    // Pair a: UDP cut twice, the longest 520 ms; pair b: once, 610 ms. Their SCTP
    // associations: a's all survived, one of b's was aborted.
    Dir d;
    const auto with_gaps = [](json s, std::uint64_t n, std::uint64_t lost, double longest_ms, const char* start) {
        s["sink"]["protocols"]["udp"]["interruptions"] = n;
        s["sink"]["protocols"]["udp"]["lost_in_interruptions"] = lost;
        s["sink"]["protocols"]["udp"]["longest_gap"] = {
            {"start", start}, {"duration_ms", longest_ms}, {"lost", lost}, {"flow", 1}, {"stream", 0}};
        s["sink"]["protocols"]["sctp"]["interruptions"] = 0;
        s["sink"]["protocols"]["sctp"]["lost_in_interruptions"] = 0;
        return s;
    };
    const auto surviving = [](json g, std::uint64_t survived, std::uint64_t ended, double stop_ms) {
        g["generator"]["sctp_associations"] = {{"survival",
                                                {{"survived", survived}, {"ended_by_peer_or_path", ended},
                                                 {"longest_data_stop_ms", stop_ms}, {"longest_data_stop_flow", 0},
                                                 {"longest_data_stop_at_s", 1.5}}}};
        return g;
    };
    d.put("a/generator.json", surviving(generator(1000, 400), 4, 0, 530));
    d.put("a/sink.json", with_gaps(sink(900, 100, 400), 2, 100, 520, "2026-12-07T10:00:01.000000Z"));
    d.put("b/generator.json", surviving(generator(1000, 400), 3, 1, 2000));
    d.put("b/sink.json", with_gaps(sink(950, 50, 400), 1, 50, 610, "2026-12-07T10:00:02.500000Z"));
    d.put("run.json", {{"pairs", {{{"pair", "a"}, {"exit_code", 0}}, {{"pair", "b"}, {"exit_code", 0}}}}});
    const json r = build_report(d.path.string());
    const json& a = r["pairs"][0]["protocols"]["udp"];
    EXPECT_EQ(a["interruptions"], 2u);
    EXPECT_EQ(a["lost_in_interruptions"], 100u);
    EXPECT_EQ(a["longest_gap"]["duration_ms"], 520.0);
    const json& t = r["total"]["protocols"]["udp"];
    EXPECT_EQ(t["interruptions"], 3u);
    EXPECT_EQ(t["lost_in_interruptions"], 150u);
    EXPECT_EQ(t["longest_gap"]["duration_ms"], 610.0);
    EXPECT_EQ(t["longest_gap"]["pair"], "b");
    EXPECT_EQ(r["total"]["protocols"]["sctp"]["interruptions"], 0u);
    const json& sv = r["total"]["survival"]["sctp_associations"];
    EXPECT_EQ(sv["survived"], 7u);
    EXPECT_EQ(sv["ended_by_peer_or_path"], 1u);
    EXPECT_EQ(sv["longest_data_stop_ms"], 2000.0);
    EXPECT_EQ(sv["longest_data_stop_pair"], "b");
    const std::string text = report_text(r);
    EXPECT_NE(text.find("all pairs udp: 3 interruption(s), 150 packets lost in them; the longest 610.0 ms from "
                        "2026-12-07T10:00:02.500000Z (pair b)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("a udp: 2 interruption(s), 100 packets lost in them; the longest 520.0 ms"), std::string::npos)
        << text;
    EXPECT_NE(text.find("all pairs SCTP associations: 7 survived, 1 ended by the peer or the path; data stopped for "
                        "2000 ms at most"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("sctp: 0 interruption"), std::string::npos) << "an uninterrupted protocol says nothing";
    const std::string html = report_html(r);
    EXPECT_NE(html.find("<h2>Interruptions</h2>"), std::string::npos);
    EXPECT_NE(html.find("<p>b udp: 1 interruption(s), 50 packets lost in them; the longest 610.0 ms"), std::string::npos)
        << html;
}

TEST(Report, NothingToReportOnIsSaid) {
    Dir d;
    try {
        (void)build_report(d.path.string());
        FAIL();
    } catch (const OrchError& e) {
        EXPECT_EQ(e.code(), exit_code::bad_input);
        EXPECT_EQ(std::string(e.what()), "there is no run to report on in " + d.path.string() +
                                             " (no run.json): give the --out directory of `trafficgen-orch run`");
    }
}

}  // namespace
}  // namespace tg::orch

namespace tg::orch {
namespace {

TEST(Report, AProtocolThePathDroppedIsAllLostInThePairAndTheTotal) {
    Dir d;
    d.put("a/generator.json", generator(1000, 4986));
    json s = sink(1000, 0, 0);
    s["sink"]["protocols"].erase("sctp");
    s["sink"]["streams"] = json::array({{{"protocol", "udp"}, {"flow", 0}, {"stream", 0}, {"packets", 1000}, {"lost", 0}}});
    d.put("a/sink.json", s);
    d.put("run.json", {{"pairs", {{{"pair", "a"}, {"exit_code", 0}}}}});
    const json r = build_report(d.path.string());
    const json& p = r["pairs"][0]["protocols"]["sctp"];
    EXPECT_EQ(p["sent"], 4986u);
    EXPECT_EQ(p["received"], 0u);
    EXPECT_EQ(p["lost"], 4986u);
    EXPECT_DOUBLE_EQ(p["loss_percent"].get<double>(), 100.0);
    EXPECT_DOUBLE_EQ(r["total"]["protocols"]["sctp"]["loss_percent"].get<double>(), 100.0);
    EXPECT_EQ(r["pairs"][0]["streams"][1]["lost"], 2493u) << "each stream: sent, none received";
    const std::string text = report_text(r);
    EXPECT_NE(text.find("a: sctp: 4986 sent and none received: 100 % lost"), std::string::npos) << text;
    EXPECT_NE(report_html(r).find("sctp: 4986 sent and none received"), std::string::npos);
}

// A pair's `trafficgen search` report, as `search` brings it back: one frame size with
// an NDR and a PDR, another whose NDR was not found.
json search_report(double ndr_pps, double pdr_pps) {
    const auto result = [](const char* name, double ratio, double pps, double frame) {
        json r = {{"name", name}, {"loss_ratio", ratio}, {"found", pps > 0}, {"converged", true}, {"at_max", false},
                  {"below_min", pps == 0}};
        if (pps > 0) {
            r.update({{"rate_pps", pps}, {"l1_bps", pps * (frame + 20) * 8}, {"l2_bps", pps * frame * 8},
                      {"link_percent", 100 * pps * (frame + 20) * 8 / 1e10}, {"loss_at_rate", 0.0}});
        }
        return r;
    };
    return {{"schema", "trafficgen.search"},
            {"protocol", "udp"},
            {"ended_by", "precision"},
            {"counted_by", "far_sink"},
            {"far_sink", {{"address", "198.19.0.1:5201"}, {"count_requests", 40}, {"unanswered", 1}}},
            {"sizes",
             {{{"frame_size", 64}, {"min_rate_pps", 10000}, {"forwarding_rate_pps", ndr_pps * 1.1},
               {"trials", json::array({json::object(), json::object()})},
               {"results", {result("NDR", 0, ndr_pps, 64), result("PDR 0.5%", 0.005, pdr_pps, 64)}}},
              {{"frame_size", "imix"}, {"min_rate_pps", 10000}, {"trials", json::array({json::object()})},
               {"results", {result("NDR", 0, 0, 353.8), result("PDR 0.5%", 0.005, pdr_pps / 4, 353.8)}}}}}};
}

TEST(Report, ASearchOverTwoPairsGivesEachRatioPerSizeSummedAndCharted) {
    Dir d;
    d.put("a/search.json", search_report(1e6, 1.2e6));
    d.put("a/sink.json", sink(5000000, 0, 0));
    d.put("b/search.json", search_report(2e6, 2.5e6));
    d.put("run.json", {{"kind", "search"}, {"pairs", {{{"pair", "a"}, {"exit_code", 0}}, {{"pair", "b"}, {"exit_code", 0}}}}});
    const json r = build_report(d.path.string());
    ASSERT_EQ(r["pairs"].size(), 2u);
    const json& a = r["pairs"][0];
    EXPECT_TRUE(a["protocols"].empty()) << "the sink's totals span every trial: not lined up as a run's";
    ASSERT_TRUE(a.contains("search"));
    EXPECT_EQ(a["search"]["counted_by"], "far_sink");
    ASSERT_EQ(a["search"]["sizes"].size(), 2u);
    EXPECT_EQ(a["search"]["sizes"][0]["trials"], 2u);
    EXPECT_DOUBLE_EQ(a["search"]["sizes"][0]["results"][0]["rate_pps"].get<double>(), 1e6);
    EXPECT_FALSE(a["search"]["sizes"][1]["results"][0]["found"].get<bool>());
    EXPECT_DOUBLE_EQ(a["search"]["sizes"][1]["results"][0]["min_rate_pps"].get<double>(), 10000);
    // Over the pairs: each size and ratio, the rates summed where found.
    const json& t = r["total"]["search"];
    ASSERT_EQ(t.size(), 4u);
    EXPECT_EQ(t[0]["name"], "NDR");
    EXPECT_DOUBLE_EQ(t[0]["rate_pps"].get<double>(), 3e6);
    EXPECT_EQ(t[0]["pairs_found"], 2);
    EXPECT_EQ(t[2]["frame_size"], "imix");
    EXPECT_EQ(t[2]["pairs_found"], 0);
    EXPECT_DOUBLE_EQ(t[3]["rate_pps"].get<double>(), (1.2e6 + 2.5e6) / 4);

    const std::string text = report_text(r);
    EXPECT_NE(text.find("not found above 10000 pps"), std::string::npos) << text;
    EXPECT_NE(text.find("found on 2 of 2 pairs"), std::string::npos) << text;
    EXPECT_NE(text.find("40 count requests, 1 unanswered"), std::string::npos) << text;
    const std::string html = report_html(r);
    EXPECT_NE(html.find("<svg class=\"chart\" id=\"search\""), std::string::npos);
    // A bar per pair and ratio found: 2 pairs x (2 at 64 bytes + 1 at imix).
    std::size_t bars = 0;
    for (auto at = html.find("class=\"bar\""); at != std::string::npos; at = html.find("class=\"bar\"", at + 1)) ++bars;
    EXPECT_EQ(bars, 6u);
    EXPECT_NE(html.find("Gbit/s (L1)"), std::string::npos) << "the scale's unit follows the rates";
}

}  // namespace
}  // namespace tg::orch
