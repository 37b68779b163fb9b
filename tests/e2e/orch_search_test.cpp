// trafficgen-orch search over SSH on the lab, through a router whose egress towards the
// sink tbf shapes to 10 Mbit/s: the orchestrator starts the sink, then `trafficgen search`
// on the generator host, which asks the sink for its counts in-band between trials. tbf
// is the judge: the NDR found is its rate, and what it dropped is the trials' loss (and
// the count requests it dropped). The joined report carries the search's figures as the
// generator host wrote them, and its page, rendered by headless Chromium, charts them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "judges.hpp"
#include "lab.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void check(const CommandResult& r, const char* what) {
    if (!r.exit.ok()) throw std::runtime_error(std::string(what) + " failed: " + r.err);
}

TEST(OrchSearch, ThroughATokenBucketEachPairsNdrIsItsRateAndTheReportChartsIt) {
    TempDir dir;
    Lab lab({.router = true, .ssh = true});
    const std::string& rtr = lab["TG_RTR_NS"];
    const std::string& shaped = lab["TG_RTR_SINK_IF"];
    constexpr double tbf_bps = 10e6, tbf_burst = 3000, tbf_limit = 30000, final_s = 2;
    check(run({"tc", "-n", rtr, "qdisc", "add", "dev", shaped, "root", "tbf", "rate", "10mbit", "burst", "3000", "limit",
               "30000"}),
          "tc qdisc add");
    check(run(in_ns(rtr, {"sysctl", "-qw", "net.ipv4.neigh." + shaped + ".base_reachable_time_ms=600000"})), "sysctl");
    const std::string inv = dir / "inventory.json";
    const json inventory = {
        {"defaults", {{"key", lab["TG_SSH_KEY"]}, {"known_hosts", lab["TG_SSH_KNOWN_HOSTS"]}, {"trafficgen", tool_path("TRAFFICGEN")}}},
        {"pairs", {{{"name", "lab"},
                    {"generator", {{"address", lab["TG_GEN_SSH_HOST"]},
                                   {"nic", {{"iface", lab["TG_GEN_IF"]}, {"driver", "kernel"}}},
                                   {"lcores", "0@0,1@0"},
                                   {"data_ip", lab["TG_GEN_IP4"]},
                                   {"args", {"--gateway", lab["TG_GATEWAY_IP4"]}}}},
                    {"sink", {{"address", lab["TG_SINK_SSH_HOST"]},
                              {"nic", {{"iface", lab["TG_SINK_IF"]}, {"driver", "kernel"}}},
                              {"lcores", "0@1,1@1"},
                              {"data_ip", lab["TG_SINK_IP4"]}}}}}},
        {"search", {{"args", {"--sizes", "512", "--max-rate", "20kpps", "--min-rate", "1kpps", "--trial-duration", "0.5",
                              "--final-duration", "2"}},
                    {"limit", 300}}}};
    std::ofstream(inv) << inventory.dump(2);
    const QdiscCounters before = root_qdisc(rtr, shaped);
    const std::string out = dir / "results";
    const auto r = run({tool_path("TG_ORCH"), "search", "--inventory", inv, "--out", out}, 400);
    const QdiscCounters after = root_qdisc(rtr, shaped);
    ASSERT_TRUE(r.exit.ok()) << r.exit.describe() << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("lab:   trial   1:"), std::string::npos) << "each trial shown as it comes: " << r.out;

    const json search = load_report(out + "/lab/search.json");
    const json joined = load_report(out + "/report.json");
    ASSERT_TRUE(search.is_object() && joined.is_object()) << r.out << r.err;
    EXPECT_TRUE(fs::exists(out + "/lab/sink.json"));
    EXPECT_EQ(search["counted_by"], "far_sink");
    const json& ndr = search["sizes"][0]["results"][0];
    ASSERT_TRUE(ndr["found"].get<bool>()) << search["sizes"][0].dump();
    const double tbf_pps = tbf_bps / (8 * (512 - 4));
    EXPECT_GE(ndr["rate_pps"].get<double>(), 0.85 * tbf_pps);
    EXPECT_LE(ndr["rate_pps"].get<double>(), tbf_pps + (tbf_burst + tbf_limit) / (512 - 4) / final_s);
    std::uint64_t lost = 0;
    for (const auto& t : search["sizes"][0]["trials"]) {
        lost += t["generator_sent"].get<std::uint64_t>() - t["received"].get<std::uint64_t>();
    }
    const std::uint64_t unanswered = search["far_sink"]["unanswered"].get<std::uint64_t>();
    EXPECT_GE(after.drops - before.drops, lost);
    EXPECT_LE(after.drops - before.drops, lost + unanswered);

    // The joined report has the search's own figures.
    const json& pair = joined["pairs"][0];
    ASSERT_TRUE(pair.contains("search")) << pair.dump();
    EXPECT_EQ(pair["search"]["sizes"][0]["results"][0]["rate_pps"], ndr["rate_pps"]);
    EXPECT_EQ(joined["total"]["search"][0]["rate_pps"], ndr["rate_pps"]);
    std::ostringstream text_in;
    text_in << std::ifstream(out + "/report.txt").rdbuf();
    const std::string text = text_in.str();
    EXPECT_NE(text.find("counted by far_sink"), std::string::npos) << text;

    // The page as a browser renders it: the search's chart with a bar per ratio found.
    const std::string html = out + "/report.html";
    const std::string dom = rendered_dom(html);
    EXPECT_NE(dom.find("<svg class=\"chart\" id=\"search\""), std::string::npos);
    EXPECT_NE(dom.find("class=\"bar\""), std::string::npos);
    EXPECT_GT(keep_screenshot(html, "orch-search.png", "1000x900"), 10000u) << "a page with a chart, not a blank one";
}

}  // namespace
}  // namespace tg::e2e
