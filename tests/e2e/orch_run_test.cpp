// trafficgen-orch's whole run over SSH on the lab: each host runs its own sshd, the
// orchestrator starts the sink and the generator on them, brings both reports back and
// lines them up. The joined report's counts are the two sides' own; the HTML page opens
// in headless Chromium, whose rendering shows the charts (its screenshot is kept in the
// test's directory and named in the output). A sink killed mid-run: the generator is
// stopped, what was gathered is written and reported on, teardown is done, and nothing
// is left running on either host.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "judges.hpp"
#include "lab.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string write_inventory(const Lab& lab, const TempDir& dir, const json& run, const json& sink_args = json::array()) {
    const std::string path = dir / "inventory.json";
    json inv = {{"defaults", {{"key", lab["TG_SSH_KEY"]}, {"known_hosts", lab["TG_SSH_KNOWN_HOSTS"]},
                              {"trafficgen", tool_path("TRAFFICGEN")}}},
                {"pairs", {{{"name", "lab"},
                            {"generator", {{"address", lab["TG_GEN_SSH_HOST"]},
                                           {"nic", {{"iface", lab["TG_GEN_IF"]}, {"driver", "kernel"}}},
                                           {"lcores", "0@0,1@0"},
                                           {"data_ip", lab["TG_GEN_IP4"]}}},
                            {"sink", {{"address", lab["TG_SINK_SSH_HOST"]},
                                      {"nic", {{"iface", lab["TG_SINK_IF"]}, {"driver", "kernel"}}},
                                      {"lcores", "0@1,1@1"},
                                      {"data_ip", lab["TG_SINK_IP4"]},
                                      {"args", sink_args}}}}}},
                {"run", run}};
    std::ofstream(path) << inv.dump(2);
    return path;
}

CommandResult orch(const std::vector<std::string>& args, double timeout_s = 180) {
    std::vector<std::string> argv = {tool_path("TG_ORCH")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, timeout_s);
}

std::uint64_t packets(const json& report, const char* side, const std::string& p) {
    return report[side]["protocols"].contains(p) ? report[side]["protocols"][p].value("packets", std::uint64_t{0}) : 0;
}

// trafficgen processes still running in a lab host's namespace.
std::vector<std::string> trafficgens_in(const std::string& ns) {
    std::vector<std::string> found;
    const auto pids = run({"ip", "netns", "pids", ns}, 10);
    std::istringstream in(pids.out);
    for (std::string pid; in >> pid;) {
        std::ifstream cmd("/proc/" + pid + "/comm");
        std::string comm;
        std::getline(cmd, comm);
        if (comm.rfind("trafficgen", 0) == 0 || comm.rfind("timeout", 0) == 0) found.push_back(pid + " " + comm);
    }
    return found;
}

TEST(OrchRun, AFullRunOverSshReportsTheTwoSidesOwnCountsForTcpUdpAndSctp) {
    TempDir dir;
    Lab lab({.ssh = true});
    const std::string inv = write_inventory(
        lab, dir,
        {{"args", {"--mix", "tcp:1,udp:1,sctp:1", "--count", "30000", "--rate", "30kpps", "--flows", "4", "--streams", "4"}},
         {"duration", 20}});
    const std::string out = dir / "results";
    const auto r = orch({"run", "--inventory", inv, "--out", out});
    ASSERT_TRUE(r.exit.ok()) << r.exit.describe() << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("pairs sending"), std::string::npos) << "live stats, summed over the pairs: " << r.out;
    const auto rep = orch({"report", "--out", out});
    ASSERT_TRUE(rep.exit.ok()) << rep.out << rep.err;

    const json gen = load_report(out + "/lab/generator.json");
    const json sink = load_report(out + "/lab/sink.json");
    const json joined = load_report(out + "/report.json");
    ASSERT_TRUE(gen.is_object() && sink.is_object() && joined.is_object());
    std::uint64_t sent_total = 0;
    for (const std::string p : {"tcp", "udp", "sctp"}) {
        const json& e = joined["pairs"][0]["protocols"][p];
        EXPECT_EQ(e.value("sent", 0u), packets(gen, "generator", p)) << p;
        EXPECT_EQ(e.value("received", 0u), packets(sink, "sink", p)) << p;
        EXPECT_EQ(e.value("lost", 1u), sink["sink"]["protocols"][p].value("lost", 0u)) << p;
        EXPECT_EQ(joined["total"]["protocols"][p].value("received", 0u), packets(sink, "sink", p));
        EXPECT_GT(e.value("received", 0u), 0u) << p;
        sent_total += e.value("sent", 0u);
    }
    EXPECT_EQ(sent_total, 30000u);
    // Per flow and stream: the sums are the protocol's.
    std::map<std::string, std::uint64_t> sent, received;
    for (const auto& s : joined["pairs"][0]["streams"]) {
        sent[s.value("protocol", "")] += s.value("sent", 0u);
        received[s.value("protocol", "")] += s.value("received", 0u);
    }
    for (const std::string p : {"tcp", "udp", "sctp"}) {
        EXPECT_EQ(sent[p], packets(gen, "generator", p)) << p;
        EXPECT_EQ(received[p], packets(sink, "sink", p)) << p;
    }
    EXPECT_TRUE(trafficgens_in(lab["TG_GEN_NS"]).empty());
    EXPECT_TRUE(trafficgens_in(lab["TG_SINK_NS"]).empty());

    // The page as a browser renders it: both charts drawn, the throughput with its lines.
    const std::string html = out + "/report.html";
    const std::string dom = rendered_dom(html);
    EXPECT_NE(dom.find("<svg class=\"chart\" id=\"throughput\""), std::string::npos);
    EXPECT_NE(dom.find("<polyline"), std::string::npos) << "a line per side";
    EXPECT_NE(dom.find("Latency distribution"), std::string::npos);
    // Kept after the test, beside the suite's logs.
    EXPECT_GT(keep_screenshot(html, "orch-report.png", "900x1200"), 20000u) << "a page with charts, not a blank one";
}

TEST(OrchRun, RoundTripLatencyComesBackAsAChart) {
    TempDir dir;
    Lab lab({.ssh = true});
    const std::string inv = write_inventory(
        lab, dir, {{"args", {"--proto", "udp", "--round-trip", "--count", "5000", "--rate", "5kpps"}}, {"duration", 20}},
        {"--reflect"});
    const std::string out = dir / "results";
    const auto r = orch({"run", "--inventory", inv, "--out", out});
    ASSERT_TRUE(r.exit.ok()) << r.exit.describe() << "\n" << r.out << r.err;
    ASSERT_TRUE(orch({"report", "--out", out}).exit.ok());
    const json joined = load_report(out + "/report.json");
    const json& udp = joined["pairs"][0]["protocols"]["udp"];
    EXPECT_EQ(udp.value("latency_measured", ""), "round trip, on the generator");
    const json gen = load_report(out + "/lab/generator.json");
    EXPECT_EQ(udp["latency"], gen["generator"]["round_trip"]["protocols"]["udp"]["latency"]);
    EXPECT_NE(rendered_dom(out + "/report.html").find("<svg class=\"chart\" id=\"latency\""), std::string::npos);
}

TEST(OrchRun, ASinkKilledMidRunStopsTheGeneratorAndKeepsWhatWasGathered) {
    TempDir dir;
    Lab lab({.ssh = true});
    const std::string inv = write_inventory(lab, dir, {{"args", {"--proto", "udp", "--rate", "10kpps"}}, {"duration", 60}});
    const std::string out = dir / "results";
    // The whole sequence, so that teardown follows the failure.
    const std::string etc = dir / "etc";
    Child o({tool_path("TG_ORCH"), "all", "--inventory", inv, "--out", out, "--state-dir", dir / "state", "--etc-dir", etc},
            dir / "orch");
    ASSERT_TRUE(o.wait_for_output("pairs sending", 60)) << o.out() << o.err();
    // The sink goes, as a VM that crashed would take it.
    std::vector<std::string> killed;
    for (const auto& p : trafficgens_in(lab["TG_SINK_NS"])) {
        if (p.find("trafficgen") == std::string::npos) continue;
        ::kill(std::stoi(p), SIGKILL);
        killed.push_back(p.substr(0, p.find(' ')));
    }
    const Exit e = o.wait(60);
    // What the crash left on its host, as a rebooted VM would lose it.
    for (const auto& pid : killed) fs::remove_all("/var/run/dpdk/tg" + pid);
    EXPECT_EQ(e.code, 4) << e.describe() << "\n" << o.out() << o.err();
    EXPECT_NE(o.err().find("trafficgen-orch: lab sink: the sink ended mid-run (killed by SIGKILL); the generator was "
                           "stopped and the reports so far are kept"),
              std::string::npos)
        << o.err();
    EXPECT_TRUE(fs::exists(out + "/lab/generator.json")) << "the generator's report, kept";
    EXPECT_TRUE(fs::exists(out + "/run.json"));
    EXPECT_TRUE(fs::exists(out + "/lab/live.jsonl"));
    const json run_json = load_report(out + "/run.json");
    EXPECT_EQ(run_json["pairs"][0].value("exit_code", 0), 4);
    EXPECT_TRUE(trafficgens_in(lab["TG_GEN_NS"]).empty()) << "the generator was stopped";
    EXPECT_TRUE(trafficgens_in(lab["TG_SINK_NS"]).empty());
    for (const auto& e2 : fs::directory_iterator("/tmp")) {
        EXPECT_NE(e2.path().filename().string().rfind("trafficgen-orch.", 0), 0u) << "left on a host: " << e2.path();
    }
    // The report was made of what there is, and teardown put the hosts back.
    EXPECT_TRUE(fs::exists(out + "/report.html"));
    EXPECT_FALSE(fs::exists(etc + "/trafficgen.conf")) << "teardown ran: " << o.out();
    EXPECT_FALSE(fs::exists(dir / "state"));
}

TEST(OrchRun, ASinkThatCannotStartLeavesNothingOnEitherHost) {
    TempDir dir;
    Lab lab({.ssh = true});
    const std::string inv = write_inventory(lab, dir, {{"args", {"--proto", "udp", "--rate", "10kpps"}}, {"duration", 5}});
    json j = load_report(inv);
    j["pairs"][0]["sink"]["trafficgen"] = "/nonexistent/trafficgen";
    std::ofstream(inv) << j.dump(2);
    const auto r = orch({"run", "--inventory", inv, "--out", dir / "results"}, 120);
    EXPECT_EQ(r.exit.code, 4) << r.exit.describe() << r.out << r.err;
    EXPECT_NE(r.err.find("lab sink: the sink did not start"), std::string::npos) << r.err;
    // The run's directories on both hosts (their /tmp is this one's) went with it.
    for (const auto& e : fs::directory_iterator("/tmp")) {
        EXPECT_NE(e.path().filename().string().rfind("trafficgen-orch.", 0), 0u) << "left on a host: " << e.path();
    }
}

}  // namespace
}  // namespace tg::e2e
