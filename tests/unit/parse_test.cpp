#include "proto/parse.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "../common/sample_frames.hpp"
#include "proto/build.hpp"
#include "proto/sctp_build.hpp"
#include "proto/test_header.hpp"

namespace tg::proto {
namespace {

using testing::make_sample_frames;

TEST(ParseFrame, EverySampleFrameParsesBackToWhatWasBuilt) {
    for (const auto& f : make_sample_frames()) {
        SCOPED_TRACE(f.name);
        const auto r = parse_frame(f.bytes);
        ASSERT_TRUE(r.status.ok()) << r.status.describe();
        const PacketView& v = r.view;
        ASSERT_EQ(v.vlan_count, f.vlan_ids.size());
        for (std::size_t i = 0; i < f.vlan_ids.size(); ++i) EXPECT_EQ(vlan_id(v.vlan_tci[i]), f.vlan_ids[i]);
        if (f.l4 == "arp") {
            ASSERT_NE(v.arp, nullptr);
            EXPECT_EQ(v.arp->sender_ip, f.src.v4);
            EXPECT_EQ(v.arp->target_ip, f.dst.v4);
            continue;
        }
        EXPECT_EQ(v.l4_offset, f.l4_offset);
        EXPECT_EQ(v.l4_length, f.l4_length);
        if (f.ipv6) {
            ASSERT_NE(v.ipv6, nullptr);
            EXPECT_EQ(v.ipv6->src, f.src.v6);
            EXPECT_EQ(v.ipv6->dst, f.dst.v6);
        } else {
            ASSERT_NE(v.ipv4, nullptr);
            EXPECT_EQ(v.ipv4->src, f.src.v4);
            EXPECT_EQ(v.ipv4->dst, f.dst.v4);
        }
        if (f.l4 == "udp") {
            ASSERT_NE(v.udp, nullptr);
            EXPECT_EQ(v.udp->src_port.get(), f.src_port);
            EXPECT_EQ(v.udp->dst_port.get(), f.dst_port);
            EXPECT_EQ(v.payload_length, f.payload_length);
        } else if (f.l4 == "tcp") {
            ASSERT_NE(v.tcp, nullptr);
            EXPECT_EQ(v.tcp->seq.get(), f.tcp_seq);
            EXPECT_EQ(v.payload_length, f.payload_length);
        } else if (f.l4 == "sctp") {
            ASSERT_NE(v.sctp, nullptr);
            EXPECT_EQ(v.sctp->verification_tag.get(), f.sctp_vtag);
            EXPECT_EQ(v.sctp_chunk_count, 1);
        } else if (f.l4 == "icmp") {
            ASSERT_NE(v.icmp, nullptr);
        }
        if (f.payload_length >= test_header_size && f.l4 != "sctp") {
            TestHeader h;
            EXPECT_EQ(read_test_header(v.payload(), h), TestHeaderStatus::ok);
        }
    }
}

TEST(ParseFrame, EveryPrefixOfEveryFrameIsRejectedWithAReasonAndNoOverread) {
    for (const auto& f : make_sample_frames()) {
        // The exact copy makes ASan see a read past the prefix as a heap overflow.
        for (std::size_t len = 0; len < f.bytes.size(); ++len) {
            std::vector<std::uint8_t> prefix(f.bytes.begin(), f.bytes.begin() + static_cast<std::ptrdiff_t>(len));
            const auto r = parse_frame(prefix);
            // Padding bytes past the IP length may go without changing the answer.
            if (r.status.ok()) {
                ASSERT_GE(len, f.l4_offset + f.l4_length) << f.name << " accepted at " << len << " bytes";
                continue;
            }
            ASSERT_TRUE(r.status.error == ParseError::truncated || r.status.error == ParseError::bad_length)
                << f.name << " cut to " << len << ": " << r.status.describe();
        }
    }
}

TEST(ParseFrame, EveryFlippedByteInAChecksummedRegionIsCaught) {
    for (const auto& f : make_sample_frames()) {
        if (f.l4 == "arp") continue;
        for (std::size_t i = f.l4_offset; i < f.l4_offset + f.l4_length; ++i) {
            auto bytes = f.bytes;
            bytes[i] ^= 0x01;
            const auto r = parse_frame(bytes);
            ASSERT_FALSE(r.status.ok()) << f.name << " byte " << i;
        }
    }
}

class Frames : public ::testing::Test {
protected:
    L2Spec l2() const {
        L2Spec l;
        l.src = *MacAddress::parse("02:00:00:00:00:01");
        l.dst = *MacAddress::parse("02:00:00:00:00:02");
        return l;
    }
    L3Spec v4() const {
        L3Spec l;
        l.src = Ipv4Address::of(198, 18, 0, 1);
        l.dst = Ipv4Address::of(198, 18, 0, 2);
        return l;
    }
    L3Spec v6() const {
        L3Spec l;
        l.src = *Ipv6Address::parse("2001:2::1");
        l.dst = *Ipv6Address::parse("2001:2::2");
        return l;
    }
    std::vector<std::uint8_t> udp4(std::size_t payload = 32) {
        std::vector<std::uint8_t> buf(1600);
        std::vector<std::uint8_t> p(payload, 0x5a);
        const auto r = build_udp_frame(buf, l2(), v4(), {1000, 2000}, p);
        EXPECT_TRUE(r.ok());
        buf.resize(r.layout.length);
        return buf;
    }
    std::vector<std::uint8_t> udp6(std::size_t payload = 32) {
        std::vector<std::uint8_t> buf(1600);
        std::vector<std::uint8_t> p(payload, 0x5a);
        const auto r = build_udp_frame(buf, l2(), v6(), {1000, 2000}, p);
        EXPECT_TRUE(r.ok());
        buf.resize(r.layout.length);
        return buf;
    }
};

TEST_F(Frames, ShortFramesArePaddedToTheEthernetMinimum) {
    const auto f = udp4(0);
    EXPECT_EQ(f.size(), ethernet_min_frame);
    const auto r = parse_frame(f);
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(r.view.l4_length, 8u);
    EXPECT_EQ(r.view.payload_length, 0u);
}

TEST_F(Frames, Rfc2544SixtyFourByteUdpFrameCarriesTheTestHeader) {
    std::vector<std::uint8_t> buf(60);
    std::vector<std::uint8_t> payload(test_header_size);
    ASSERT_TRUE(write_test_header(payload, {.flow_id = 1, .stream_id = 0, .seq = 9, .tx_ns = 5, .flags = 0}));
    const auto r = build_udp_frame(buf, l2(), v4(), {1, 2}, payload);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.layout.length, 60u);
}

TEST_F(Frames, ReasonsNameTheLayerAndTheFault) {
    {
        auto f = udp4();
        f[14] = 0x65;  // IPv6 version in an IPv4 EtherType
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::bad_version, Layer::ipv4}));
    }
    {
        auto f = udp4();
        f[14] = 0x44;  // IHL 4
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::bad_header_length, Layer::ipv4}));
    }
    {
        auto f = udp4();
        f[14 + 8] = 1;  // TTL changed, checksum not
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::bad_checksum, Layer::ipv4}));
        EXPECT_TRUE(parse_frame(f, {.verify_ipv4_checksum = false, .verify_l4_checksum = true}).status.ok());
    }
    {
        auto f = udp4();
        f.back() ^= 0xff;
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::bad_checksum, Layer::udp}));
        EXPECT_TRUE(parse_frame(f, {.verify_ipv4_checksum = true, .verify_l4_checksum = false}).status.ok());
    }
    {
        auto f = udp4();
        f[14 + 20 + 4] = 0;  // UDP length 7
        f[14 + 20 + 5] = 7;
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::bad_length, Layer::udp}));
    }
    {
        auto f = udp4();
        f[12] = 0x00;  // 802.3 length field
        f[13] = 0x40;
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::not_ethernet_ii, Layer::ethernet}));
    }
    {
        auto f = udp4();
        f[12] = 0x88;  // an EtherType nobody here decodes (LLDP)
        f[13] = 0xcc;
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::unknown_protocol, Layer::ethernet}));
    }
    {
        auto f = udp6();
        f[14] = 0x45;
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::bad_version, Layer::ipv6}));
    }
    {
        auto f = udp6();
        f[14 + 40 + 6] = 0;  // UDP checksum zero is forbidden over IPv6
        f[14 + 40 + 7] = 0;
        EXPECT_EQ(parse_frame(f).status, (ParseStatus{ParseError::bad_checksum, Layer::udp}));
    }
}

TEST_F(Frames, Ipv4UdpWithoutChecksumIsAccepted) {
    auto f = udp4();
    f[14 + 20 + 6] = 0;
    f[14 + 20 + 7] = 0;
    EXPECT_TRUE(parse_frame(f).status.ok());
}

TEST_F(Frames, Ipv4FragmentsAreRecognised) {
    auto f = udp4();
    f[14 + 6] = 0x20;  // MF
    // The header checksum no longer matches; this test is about the fragment.
    const auto r = parse_frame(f, {.verify_ipv4_checksum = false, .verify_l4_checksum = true});
    EXPECT_EQ(r.status, (ParseStatus{ParseError::fragment, Layer::ipv4}));
    EXPECT_NE(r.view.ipv4, nullptr);
    EXPECT_EQ(r.view.udp, nullptr);
}

TEST_F(Frames, UnknownIpProtocolKeepsTheNetworkLayer) {
    auto f = udp4();
    f[14 + 9] = 47;  // GRE
    const auto r = parse_frame(f, {.verify_ipv4_checksum = false, .verify_l4_checksum = true});
    EXPECT_EQ(r.status, (ParseStatus{ParseError::unknown_protocol, Layer::ipv4}));
    EXPECT_EQ(r.view.l4_protocol, 47);
}

TEST_F(Frames, ThirdVlanTagIsRefused) {
    std::vector<std::uint8_t> f = udp4();
    // Insert three 0x8100 tags by hand.
    std::vector<std::uint8_t> g(f.begin(), f.begin() + 12);
    for (int i = 0; i < 3; ++i) g.insert(g.end(), {0x81, 0x00, 0x00, 0x0a});
    g.insert(g.end(), f.begin() + 12, f.end());
    EXPECT_EQ(parse_frame(g).status, (ParseStatus{ParseError::too_many_vlan_tags, Layer::vlan}));
}

TEST_F(Frames, Ipv6ExtensionHeadersAreSteppedOver) {
    // Rebuild a UDP/IPv6 frame with a hop-by-hop header (PadN) and an atomic fragment
    // header between the IPv6 header and UDP.
    const auto plain = udp6(20);
    const std::size_t ip = 14;
    std::vector<std::uint8_t> f(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(ip + 40));
    const std::uint8_t hbh[] = {ip_proto::ipv6_fragment, 0, 1, 4, 0, 0, 0, 0};     // next: fragment
    const std::uint8_t frag[] = {ip_proto::udp, 0, 0x00, 0x00, 0x12, 0x34, 0x56, 0x78};  // offset 0, M=0
    f.insert(f.end(), std::begin(hbh), std::end(hbh));
    f.insert(f.end(), std::begin(frag), std::end(frag));
    f.insert(f.end(), plain.begin() + static_cast<std::ptrdiff_t>(ip + 40), plain.begin() + static_cast<std::ptrdiff_t>(ip + 40 + 28));
    f[ip + 6] = ip_proto::hop_by_hop;
    f[ip + 4] = 0;
    f[ip + 5] = 16 + 28;
    const auto r = parse_frame(f);
    ASSERT_TRUE(r.status.ok()) << r.status.describe();
    EXPECT_EQ(r.view.l4_protocol, ip_proto::udp);
    EXPECT_EQ(r.view.l4_offset, ip + 40 + 16);
    EXPECT_EQ(r.view.udp->dst_port.get(), 2000);

    auto frag_more = f;
    frag_more[ip + 40 + 8 + 3] = 0x01;  // M flag
    EXPECT_EQ(parse_frame(frag_more).status, (ParseStatus{ParseError::fragment, Layer::ipv6}));

    auto runs_out = f;
    runs_out[ip + 40 + 1] = 9;  // hop-by-hop claims 80 bytes
    EXPECT_EQ(parse_frame(runs_out).status, (ParseStatus{ParseError::truncated, Layer::ipv6}));
}

TEST_F(Frames, Ipv4OptionsAreCheckedForShape) {
    const std::uint8_t bad[] = {0x44, 12, 0, 0};  // timestamp option claiming 12 bytes in 4
    std::vector<std::uint8_t> buf(200);
    L3Spec l3 = v4();
    l3.ipv4_options = bad;
    const auto r = build_udp_frame(buf, l2(), l3, {1, 2}, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(parse_frame(std::span(buf).first(r.layout.length)).status,
              (ParseStatus{ParseError::bad_options, Layer::ipv4}));
}

TEST_F(Frames, BuildersReportWhatIsWrong) {
    std::vector<std::uint8_t> small(40);
    EXPECT_EQ(build_udp_frame(small, l2(), v4(), {1, 2}, {}).error, BuildError::buffer_too_small);
    std::vector<std::uint8_t> buf(70000);
    std::vector<std::uint8_t> huge(65600);
    EXPECT_EQ(build_udp_frame(buf, l2(), v4(), {1, 2}, huge).error, BuildError::too_long);
    L3Spec mixed = v4();
    mixed.dst = *Ipv6Address::parse("2001:2::2");
    EXPECT_EQ(build_udp_frame(buf, l2(), mixed, {1, 2}, {}).error, BuildError::family_mismatch);
    L2Spec tagged = l2();
    tagged.vlan_count = 1;
    tagged.vlans[0] = {0x9999, 1};
    EXPECT_EQ(build_udp_frame(buf, tagged, v4(), {1, 2}, {}).error, BuildError::bad_vlan);
    TcpSpec tcp;
    tcp.options.window_scale = 15;
    EXPECT_EQ(build_tcp_frame(buf, l2(), v4(), tcp, {}).error, BuildError::bad_options);
    L3Spec long_opts = v4();
    std::vector<std::uint8_t> opts(44, ipv4_option::nop);
    long_opts.ipv4_options = opts;
    EXPECT_EQ(build_udp_frame(buf, l2(), long_opts, {1, 2}, {}).error, BuildError::bad_options);
}

TEST_F(Frames, SctpPacketWithoutChunksIsBadLength) {
    std::vector<std::uint8_t> buf(200);
    const auto r = build_sctp_frame(buf, l2(), v4(), {1, 2, 3}, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(parse_frame(std::span(buf).first(r.layout.length)).status,
              (ParseStatus{ParseError::bad_length, Layer::sctp}));
}

TEST_F(Frames, SctpChunkOverrunningThePacketIsCaught) {
    std::vector<std::uint8_t> chunks(64);
    SctpChunkWriter w(chunks);
    ASSERT_TRUE(w.cookie_ack());
    std::vector<std::uint8_t> raw(w.written().begin(), w.written().end());
    raw[3] = 40;  // COOKIE ACK claiming 40 bytes
    std::vector<std::uint8_t> buf(200);
    const auto r = build_sctp_frame(buf, l2(), v4(), {1, 2, 3}, raw);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(parse_frame(std::span(buf).first(r.layout.length)).status,
              (ParseStatus{ParseError::truncated, Layer::sctp}));
}

TEST(ParseStatus, DescribesInOnePhrase) {
    EXPECT_EQ((ParseStatus{ParseError::bad_checksum, Layer::sctp}).describe(), "sctp: bad checksum");
    EXPECT_EQ(ParseStatus{}.describe(), "ok");
}

}  // namespace
}  // namespace tg::proto
