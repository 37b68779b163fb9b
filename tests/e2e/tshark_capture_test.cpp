// Checksums judged by tshark: a capture taken on the sink namespace's veth (in front of
// the bridge, where the kernel still sees every frame) holds every frame the generator
// sent, TCP, UDP and SCTP over IPv4 and IPv6, and tshark finds each IPv4, UDP, TCP and
// SCTP CRC32c checksum good. Spoiled checksums are flagged by tshark and the sink alike.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <thread>

#include "checks.hpp"
#include "trafficgen_runs.hpp"

namespace tg::e2e {
namespace {

constexpr std::uint64_t packets_per_run = 2000;

struct Judged {
    ChecksumVerdicts tshark;
    std::uint64_t sent = 0;
    std::map<std::string, std::uint64_t> sent_per_protocol, spoiled_per_protocol;
    nlohmann::json sink;
};

Judged capture_and_judge(const std::vector<std::string>& extra_generator_args, const std::vector<Family>& families) {
    TempDir dir;
    Lab lab({.bridge = true});
    const std::string pcap = dir / "wire.pcapng";
    Judged j;
    {
        SinkRun sink(lab, dir);
        Child capture(in_ns(lab["TG_SINK_NS"], {"dumpcap", "-i", lab["TG_SINK_WIRE_IF"], "-B", "64", "-w", pcap}),
                      dir / "dumpcap");
        if (!capture.wait_for_output("Capturing on", 30)) throw std::runtime_error("dumpcap did not start: " + capture.err());
        for (Family f : families) {
            for (const char* p : {"tcp", "udp", "sctp"}) {
                std::vector<std::string> args = {"--proto", p, "--count", std::to_string(packets_per_run),
                                                 "--rate", "20kpps", "--flows", "2", "--streams", "4"};
                args.insert(args.end(), extra_generator_args.begin(), extra_generator_args.end());
                const auto g = run_generator(lab, dir, args, f);
                EXPECT_TRUE(g.exit.ok()) << p << ": " << g.exit.describe() << ": " << g.err;
                j.sent += packets_of(g.report, "generator", p);
                j.sent_per_protocol[p] += packets_of(g.report, "generator", p);
                j.spoiled_per_protocol[p] += field_of(g.report, "generator", p, "bad_l4_checksum");
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const Exit e = capture.stop(SIGINT, 30);
        EXPECT_TRUE(e.ok()) << "dumpcap " << e.describe() << ": " << capture.err();
        j.sink = sink.stop();
    }
    j.tshark = tshark_checksums(pcap);
    return j;
}

TEST(TsharkChecksums, EveryChecksumOnTheVethIsGood) {
    const Judged j = capture_and_judge({}, {Family::ipv4, Family::ipv6});
    EXPECT_EQ(j.sent, 6 * packets_per_run);
    EXPECT_TRUE(all_checksums_good(j.tshark, j.sent));
    // Every layer was judged, not skipped: IPv4 headers in half the frames, each protocol
    // in a third.
    EXPECT_EQ(j.tshark.good.count("ip") ? j.tshark.good.at("ip") : 0, 3 * packets_per_run);
    for (const char* p : {"udp", "tcp", "sctp"}) {
        EXPECT_EQ(j.tshark.good.count(p) ? j.tshark.good.at(p) : 0, 2 * packets_per_run) << p;
        EXPECT_EQ(field_of(j.sink, "sink", p, "bad_l4_checksum"), 0u) << p;
        EXPECT_EQ(packets_of(j.sink, "sink", p), 2 * packets_per_run) << p;
    }
}

TEST(TsharkChecksums, SpoiledChecksumsAreFlaggedByTsharkAndTheSink) {
    // Sabotage: every 100th packet leaves with a wrong L4 checksum. tshark and the sink
    // must each find exactly those, and the all-good check must fail.
    const Judged j = capture_and_judge({"--bad-checksum-every", "100"}, {Family::ipv4});
    EXPECT_FALSE(all_checksums_good(j.tshark, j.sent));
    for (const char* p : {"udp", "tcp", "sctp"}) {
        const std::uint64_t spoiled = j.spoiled_per_protocol.at(p);
        EXPECT_EQ(spoiled, packets_per_run / 100) << p;
        EXPECT_EQ(j.tshark.bad.count(p) ? j.tshark.bad.at(p) : 0, spoiled) << p;
        EXPECT_EQ(field_of(j.sink, "sink", p, "bad_l4_checksum"), spoiled) << p;
    }
    EXPECT_EQ(j.tshark.bad.count("ip"), 0u) << "only L4 checksums were spoiled";
}

}  // namespace
}  // namespace tg::e2e
