// Round trip between two hosts that share no clock: the sink reflects each stateless test
// packet (`trafficgen sink --reflect`), the generator (`--round-trip`) counts what comes
// back on its own TSC. A capture on the wire, judged by tshark, sees every packet go and
// come back with good checksums (SCTP's CRC32c computed again for the swapped ports).
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <thread>

#include "checks.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

constexpr std::uint64_t per_protocol = 2000;

TEST(RoundTrip, TheReflectorSendsEveryTestPacketBackAndTheGeneratorReportsRttPercentiles) {
    TempDir dir;
    Lab lab({.bridge = true});
    const std::string pcap = dir / "wire.pcapng";
    std::map<std::string, nlohmann::json> trips;
    nlohmann::json sink_report;
    {
        SinkRun sink(lab, dir, {"--reflect"});
        Child capture(in_ns(lab["TG_SINK_NS"], {"dumpcap", "-i", lab["TG_SINK_WIRE_IF"], "-B", "64", "-w", pcap}),
                      dir / "dumpcap");
        ASSERT_TRUE(capture.wait_for_output("Capturing on", 30)) << capture.err();
        for (const char* p : {"udp", "tcp", "sctp"}) {
            const auto g = run_generator(lab, dir, {"--proto", p, "--round-trip", "--count", std::to_string(per_protocol),
                                                    "--rate", "10kpps", "--flows", "2", "--streams", "4"});
            ASSERT_TRUE(g.exit.ok()) << p << ": " << g.exit.describe() << ": " << g.err;
            ASSERT_TRUE(g.report["generator"].contains("round_trip")) << g.report["generator"].dump();
            trips[p] = g.report["generator"]["round_trip"];
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const Exit e = capture.stop(SIGINT, 30);
        EXPECT_TRUE(e.ok()) << "dumpcap " << e.describe() << ": " << capture.err();
        sink_report = sink.stop();
    }
    const ChecksumVerdicts v = tshark_checksums(pcap);
    EXPECT_TRUE(all_checksums_good(v, 2 * 3 * per_protocol)) << "each packet there and back";
    for (const char* p : {"udp", "tcp", "sctp"}) {
        EXPECT_EQ(v.good.count(p) ? v.good.at(p) : 0, 2 * per_protocol) << p;
        const auto& back = trips[p]["protocols"];
        ASSERT_TRUE(back.contains(p)) << trips[p].dump();
        const auto& t = back[p];
        EXPECT_EQ(t.value("packets", 0u), per_protocol) << p;
        EXPECT_EQ(t.value("lost", 1u), 0u) << p;
        EXPECT_EQ(t.value("bad_l4_checksum", 1u), 0u) << p;
        const auto& l = t["latency"];
        EXPECT_TRUE(l.value("valid", false)) << p << ": " << l.dump();
        EXPECT_EQ(l.value("samples", 0u), per_protocol) << p;
        EXPECT_GT(l.value("p50_ns", 0u), 0u) << p;
        EXPECT_LE(l.value("p50_ns", 0u), l.value("p99_ns", 0u)) << p;
        EXPECT_LE(l.value("p99_ns", 0u), l.value("max_ns", 0u)) << p;
        EXPECT_LT(l.value("p50_ns", ~0u), 100'000'000u) << p << ": a round trip over veth in under 100 ms";
    }
    ASSERT_TRUE(sink_report["sink"].contains("reflected")) << sink_report["sink"].dump();
    EXPECT_EQ(sink_report["sink"]["reflected"].value("sent", 0u), 3 * per_protocol);
    EXPECT_EQ(sink_report["sink"]["reflected"].value("dropped", 1u), 0u);
}

}  // namespace
}  // namespace tg::e2e
