// A host's presence: ARP, neighbour discovery and echo answered for its own addresses
// only, announcements, and next-hop resolution with retries. Each answer is read back
// with the parser, checksums verified.
#include "traffic/presence.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "proto/icmp.hpp"
#include "proto/ip.hpp"
#include "proto/ndp.hpp"
#include "traffic/config_error.hpp"

namespace tg::traffic {
namespace {

const proto::MacAddress our_mac{{0x02, 0, 0, 0, 0, 0x01}};
const proto::MacAddress peer_mac{{0x02, 0, 0, 0, 0, 0x99}};
const proto::MacAddress broadcast{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

proto::IpAddress ip(const char* s) { return *proto::IpAddress::parse(s); }

HostPresence make(const char* owned, std::uint32_t announce_max = 64) {
    PresenceConfig c;
    c.mac = our_mac;
    c.owned = OwnedAddresses::parse(owned, "--ip");
    c.announce_max = announce_max;
    return HostPresence(c);
}

std::vector<std::uint8_t> arp(std::uint16_t op, const proto::MacAddress& smac, const char* sip, const char* tip,
                              std::uint16_t vlan = 0) {
    std::vector<std::uint8_t> f(128);
    proto::L2Spec l2;
    l2.src = smac;
    l2.dst = broadcast;
    if (vlan != 0) l2.vlans[l2.vlan_count++] = {proto::ether_type::vlan, vlan};
    proto::ArpSpec a;
    a.operation = op;
    a.sender_mac = smac;
    a.sender_ip = ip(sip).v4;
    a.target_ip = ip(tip).v4;
    const auto r = proto::build_arp_frame(f, l2, a);
    EXPECT_TRUE(r.ok());
    f.resize(r.layout.length);
    return f;
}

std::vector<std::uint8_t> echo_request(const char* src, const char* dst, std::size_t payload) {
    std::vector<std::uint8_t> f(2048), data(payload);
    for (std::size_t i = 0; i < payload; ++i) data[i] = static_cast<std::uint8_t>(i * 7);
    proto::L2Spec l2;
    l2.src = peer_mac;
    l2.dst = our_mac;
    proto::L3Spec l3;
    l3.src = ip(src);
    l3.dst = ip(dst);
    const auto r = proto::build_icmp_echo_frame(f, l2, l3, {false, 0x1234, 7}, data);
    EXPECT_TRUE(r.ok());
    f.resize(r.layout.length);
    return f;
}

proto::ParseResult parse(const std::vector<std::uint8_t>& f) { return proto::parse_frame(f); }

std::vector<std::vector<std::uint8_t>> drain(HostPresence& p) {
    std::vector<std::vector<std::uint8_t>> out;
    for (;;) {
        std::vector<std::uint8_t> f(2048);
        const std::size_t n = p.next_frame(f);
        if (n == 0) return out;
        f.resize(n);
        out.push_back(f);
    }
}

TEST(Presence, AnswersArpForItsOwnAddressesOnly) {
    auto p = make("198.19.0.1-198.19.0.4");
    auto req = arp(proto::arp_op::request, peer_mac, "198.19.0.254", "198.19.0.3", 100);
    EXPECT_TRUE(p.offer(parse(req).view, 0));
    auto other = arp(proto::arp_op::request, peer_mac, "198.19.0.254", "198.19.0.5");
    EXPECT_TRUE(p.offer(parse(other).view, 0));
    const auto out = drain(p);
    ASSERT_EQ(out.size(), 1u);
    const auto r = parse(out[0]);
    ASSERT_TRUE(r.status.ok());
    ASSERT_NE(r.view.arp, nullptr);
    EXPECT_EQ(r.view.ethernet->dst, peer_mac);
    EXPECT_EQ(r.view.ethernet->src, our_mac);
    ASSERT_EQ(r.view.vlan_count, 1);  // answered on the tag it was asked on
    EXPECT_EQ(proto::vlan_id(r.view.vlan_tci[0]), 100);
    EXPECT_EQ(r.view.arp->operation.get(), proto::arp_op::reply);
    EXPECT_EQ(r.view.arp->sender_mac, our_mac);
    EXPECT_EQ(r.view.arp->sender_ip, ip("198.19.0.3").v4);
    EXPECT_EQ(r.view.arp->target_mac, peer_mac);
    EXPECT_EQ(r.view.arp->target_ip, ip("198.19.0.254").v4);
    EXPECT_EQ(p.counters().arp_requests_answered, 1u);
    EXPECT_EQ(p.counters().not_ours, 1u);
}

TEST(Presence, AnswersEchoWithTheSamePayloadIPv4AndIPv6) {
    auto p = make("198.19.0.1,2001:2:0:1::1");
    for (const auto& [src, dst] : {std::pair{"198.19.0.254", "198.19.0.1"}, std::pair{"2001:2:0:1::fe", "2001:2:0:1::1"}}) {
        const auto req = echo_request(src, dst, 56);
        ASSERT_TRUE(p.offer(parse(req).view, 0));
        const auto out = drain(p);
        ASSERT_EQ(out.size(), 1u);
        const auto r = parse(out[0]);  // checksums verified by the parser
        ASSERT_TRUE(r.status.ok()) << proto::to_string(r.status.error);
        ASSERT_NE(r.view.icmp, nullptr);
        const bool v6 = r.view.ipv6 != nullptr;
        EXPECT_EQ(r.view.icmp->type, v6 ? proto::icmp_type::v6_echo_reply : proto::icmp_type::v4_echo_reply);
        EXPECT_EQ(r.view.source(), ip(dst));
        EXPECT_EQ(r.view.destination(), ip(src));
        EXPECT_EQ(r.view.ethernet->dst, peer_mac);
        const auto* e = reinterpret_cast<const proto::IcmpEchoHeader*>(out[0].data() + r.view.l4_offset);
        EXPECT_EQ(e->identifier.get(), 0x1234);
        EXPECT_EQ(e->sequence.get(), 7);
        const auto want = parse(req).view.payload();
        const auto got = r.view.payload();
        ASSERT_EQ(got.size(), want.size());
        EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin()));
    }
    EXPECT_EQ(p.counters().echo_requests_answered, 2u);
    // Someone else's address: not answered.
    const auto req = echo_request("198.19.0.254", "198.19.0.2", 8);
    EXPECT_TRUE(p.offer(parse(req).view, 0));
    EXPECT_TRUE(drain(p).empty());
    EXPECT_EQ(p.counters().not_ours, 1u);
}

TEST(Presence, AnswersNeighbourSolicitationWithItsMac) {
    auto p = make("2001:2:0:1::1-2001:2:0:1::8");
    PresenceConfig ac;
    ac.mac = peer_mac;
    ac.owned = OwnedAddresses::parse("2001:2:0:1::fe", "x");
    HostPresence peer(ac);
    peer.resolve(ip("2001:2:0:1::5"), ip("2001:2:0:1::fe"), 0);
    peer.tick(0);
    const auto ns = drain(peer);
    ASSERT_EQ(ns.size(), 1u);
    const auto nsr = parse(ns[0]);
    ASSERT_TRUE(nsr.status.ok());
    EXPECT_EQ(nsr.view.ipv6->hop_limit, 255);
    EXPECT_EQ(nsr.view.destination(), ip("ff02::1:ff00:5"));
    EXPECT_EQ(nsr.view.ethernet->dst, (proto::MacAddress{{0x33, 0x33, 0xff, 0, 0, 5}}));

    ASSERT_TRUE(p.offer(nsr.view, 0));
    const auto na = drain(p);
    ASSERT_EQ(na.size(), 1u);
    const auto nar = parse(na[0]);
    ASSERT_TRUE(nar.status.ok()) << proto::to_string(nar.status.error);
    EXPECT_EQ(nar.view.icmp->type, proto::icmp_type::v6_neighbour_advertisement);
    EXPECT_EQ(nar.view.ipv6->hop_limit, 255);
    EXPECT_EQ(nar.view.destination(), ip("2001:2:0:1::fe"));
    EXPECT_EQ(nar.view.ethernet->dst, peer_mac);
    proto::NdView nd;
    ASSERT_EQ(proto::parse_nd(nar.view.payload(), proto::nd_option::target_link_layer, nd), proto::ParseError::none);
    EXPECT_EQ(nd.target, ip("2001:2:0:1::5").v6);
    EXPECT_EQ(nd.flags, proto::nd_flag::solicited | proto::nd_flag::override_entry);
    ASSERT_TRUE(nd.link.has_value());
    EXPECT_EQ(*nd.link, our_mac);

    // The asker learns it.
    ASSERT_TRUE(peer.offer(nar.view, 5));
    const NextHop* h = peer.next_hop(ip("2001:2:0:1::5"));
    ASSERT_NE(h, nullptr);
    ASSERT_TRUE(h->mac.has_value());
    EXPECT_EQ(*h->mac, our_mac);
    EXPECT_EQ(peer.counters().next_hops_resolved, 1u);
    EXPECT_FALSE(peer.resolving());
}

TEST(Presence, RefusesNeighbourDiscoveryThatWasForwarded) {
    auto p = make("2001:2:0:1::1");
    std::vector<std::uint8_t> f(256);
    proto::L2Spec l2;
    l2.src = peer_mac;
    const auto r = proto::build_neighbour_solicitation(f, l2, ip("2001:2:0:1::fe").v6, ip("2001:2:0:1::1").v6);
    ASSERT_TRUE(r.ok());
    f.resize(r.layout.length);
    // Hop limit 254: forwarded once, so not from this link. (The checksum does not cover it.)
    f[r.layout.l3_offset + 7] = 254;
    EXPECT_TRUE(p.offer(parse(f).view, 0));
    EXPECT_TRUE(drain(p).empty());
    EXPECT_EQ(p.counters().malformed, 1u);
}

TEST(Presence, ResolvesByArpWithRetriesThenGivesUp) {
    auto p = make("198.18.0.1");
    p.resolve(ip("198.18.0.254"), ip("198.18.0.1"), 1000);
    EXPECT_TRUE(p.resolving());
    p.tick(1000);
    auto out = drain(p);
    ASSERT_EQ(out.size(), 1u);
    const auto r = parse(out[0]);
    ASSERT_NE(r.view.arp, nullptr);
    EXPECT_EQ(r.view.ethernet->dst, broadcast);
    EXPECT_EQ(r.view.arp->operation.get(), proto::arp_op::request);
    EXPECT_EQ(r.view.arp->sender_ip, ip("198.18.0.1").v4);
    EXPECT_EQ(r.view.arp->target_ip, ip("198.18.0.254").v4);
    p.tick(1500);  // not yet
    EXPECT_TRUE(drain(p).empty());
    p.tick(2000);
    p.tick(3000);
    EXPECT_EQ(drain(p).size(), 1u);  // one queued request per hop, however many ticks
    p.tick(4000);  // three asked, no answer
    EXPECT_FALSE(p.resolving());
    EXPECT_TRUE(p.next_hop(ip("198.18.0.254"))->gave_up);
    EXPECT_EQ(p.counters().resolution_requests, 2u);
    EXPECT_EQ(p.counters().next_hops_unanswered, 1u);
    EXPECT_EQ(p.next_hop(ip("198.18.0.254"))->tries, 3u);
}

TEST(Presence, LearnsTheNextHopFromItsReplyOrItsOwnRequest) {
    auto p = make("198.18.0.1");
    p.resolve(ip("198.18.0.254"), ip("198.18.0.1"), 0);
    p.tick(0);
    (void)drain(p);
    // The router asks for us first: its request tells its MAC, and is answered.
    auto req = arp(proto::arp_op::request, peer_mac, "198.18.0.254", "198.18.0.1");
    ASSERT_TRUE(p.offer(parse(req).view, 40));
    EXPECT_EQ(*p.next_hop(ip("198.18.0.254"))->mac, peer_mac);
    EXPECT_EQ(p.next_hop(ip("198.18.0.254"))->resolved_ms, 40u);
    EXPECT_EQ(drain(p).size(), 1u);
    EXPECT_FALSE(p.resolving());
}

TEST(Presence, AnnouncesEachAddressUpToTheCap) {
    auto p = make("198.18.0.1-198.18.0.10,2001:2::1", 4);
    p.announce();
    const auto out = drain(p);
    ASSERT_EQ(out.size(), 4u);  // the first four of the first range
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto r = parse(out[i]);
        ASSERT_NE(r.view.arp, nullptr);
        EXPECT_EQ(r.view.ethernet->dst, broadcast);
        EXPECT_EQ(r.view.arp->sender_ip, r.view.arp->target_ip);
        EXPECT_EQ(r.view.arp->sender_mac, our_mac);
    }
    auto q = make("2001:2::1");
    q.announce();
    const auto na = drain(q);
    ASSERT_EQ(na.size(), 1u);
    const auto r = parse(na[0]);
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(r.view.destination(), ip("ff02::1"));
    EXPECT_EQ(r.view.ethernet->dst, (proto::MacAddress{{0x33, 0x33, 0, 0, 0, 1}}));
    EXPECT_EQ(q.counters().announcements, 1u);
}

TEST(Presence, AFullAnswerQueueDropsAndCounts) {
    auto p = make("198.19.0.1");
    auto req = arp(proto::arp_op::request, peer_mac, "198.19.0.254", "198.19.0.1");
    for (int i = 0; i < 70; ++i) p.offer(parse(req).view, 0);
    EXPECT_EQ(drain(p).size(), 64u);
    EXPECT_EQ(p.counters().answers_dropped, 6u);
    EXPECT_EQ(p.counters().arp_requests_answered, 64u);
}

TEST(Presence, TwoWholeReceiveBurstsOfPingsAreAllAnswered) {
    // A sink core that fell behind takes its ring's pings 32 at a time, twice, before it
    // sends its answers: every one is answered.
    auto p = make("198.19.0.1");
    const auto req = echo_request("198.19.0.254", "198.19.0.1", 56);
    for (int i = 0; i < 64; ++i) p.offer(parse(req).view, 0);
    EXPECT_EQ(drain(p).size(), 64u);
    EXPECT_EQ(p.counters().answers_dropped, 0u);
    EXPECT_EQ(p.counters().echo_requests_answered, 64u);
}

TEST(Presence, TellsItsFramesFromTheRestCheaply) {
    EXPECT_TRUE(wants_presence(arp(proto::arp_op::request, peer_mac, "198.19.0.254", "198.19.0.1", 7)));
    EXPECT_TRUE(wants_presence(echo_request("198.19.0.254", "198.19.0.1", 8)));
    EXPECT_TRUE(wants_presence(echo_request("2001:2::fe", "2001:2::1", 8)));
    std::vector<std::uint8_t> udp(128);
    proto::L3Spec l3;
    l3.src = ip("198.18.0.1");
    l3.dst = ip("198.19.0.1");
    const auto r = proto::build_udp_frame(udp, {}, l3, {1, 2}, {});
    udp.resize(r.layout.length);
    EXPECT_FALSE(wants_presence(udp));
    EXPECT_FALSE(wants_presence(std::vector<std::uint8_t>(10)));
}

TEST(Presence, OwnedAddressListsAreChecked) {
    const auto o = OwnedAddresses::parse("198.19.0.1-198.19.0.3,2001:2::1", "--ip");
    EXPECT_TRUE(o.contains(ip("198.19.0.3")));
    EXPECT_FALSE(o.contains(ip("198.19.0.4")));
    EXPECT_FALSE(o.contains(ip("198.19.0.0")));
    EXPECT_TRUE(o.contains(ip("2001:2::1")));
    EXPECT_FALSE(o.contains(ip("2001:3::1")));
    EXPECT_EQ(o.to_string(), "198.19.0.1-198.19.0.3,2001:2::1");
    EXPECT_THROW((void)OwnedAddresses::parse("198.19.0.1,,198.19.0.2", "--ip"), ConfigError);
    EXPECT_THROW((void)OwnedAddresses::parse("198.19.0.300", "--ip"), ConfigError);
}

}  // namespace
}  // namespace tg::traffic
