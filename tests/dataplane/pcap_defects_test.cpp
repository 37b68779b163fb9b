// The sink fed a capture (net_pcap rx) of generated traffic with crafted defects: drops,
// duplicates, reordering, corrupted checksums, someone else's packets and a truncated
// frame. Each count in its report is exact.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "../common/pcap_file.hpp"
#include "proto/build.hpp"
#include "run_trafficgen.hpp"

namespace tg::testing {
namespace {

TEST(PcapDefects, SinkCountsEachDefectExactly) {
    for (const std::string proto : {"udp", "tcp", "sctp"}) {
        SCOPED_TRACE(proto);
        const std::string dir = temp_dir();
        const auto gen = run_trafficgen({"--vdev", "net_pcap0,tx_pcap=" + dir + "/gen.pcap", "--proto", proto,
                                         "--count", "3000", "--flows", "3", "--streams", "2", "--size", "256",
                                         "--rate", "200kpps", "--dst-mac", "02:00:00:00:00:02", "--quiet"},
                                        false);
        ASSERT_EQ(gen.exit_code, 0) << gen.err;
        Frames sent = read_pcap(dir + "/gen.pcap");
        // The generator's gratuitous ARP for its address comes first; the test packets follow.
        ASSERT_FALSE(sent.empty());
        EXPECT_EQ(sent.front()[12], 0x08);
        EXPECT_EQ(sent.front()[13], 0x06);
        sent.erase(sent.begin());
        ASSERT_EQ(sent.size(), 3000u);

        // Packets `apart` apart are neighbours in one (flow, stream) sequence: 3 flows,
        // and for SCTP 2 streams each.
        const std::size_t apart = proto == "sctp" ? 6 : 3;
        std::vector<std::size_t> order(sent.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::uint64_t reordered = 0, dropped = 0, duplicated = 0;
        for (std::size_t i = 100; i + apart < order.size(); i += 211) {
            std::swap(order[i], order[i + apart]);
            ++reordered;
        }
        Frames wire;
        for (std::size_t k = 0; k < order.size(); ++k) {
            const std::size_t i = order[k];
            if (i % 97 == 5 && i == k) {
                ++dropped;
                continue;
            }
            wire.push_back(sent[i]);
            if (i % 83 == 3) {
                wire.push_back(sent[i]);
                ++duplicated;
            }
        }
        auto bad_l4 = sent[10];
        bad_l4[bad_l4.size() - 30] ^= 0x40;  // in the payload
        auto bad_ip = sent[11];
        bad_ip[14 + 8] ^= 1;  // TTL, under the IPv4 header checksum only
        for (int k = 0; k < 7; ++k) wire.push_back(bad_l4);
        for (int k = 0; k < 5; ++k) wire.push_back(bad_ip);
        // Someone else's: a datagram without our header and an ARP announcement.
        std::vector<std::uint8_t> other(128), arp(64);
        proto::L3Spec l3;
        l3.src = proto::Ipv4Address::of(198, 18, 0, 9);
        l3.dst = proto::Ipv4Address::of(198, 18, 0, 10);
        const std::uint8_t data[20] = {0x12, 0x34, 1, 0};
        other.resize(proto::build_udp_frame(other, {}, l3, {5353, 5201}, data).layout.length);
        arp.resize(proto::build_arp_frame(arp, {}, {}).layout.length);
        for (int k = 0; k < 4; ++k) {
            wire.push_back(other);
            wire.push_back(arp);
        }
        wire.emplace_back(sent[0].begin(), sent[0].begin() + 20);  // truncated
        write_pcap(dir + "/wire.pcap", wire);

        const auto o = run_trafficgen({"sink", "--vdev", "net_pcap0,rx_pcap=" + dir + "/wire.pcap", "--idle-timeout",
                                       "1", "--duration", "30", "--quiet"});
        ASSERT_EQ(o.exit_code, 0) << o.err;
        const auto& s = o.report["sink"];
        const auto& p = s["protocols"][proto];
        EXPECT_EQ(o.report["stopped_by"], "idle");
        EXPECT_EQ(s["frames"], wire.size());
        EXPECT_EQ(p["packets"], sent.size() - dropped + duplicated);
        EXPECT_EQ(p["lost"], dropped);
        EXPECT_EQ(p["duplicates"], duplicated);
        EXPECT_EQ(p["reordered"], reordered);
        EXPECT_EQ(p["bad_l4_checksum"], 7u);
        EXPECT_EQ(p["bad_ip_checksum"], 5u);
        EXPECT_EQ(s["non_test"], 8u);
        EXPECT_EQ(s["malformed"], 1u);
        std::filesystem::remove_all(dir);
    }
}

}  // namespace
}  // namespace tg::testing
