// The throughput search on a lab rig with two ports: both of the tester's interfaces in
// one namespace, a router namespace between them.
// - tbf shapes the router's egress towards the receiving port at a known rate, and is the
//   judge: the NDR found at each frame size is within 15 % below tbf's rate in frames per
//   second (and above it by no more than tbf's bucket and queue carry over a final
//   trial), and the frames tbf dropped are exactly the frames the trials lost.
// - nftables drops one frame in a thousand (numgen): no rate has no loss, so the NDR is
//   honestly not found above the minimum, and the PDR at 0.5 % is the maximum rate, in
//   each of two repetitions; the rule's counter is the loss of both searches' trials.
// - Two hosts: `trafficgen sink` in the sink namespace counts, and the search asks it for
//   its counts in-band, through the same tbf: the NDR is tbf's rate again, and tbf's drops
//   are the trials' loss (and the count requests tbf dropped, if any). With no sink there,
//   the search stops at once with one sentence and exit 3.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "judges.hpp"
#include "lab.hpp"
#include "process.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

constexpr double tbf_bps = 10e6;
constexpr double tbf_burst = 3000, tbf_limit = 30000;  // bytes
constexpr double final_s = 2;
constexpr double trial_s = 0.5;

void check(const CommandResult& r, const char* what) {
    if (!r.exit.ok()) throw std::runtime_error(std::string(what) + " failed: " + r.err);
}

std::vector<std::string> search_args(const Lab& lab, const std::string& json) {
    return in_ns(lab["TG_GEN_NS"], {tool_path("TRAFFICGEN"), "search", "--iface", lab["TG_GEN_IF"], "--rx-iface",
                                    lab["TG_SINK_IF"], "--gateway", lab["TG_GATEWAY_IP4"], "--src-ip", lab["TG_GEN_IP4"],
                                    "--dst-ip", lab["TG_SINK_IP4"], "--loss", "0,0.5%", "--trial-duration", std::to_string(trial_s),
                                    "--final-duration", std::to_string(final_s), "--min-rate", "1kpps", "--quiet",
                                    "--json", json});
}

std::uint64_t trials_loss(const nlohmann::json& size) {
    std::uint64_t lost = 0;
    for (const auto& t : size["trials"]) {
        EXPECT_EQ(t["port_tx_errors"].get<std::uint64_t>(), 0u) << "the tester itself dropped frames: " << t.dump();
        lost += t["generator_sent"].get<std::uint64_t>() - t["received"].get<std::uint64_t>();
    }
    return lost;
}

TEST(Search, ThroughATokenBucketTheNdrIsItsRateAndItsDropsAreTheTrialsLoss) {
    TempDir dir;
    Lab lab({.router = true});
    const std::string& rtr = lab["TG_RTR_NS"];
    const std::string& shaped = lab["TG_RTR_SINK_IF"];
    one_tester_two_ports(lab);
    check(run({"tc", "-n", rtr, "qdisc", "add", "dev", shaped, "root", "tbf", "rate", "10mbit", "burst",
               std::to_string(static_cast<int>(tbf_burst)), "limit", std::to_string(static_cast<int>(tbf_limit))}),
          "tc qdisc add");
    // The router learns the receiving port's MAC from the learning frames and keeps it:
    // no re-probing that tbf could drop during the search.
    check(run(in_ns(rtr, {"sysctl", "-qw", "net.ipv4.neigh." + shaped + ".base_reachable_time_ms=600000"})), "sysctl");
    const QdiscCounters before = root_qdisc(rtr, shaped);

    const std::string json = dir / "search.json";
    auto args = search_args(lab, json);
    args.insert(args.end(), {"--sizes", "64,512", "--max-rate", "80kpps"});
    const auto r = run(args, 240);
    ASSERT_TRUE(r.exit.ok()) << r.exit.describe() << ": " << r.err;
    const QdiscCounters after = root_qdisc(rtr, shaped);
    const auto report = load_report(json);
    ASSERT_TRUE(report.is_object()) << r.err;
    EXPECT_EQ(report["ended_by"], "precision");
    ASSERT_EQ(report["sizes"].size(), 2u);

    std::uint64_t lost = 0;
    for (const auto& size : report["sizes"]) {
        const double frame = size["frame_size"].get<double>();
        // tbf counts the frame as the kernel holds it: without the FCS.
        const double tbf_pps = tbf_bps / (8 * (frame - 4));
        // Over a final trial, tbf lets its bucket and its queue through above the rate.
        const double carried = (tbf_burst + tbf_limit) / (frame - 4) / final_s;
        const auto& ndr = size["results"][0];
        ASSERT_TRUE(ndr["found"].get<bool>()) << size.dump();
        const double rate = ndr["rate_pps"].get<double>();
        EXPECT_GE(rate, 0.85 * tbf_pps) << frame << " bytes: tbf passes " << tbf_pps << " frames/s";
        EXPECT_LE(rate, tbf_pps + carried) << frame << " bytes: tbf passes " << tbf_pps << " frames/s";
        EXPECT_GT(ndr["upper_pps"].get<double>(), rate);
        // RFC 2544's forwarding rate: what arrived per second in the first trial, offered at
        // the maximum: tbf's rate, with its bucket and queue over a 0.5 s trial on top.
        const double forwarding = size["forwarding_rate_pps"].get<double>();
        EXPECT_GE(forwarding, 0.85 * tbf_pps) << frame << " bytes";
        EXPECT_LE(forwarding, tbf_pps + (tbf_burst + tbf_limit) / (frame - 4) / trial_s) << frame << " bytes";
        const auto& pdr = size["results"][1];
        ASSERT_TRUE(pdr["found"].get<bool>());
        EXPECT_GE(pdr["rate_pps"].get<double>(), rate);
        lost += trials_loss(size);
    }
    // The learning frames went at 500 frames/s, far below tbf's rate: whatever they lost
    // (while the router resolved the receiving port) was not tbf's doing.
    ASSERT_TRUE(report["learning"].is_object());
    EXPECT_GT(after.drops - before.drops, 0u);
    EXPECT_EQ(after.drops - before.drops, lost) << "tbf's drops are the trials' loss, frame for frame";
}

TEST(Search, OneFrameInAThousandDroppedLeavesNoNdrAndThePdrAtTheMaximum) {
    TempDir dir;
    Lab lab({.router = true});
    one_tester_two_ports(lab);
    nft_load(lab["TG_RTR_NS"],
             "table inet tg_lossy {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n"
             "    udp dport 5201 numgen inc mod 1000 == 0 counter drop comment \"one-in-1000\"\n  }\n}\n");
    const std::string json = dir / "search.json";
    auto args = search_args(lab, json);
    args.insert(args.end(), {"--sizes", "128", "--max-rate", "20kpps", "--repeat", "2"});
    const auto r = run(args, 240);
    ASSERT_TRUE(r.exit.ok()) << r.exit.describe() << ": " << r.err;
    const auto report = load_report(json);
    ASSERT_TRUE(report.is_object()) << r.err;
    ASSERT_EQ(report["sizes"].size(), 1u);
    const auto& size = report["sizes"][0];
    // Searched twice: each time no NDR, and the PDR at the maximum.
    ASSERT_EQ(size["repetitions"].size(), 2u);
    for (const auto& rep : size["repetitions"]) {
        const auto& ndr = rep["results"][0];
        EXPECT_FALSE(ndr["found"].get<bool>()) << ndr.dump();
        EXPECT_TRUE(ndr["below_min"].get<bool>()) << ndr.dump();
        EXPECT_DOUBLE_EQ(ndr["upper_pps"].get<double>(), 1000) << "it failed at the minimum rate too";
        const auto& pdr = rep["results"][1];
        EXPECT_TRUE(pdr["at_max"].get<bool>()) << pdr.dump();
        EXPECT_DOUBLE_EQ(pdr["rate_pps"].get<double>(), 20000);
        EXPECT_NEAR(pdr["loss_at_rate"].get<double>(), 0.001, 0.0002);
    }
    const auto& ndr = size["results"][0];
    EXPECT_FALSE(ndr["found"].get<bool>());
    EXPECT_EQ(ndr["repetitions"]["found"], 0);
    EXPECT_EQ(ndr["repetitions"]["rate_pps"]["max"], 0.0) << "not found is 0 pps";
    const auto& pdr = size["results"][1];
    EXPECT_EQ(pdr["repetitions"]["found"], 2);
    EXPECT_DOUBLE_EQ(pdr["repetitions"]["rate_pps"]["min"].get<double>(), 20000);
    // The learning frames crossed the rule too.
    const auto& learning = report["learning"];
    const std::uint64_t lost = trials_loss(size) + learning["sent"].get<std::uint64_t>() -
                               learning["received"].get<std::uint64_t>();
    EXPECT_EQ(nft_counter(lab["TG_RTR_NS"], "inet", "tg_lossy", "one-in-1000"), lost);
}

std::vector<std::string> far_search_args(const Lab& lab, const std::string& json) {
    return in_ns(lab["TG_GEN_NS"], {tool_path("TRAFFICGEN"), "search", "--iface", lab["TG_GEN_IF"], "--lcores", "0@0,1@0",
                                    "--gateway", lab["TG_GATEWAY_IP4"], "--src-ip", lab["TG_GEN_IP4"], "--dst-ip",
                                    lab["TG_SINK_IP4"], "--loss", "0,0.5%", "--trial-duration", std::to_string(trial_s),
                                    "--final-duration", std::to_string(final_s), "--min-rate", "1kpps", "--quiet",
                                    "--json", json});
}

TEST(Search, AFarSinkCountsTheTrialsInBandThroughTheSamePath) {
    TempDir dir;
    Lab lab({.router = true});
    const std::string& rtr = lab["TG_RTR_NS"];
    const std::string& shaped = lab["TG_RTR_SINK_IF"];
    check(run({"tc", "-n", rtr, "qdisc", "add", "dev", shaped, "root", "tbf", "rate", "10mbit", "burst",
               std::to_string(static_cast<int>(tbf_burst)), "limit", std::to_string(static_cast<int>(tbf_limit))}),
          "tc qdisc add");
    check(run(in_ns(rtr, {"sysctl", "-qw", "net.ipv4.neigh." + shaped + ".base_reachable_time_ms=600000"})), "sysctl");
    SinkRun sink(lab, dir);
    const QdiscCounters before = root_qdisc(rtr, shaped);
    const std::string json = dir / "search.json";
    auto args = far_search_args(lab, json);
    args.insert(args.end(), {"--sizes", "512", "--max-rate", "20kpps"});
    const auto r = run(args, 240);
    const QdiscCounters after = root_qdisc(rtr, shaped);
    const nlohmann::json sink_report = sink.stop();
    ASSERT_TRUE(r.exit.ok()) << r.exit.describe() << ": " << r.err;
    const auto report = load_report(json);
    ASSERT_TRUE(report.is_object()) << r.err;
    EXPECT_EQ(report["counted_by"], "far_sink");
    EXPECT_EQ(report["ended_by"], "precision");
    ASSERT_EQ(report["sizes"].size(), 1u);
    const auto& size = report["sizes"][0];
    const double tbf_pps = tbf_bps / (8 * (512 - 4));
    const auto& ndr = size["results"][0];
    ASSERT_TRUE(ndr["found"].get<bool>()) << size.dump();
    EXPECT_GE(ndr["rate_pps"].get<double>(), 0.85 * tbf_pps);
    EXPECT_LE(ndr["rate_pps"].get<double>(), tbf_pps + (tbf_burst + tbf_limit) / (512 - 4) / final_s);
    EXPECT_TRUE(ndr["latency_us"].is_null()) << "no clock is shared with the far sink";

    // tbf is the judge: what it dropped is what the trials lost, and the count requests it
    // dropped (the answers come back through the router's other side, unshaped).
    const std::uint64_t lost = trials_loss(size);
    const auto& far = report["far_sink"];
    const std::uint64_t unanswered = far["unanswered"].get<std::uint64_t>();
    EXPECT_GT(lost, 0u);
    EXPECT_GE(after.drops - before.drops, lost);
    EXPECT_LE(after.drops - before.drops, lost + unanswered) << far.dump();
    // The sink saw the learning frames and every trial's arrivals, and answered every request that reached it.
    std::uint64_t received = report["learning"]["received"].get<std::uint64_t>();
    for (const auto& t : size["trials"]) {
        received += t["received"].get<std::uint64_t>();
        EXPECT_GE(t["count_requests"].get<std::uint64_t>(), 2u) << "before the answer, the path drains: two answers agree";
    }
    EXPECT_EQ(packets_of(sink_report, "sink", "udp"), received);
    // Each trial's sequences went on from the last one's: the sink saw one sequence per
    // flow, with the trials' loss as its gaps and no duplicates.
    EXPECT_EQ(field_of(sink_report, "sink", "udp", "duplicates"), 0u);
    EXPECT_EQ(field_of(sink_report, "sink", "udp", "lost"), lost);
    EXPECT_EQ(sink_report["sink"]["requests"]["counts"]["answered"].get<std::uint64_t>(),
              far["count_requests"].get<std::uint64_t>() - unanswered);
}

TEST(Search, WithNoFarSinkTheSearchStopsWithOneSentence) {
    TempDir dir;
    Lab lab({.router = true});
    const std::string json = dir / "search.json";
    auto args = far_search_args(lab, json);
    args.insert(args.end(), {"--sizes", "512", "--max-rate", "20kpps"});
    const auto r = run(args, 60);
    EXPECT_EQ(r.exit.code, 3) << r.exit.describe() << ": " << r.err;
    EXPECT_NE(r.err.find("no trafficgen sink answered"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(lab["TG_SINK_IP4"] + ":5201"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tg::e2e
