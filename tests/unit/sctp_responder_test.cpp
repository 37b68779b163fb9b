// The sink's SCTP responder on whole frames: an INIT in a VLAN-tagged frame is answered
// by an INIT ACK frame going back the way it came (MACs and addresses swapped, the tag
// kept, a good CRC32c), and stateless DATA of no association is left alone.
#include <gtest/gtest.h>

#include <vector>

#include "proto/build.hpp"
#include "proto/crc32c.hpp"
#include "proto/parse.hpp"
#include "proto/sctp_build.hpp"
#include "sink/sink_core.hpp"

namespace tg::sink {
namespace {

using namespace tg::proto;

std::vector<std::uint8_t> sctp_frame(const std::vector<std::uint8_t>& chunks, std::uint32_t vtag) {
    L2Spec l2;
    l2.src = MacAddress{{0x02, 0, 0, 0, 0, 0x01}};
    l2.dst = MacAddress{{0x02, 0, 0, 0, 0, 0x02}};
    l2.vlans[0] = {ether_type::vlan, 100};
    l2.vlan_count = 1;
    L3Spec l3;
    l3.src = *IpAddress::parse("198.18.0.1");
    l3.dst = *IpAddress::parse("198.19.0.1");
    std::vector<std::uint8_t> f(1600);
    const auto r = build_sctp_frame(f, l2, l3, {40000, 36412, vtag}, chunks);
    EXPECT_TRUE(r.ok());
    f.resize(r.layout.length);
    return f;
}

TEST(SctpResponder, AnInitIsAnsweredWithAnInitAckTheWayItCame) {
    SinkCore core(SinkConfig{});
    ASSERT_NE(core.sctp(), nullptr);
    SctpInitSpec init;
    init.initiate_tag = 0x1234;
    init.a_rwnd = 65536;
    init.outbound_streams = 4;
    init.inbound_streams = 4;
    init.initial_tsn = 77;
    const auto frame = sctp_frame(sctp_chunks(64, [&](SctpChunkWriter& w) { w.init(init); }), 0);
    core.process(frame, {5'000'000, NicChecksum::unknown, NicChecksum::unknown});
    core.sctp()->tick(5);
    std::vector<std::uint8_t> out(2048);
    const std::size_t n = core.sctp()->next_frame(out);
    ASSERT_GT(n, 0u);
    out.resize(n);
    const auto r = parse_frame(out);
    ASSERT_TRUE(r.status.ok()) << "a good CRC32c and well formed";
    const PacketView& v = r.view;
    EXPECT_EQ(v.vlan_count, 1u);
    EXPECT_EQ(v.vlan_tci[0] & 0x0fff, 100);
    EXPECT_EQ(std::vector<std::uint8_t>(out.begin(), out.begin() + 6), std::vector<std::uint8_t>(frame.begin() + 6, frame.begin() + 12))
        << "back to the sender's MAC";
    ASSERT_NE(v.ipv4, nullptr);
    EXPECT_EQ(std::vector<std::uint8_t>(out.begin() + v.l3_offset + 16, out.begin() + v.l3_offset + 20),
              (std::vector<std::uint8_t>{198, 18, 0, 1}));
    ASSERT_NE(v.sctp, nullptr);
    EXPECT_EQ(v.sctp->src_port.get(), 36412);
    EXPECT_EQ(v.sctp->dst_port.get(), 40000);
    EXPECT_EQ(v.sctp->verification_tag.get(), 0x1234u);
    EXPECT_EQ(out[v.payload_offset], sctp_chunk::init_ack);
    EXPECT_EQ(core.sctp()->server().size(), 0u) << "no state before COOKIE ECHO";
}

TEST(SctpResponder, StatelessDataIsCountedAndNotAnswered) {
    SinkCore core(SinkConfig{});
    const std::uint8_t payload[32] = {};
    SctpDataSpec d;
    d.tsn = 1;
    const auto frame = sctp_frame(sctp_chunks(64, [&](SctpChunkWriter& w) { w.data(d, payload); }), 0xdead);
    for (int i = 0; i < 10; ++i) core.process(frame, {1'000'000, NicChecksum::unknown, NicChecksum::unknown});
    core.sctp()->tick(1);
    std::vector<std::uint8_t> out(2048);
    EXPECT_EQ(core.sctp()->next_frame(out), 0u);
    EXPECT_EQ(core.sctp()->server().counters().out_of_the_blue, 0u) << "not even looked at";
}

}  // namespace
}  // namespace tg::sink
