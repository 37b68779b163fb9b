#include "traffic/frame_template.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "proto/byte_order.hpp"
#include "proto/checksum.hpp"
#include "proto/dns.hpp"
#include "proto/parse.hpp"
#include "proto/sctp_build.hpp"
#include "proto/sctp_parse.hpp"
#include "proto/tcp.hpp"
#include "proto/test_header.hpp"
#include "traffic/config_error.hpp"

namespace tg::traffic {
namespace {

using namespace tg::proto;

L2Spec l2_with(std::uint8_t vlans) {
    L2Spec l2;
    l2.src = *MacAddress::parse("02:00:00:00:00:01");
    l2.dst = *MacAddress::parse("02:00:00:00:00:02");
    for (std::uint8_t i = 0; i < vlans; ++i) l2.vlans[l2.vlan_count++] = {i == 0 && vlans == 2 ? ether_type::qinq : ether_type::vlan, static_cast<std::uint16_t>(100 + i)};
    return l2;
}

// The same packet built from scratch with the protocol library's builders, every checksum
// computed in full.
std::vector<std::uint8_t> reference(const FrameTemplate& t, const PacketFields& f) {
    const TemplateSpec& s = t.spec();
    L3Spec l3;
    l3.src = f.flow->src;
    l3.dst = f.flow->dst;
    l3.ttl = s.ttl;
    std::vector<std::uint8_t> payload(t.payload_bytes(), 0);
    if (s.protocol != Protocol::arp && s.protocol != Protocol::dns) {
        EXPECT_TRUE(write_test_header(payload, {f.flow_id, f.stream_id, f.seq, f.tx_ns, f.flags}));
    }
    std::vector<std::uint8_t> out(10000);
    BuildResult r;
    switch (s.protocol) {
        case Protocol::udp: r = build_udp_frame(out, s.l2, l3, {f.flow->src_port, f.flow->dst_port}, payload); break;
        case Protocol::tcp: {
            TcpSpec tcp;
            tcp.src_port = f.flow->src_port;
            tcp.dst_port = f.flow->dst_port;
            tcp.seq = f.tcp_seq;
            tcp.flags = tcp_flag::ack | tcp_flag::psh;
            r = build_tcp_frame(out, s.l2, l3, tcp, payload);
            break;
        }
        case Protocol::sctp: {
            std::vector<std::uint8_t> chunks(payload.size() + 64);
            SctpChunkWriter w(chunks);
            EXPECT_TRUE(w.data({f.sctp_tsn, f.stream_id, f.sctp_ssn, s.sctp_ppid, sctp_data_flag::whole_message}, payload));
            r = build_sctp_frame(out, s.l2, l3, {f.flow->src_port, f.flow->dst_port, f.sctp_vtag}, w.written());
            break;
        }
        case Protocol::icmp:
            r = build_icmp_echo_frame(out, s.l2, l3, {false, f.flow->src_port, static_cast<std::uint16_t>(f.seq)}, payload);
            break;
        case Protocol::arp: {
            L2Spec broadcast = s.l2;
            broadcast.dst = MacAddress::broadcast();
            r = build_arp_frame(out, broadcast, {arp_op::request, s.l2.src, f.flow->src.v4, {}, f.flow->dst.v4});
            break;
        }
        case Protocol::dns: {
            std::array<std::uint8_t, 512> query{};
            std::copy(s.dns_query.begin(), s.dns_query.end(), query.begin());
            store_be16(query.data(), f.dns_id);
            r = build_udp_frame(out, s.l2, l3, {f.flow->src_port, s.dns_port},
                                std::span<const std::uint8_t>(query).first(s.dns_query.size()));
            break;
        }
        case Protocol::raw:
            for (std::size_t i = test_header_size; i < payload.size(); ++i) {
                payload[i] = s.pattern[(i - test_header_size) % s.pattern.size()];
            }
            r = build_raw_frame(out, s.l2, s.ether_type, payload);
            break;
    }
    EXPECT_TRUE(r.ok());
    out.resize(r.layout.length);
    return out;
}

TEST(FrameTemplate, StampedPacketsEqualPacketsBuiltFromScratch) {
    const std::vector<FlowTuple> flows = {
        {*IpAddress::parse("198.18.0.1"), *IpAddress::parse("198.19.255.254"), 1024, 5201},
        {*IpAddress::parse("198.18.7.9"), *IpAddress::parse("198.19.0.1"), 65535, 0},
        {*IpAddress::parse("255.255.255.255"), *IpAddress::parse("0.0.0.0"), 0, 65535},
    };
    const std::vector<FlowTuple> flows6 = {
        {*IpAddress::parse("2001:2::1"), *IpAddress::parse("2001:2:0:ffff::ffff"), 1024, 5201},
        {*IpAddress::parse("2001:2:ffff::"), *IpAddress::parse("2001:2::2"), 40000, 36412},
    };
    int checked = 0;
    std::string why;
    const auto query = dns_query("_diameter._sctp.epc.mnc001.mcc001.3gppnetwork.org", dns_type::naptr, why);
    ASSERT_FALSE(query.empty()) << why;
    for (Protocol p : all_protocols) {
        // ARP and DNS frames are as long as their request.
        const bool sized = p != Protocol::arp && p != Protocol::dns;
        for (bool v6 : {false, true}) {
            if (p == Protocol::arp && v6) continue;
            for (int vlan_n : {0, 1, 2}) {
                const auto vlans = static_cast<std::uint8_t>(vlan_n);
                const std::uint32_t min = FrameTemplate::min_frame_size(p, v6, vlans);
                for (std::uint32_t size : {min, min + 1, min + 2, min + 3, 128u, 1518u, 9018u}) {
                    if (size < min || (!sized && size != min)) continue;
                    TemplateSpec spec;
                    spec.protocol = p;
                    spec.ipv6 = v6;
                    spec.l2 = l2_with(vlans);
                    spec.frame_size = size;
                    spec.sctp_ppid = 46;
                    spec.dns_query = query;
                    spec.dns_port = 5353;
                    spec.ether_type = 0x88b5;
                    spec.pattern = {0xde, 0xad, 0xbe, 0xef, 0x01};
                    const FrameTemplate t(spec);
                    if (sized) {
                        ASSERT_LE(t.frame_size(), size);
                        ASSERT_GE(t.frame_size() + 3, size);
                    }
                    EXPECT_EQ(t.bytes().size() + 4, std::max<std::size_t>(t.frame_size(), 64));
                    // One buffer stamped again and again: nothing of an earlier packet may stay.
                    std::vector<std::uint8_t> buf(t.bytes().begin(), t.bytes().end());
                    std::uint32_t seq = 0xfffffff0;
                    for (const auto& flow : v6 ? flows6 : flows) {
                        for (int k = 0; k < 3; ++k, seq += 7) {
                            PacketFields f;
                            f.flow = &flow;
                            f.flow_id = seq & 0xffffff;
                            f.stream_id = static_cast<std::uint16_t>(seq % 5);
                            f.seq = seq;
                            f.tx_ns = 0x0000ffffffffffffull - seq;
                            f.flags = static_cast<std::uint8_t>(k == 2 ? test_flag::last : 0);
                            f.tcp_seq = seq * 1460u;
                            f.sctp_vtag = ~seq;
                            f.sctp_tsn = seq + 1;
                            f.sctp_ssn = static_cast<std::uint16_t>(seq);
                            f.dns_id = static_cast<std::uint16_t>(seq * 3);
                            t.stamp<false>(buf.data(), f);
                            const auto ref = reference(t, f);
                            ASSERT_EQ(buf, ref) << to_string(p) << (v6 ? " v6" : " v4") << " vlans " << int{vlans}
                                                << " size " << size;
                            // Raw frames are of an EtherType no parser knows.
                            if (p != Protocol::raw) {
                                ASSERT_TRUE(parse_frame(buf).status.ok()) << to_string(p);
                            }
                            ++checked;
                        }
                    }
                }
            }
        }
    }
    EXPECT_GT(checked, 400);
}

TEST(FrameTemplate, OffloadLeavesThePseudoHeaderSumForTheNic) {
    TemplateSpec spec;
    spec.protocol = Protocol::udp;
    spec.frame_size = 128;
    const FrameTemplate t(spec);
    const FlowTuple flow{*IpAddress::parse("198.18.0.1"), *IpAddress::parse("198.18.0.2"), 1, 2};
    std::vector<std::uint8_t> buf(t.bytes().begin(), t.bytes().end());
    PacketFields f;
    f.flow = &flow;
    t.stamp<true>(buf.data(), f);
    const auto r = parse_frame(buf, {.verify_ipv4_checksum = false, .verify_l4_checksum = false});
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(r.view.ipv4->checksum.get(), 0);
    const std::uint16_t pseudo = inet_fold(ipv4_pseudo_sum(flow.src.v4, flow.dst.v4, 17, static_cast<std::uint16_t>(r.view.l4_length)));
    EXPECT_EQ(r.view.udp->checksum.get(), pseudo);
}

TEST(FrameTemplate, TooSmallSaysWhatIsNeeded) {
    TemplateSpec spec;
    spec.protocol = Protocol::tcp;
    spec.frame_size = 64;
    try {
        FrameTemplate t(spec);
        FAIL() << "accepted a 64-byte TCP frame with a test header";
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "--size 64 is too small for tcp/IPv4: its headers and the 18-byte test header need 76 bytes");
    }
    EXPECT_EQ(FrameTemplate::min_frame_size(Protocol::udp, false, 0), 64u);
    EXPECT_EQ(FrameTemplate::min_frame_size(Protocol::sctp, true, 1), 110u);  // 18+40+12+36+4
}

}  // namespace
}  // namespace tg::traffic
