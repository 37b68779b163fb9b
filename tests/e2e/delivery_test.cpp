// A protocol the path drops entirely is 100 % lost in every report where the generator's
// and the sink's reports meet: an nftables rule on the bridge in front of the sink drops
// (and counts) every SCTP frame of a UDP and SCTP mix; `trafficgen report` (its JSON and
// its table) and `trafficgen-orch report` (its pair row, its summed row and its text)
// each say 100 % of what the generator sent, equal to the nftables counter, and name
// the protocol; UDP, untouched, is 0 % lost.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "judges.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

void write(const std::string& path, const nlohmann::json& j) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << j.dump();
}

TEST(Delivery, AProtocolThePathDropsIsAllLostInEveryReport) {
    TempDir dir;
    Lab lab({.bridge = true});
    nft_load(lab["TG_SINK_NS"], "table bridge tg_drop {\n chain forward {\n  type filter hook forward priority 0; "
                                "policy accept;\n  ether type ip ip protocol sctp counter drop comment \"sctp\"\n }\n}\n");
    SinkRun sink(lab, dir);
    const auto g = run_generator(lab, dir, {"--mix", "udp:1,sctp:1", "--count", "4000", "--rate", "10kpps", "--flows",
                                            "2", "--streams", "4"});
    ASSERT_TRUE(g.exit.ok()) << g.exit.describe() << ": " << g.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto s = sink.stop();
    const std::uint64_t dropped = nft_counter(lab["TG_SINK_NS"], "bridge", "tg_drop", "sctp");
    const std::uint64_t sctp = packets_of(g.report, "generator", "sctp");
    ASSERT_EQ(sctp, 2000u);
    ASSERT_EQ(dropped, sctp) << "the path dropped every SCTP frame";
    EXPECT_EQ(packets_of(s, "sink", "sctp"), 0u);

    const std::string out = dir / "fleet";
    write(out + "/lab/generator.json", g.report);
    write(out + "/lab/sink.json", s);
    write(out + "/run.json", {{"pairs", {{{"pair", "lab"}, {"exit_code", 0}}}}});
    const std::string sentence = "sctp: " + std::to_string(sctp) + " sent and none received: 100 % lost";

    // trafficgen report: the joined JSON and the table.
    const auto joined_path = dir / "joined.json";
    const auto t = run({tool_path("TRAFFICGEN"), "report", "--generator", out + "/lab/generator.json", "--sink",
                        out + "/lab/sink.json", "--json", joined_path});
    ASSERT_TRUE(t.exit.ok()) << t.err;
    const auto joined = load_report(joined_path);
    const auto& d = joined["delivery"]["protocols"];
    EXPECT_EQ(d["sctp"].value("sent", 0u), sctp);
    EXPECT_EQ(d["sctp"].value("received", 1u), 0u);
    EXPECT_EQ(d["sctp"].value("lost", 0u), dropped);
    EXPECT_DOUBLE_EQ(d["sctp"].value("loss_percent", 0.0), 100.0);
    EXPECT_EQ(d["udp"].value("lost", 1u), 0u);
    EXPECT_EQ(d["udp"].value("received", 0u), packets_of(g.report, "generator", "udp"));
    EXPECT_NE(t.out.find(sentence), std::string::npos) << t.out;
    EXPECT_TRUE(std::regex_search(t.out, std::regex("sctp +" + std::to_string(sctp) + " +0 +" + std::to_string(sctp) +
                                                    " +100\\.000")))
        << t.out;
    // Every SCTP stream the generator sent on is listed, with nothing received.
    std::uint64_t silent_streams = 0;
    for (const auto& st : joined["delivery"]["streams"]) {
        if (st.value("protocol", "") == "sctp" && st.value("received", 1u) == 0 && st.value("lost", 0u) > 0) ++silent_streams;
    }
    EXPECT_EQ(silent_streams, 2u * 4u) << joined["delivery"]["streams"].dump();

    // trafficgen-orch report: the pair, the sum and the text.
    const auto o = run({tool_path("TG_ORCH"), "report", "--out", out});
    ASSERT_TRUE(o.exit.ok()) << o.out << o.err;
    const auto fleet = load_report(out + "/report.json");
    EXPECT_DOUBLE_EQ(fleet["pairs"][0]["protocols"]["sctp"].value("loss_percent", 0.0), 100.0);
    EXPECT_EQ(fleet["pairs"][0]["protocols"]["sctp"].value("lost", 0u), dropped);
    EXPECT_DOUBLE_EQ(fleet["total"]["protocols"]["sctp"].value("loss_percent", 0.0), 100.0);
    EXPECT_DOUBLE_EQ(fleet["total"]["protocols"]["udp"].value("loss_percent", 1.0), 0.0);
    EXPECT_NE(o.out.find("lab: " + sentence), std::string::npos) << o.out;
}

}  // namespace
}  // namespace tg::e2e
