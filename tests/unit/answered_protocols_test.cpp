// ICMP echo, ARP and DNS: a sink counts the requests, the generator's own core counts the
// answers (echo replies with their round trip, ARP replies, DNS responses matched to
// their queries by ID and port, by RCODE, late or stray).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/build.hpp"
#include "proto/byte_order.hpp"
#include "proto/dns.hpp"
#include "proto/test_header.hpp"
#include "sink/sink_core.hpp"
#include "traffic/dns_clock.hpp"
#include "traffic/presence.hpp"

namespace tg::sink {
namespace {

using traffic::Protocol;

const proto::IpAddress generator_ip = proto::Ipv4Address::of(198, 18, 0, 1);
const proto::IpAddress peer_ip = proto::Ipv4Address::of(198, 19, 0, 1);
const proto::MacAddress generator_mac{{2, 0, 0, 0, 0, 1}};
const proto::MacAddress peer_mac{{2, 0, 0, 0, 0, 2}};

std::vector<std::uint8_t> echo(bool reply, std::uint32_t seq, std::uint64_t tx_ns, bool with_header = true) {
    std::vector<std::uint8_t> payload(40, 0x5a);
    if (with_header) {
        EXPECT_TRUE(proto::write_test_header(payload, {7, 0, seq, tx_ns, 0}));
    }
    proto::L3Spec l3;
    l3.src = reply ? peer_ip : generator_ip;
    l3.dst = reply ? generator_ip : peer_ip;
    std::vector<std::uint8_t> out(256);
    out.resize(proto::build_icmp_echo_frame(out, {}, l3, {reply, 1024, static_cast<std::uint16_t>(seq)}, payload)
                   .layout.length);
    return out;
}

std::vector<std::uint8_t> arp(std::uint16_t op, const proto::IpAddress& sender, const proto::IpAddress& target) {
    std::vector<std::uint8_t> out(64);
    out.resize(proto::build_arp_frame(out, {}, {op, generator_mac, sender.v4, peer_mac, target.v4}).layout.length);
    return out;
}

std::vector<std::uint8_t> dns(bool response, std::uint16_t id, std::uint16_t client_port, std::uint8_t rcode,
                              std::uint16_t answers = 0, bool test_header = false) {
    std::string why;
    auto m = proto::dns_query("www.example.org", proto::dns_type::a, why);
    proto::store_be16(m.data(), id);
    if (response) {
        m[2] |= 0x80;
        m[3] = rcode;
        proto::store_be16(m.data() + 6, answers);
    }
    if (test_header) {
        m.assign(40, 0);
        EXPECT_TRUE(proto::write_test_header(m, {3, 0, 1, 1, 0}));
    }
    proto::L3Spec l3;
    l3.src = response ? peer_ip : generator_ip;
    l3.dst = response ? generator_ip : peer_ip;
    std::vector<std::uint8_t> out(256);
    const std::uint16_t sp = response ? proto::dns_port : client_port, dp = response ? client_port : proto::dns_port;
    out.resize(proto::build_udp_frame(out, {}, l3, {sp, dp}, m).layout.length);
    return out;
}

const ProtocolTotals& of(const SinkCore& s, Protocol p) { return s.totals().protocols[static_cast<std::size_t>(p)]; }

TEST(AnsweredProtocols, ASinkCountsRequestsAndTheGeneratorCountsAnswers) {
    SinkCore sink({});
    SinkConfig answers_config;
    answers_config.count_answers = true;
    answers_config.shared_clock = true;
    SinkCore generator(answers_config);
    for (std::uint32_t seq = 0; seq < 10; ++seq) {
        // Request 4 is lost on the way back: the generator has 9 replies and one gap.
        (void)sink.process(echo(false, seq, 1000 + seq), {5000});
        if (seq != 4) (void)generator.process(echo(true, seq, 1000 + seq), {1000 + seq + 250'000});
    }
    // Someone else's ping (no test header) is nobody's traffic; a request never counts as an answer.
    (void)sink.process(echo(false, 99, 0, false), {6000});
    (void)generator.process(echo(false, 100, 1), {7000});
    EXPECT_EQ(of(sink, Protocol::icmp).packets, 10u);
    EXPECT_EQ(of(generator, Protocol::icmp).packets, 9u);
    EXPECT_EQ(of(generator, Protocol::icmp).latency.min(), 250'000u);
    EXPECT_EQ(of(generator, Protocol::icmp).latency.max(), 250'000u);
    std::uint64_t lost = 0;
    generator.for_each_stream([&](const StreamStats& s) { lost += s.sequence.lost(); });
    EXPECT_EQ(lost, 1u);

    // ARP: requests at the sink (an announcement asks nobody), replies at the generator.
    for (int i = 0; i < 3; ++i) (void)sink.process(arp(proto::arp_op::request, generator_ip, peer_ip), {});
    (void)sink.process(arp(proto::arp_op::request, generator_ip, generator_ip), {});
    (void)sink.process(arp(proto::arp_op::reply, peer_ip, generator_ip), {});
    (void)generator.process(arp(proto::arp_op::reply, peer_ip, generator_ip), {});
    (void)generator.process(arp(proto::arp_op::request, peer_ip, generator_ip), {});
    EXPECT_EQ(of(sink, Protocol::arp).packets, 3u);
    EXPECT_EQ(of(generator, Protocol::arp).packets, 1u);

    // A DNS query at a sink; UDP test traffic to port 53 stays UDP.
    (void)sink.process(dns(false, 1, 1024, 0), {});
    (void)sink.process(dns(false, 2, 1024, 0, 0, true), {});
    EXPECT_EQ(of(sink, Protocol::dns).packets, 1u);
    EXPECT_EQ(of(sink, Protocol::udp).packets, 1u);
}

TEST(AnsweredProtocols, DnsAnswersAreMatchedByIdAndPortAndCountedByRcodeInTime) {
    // On a clock that reads like the time of day: far beyond 48 bits.
    const std::uint64_t base = 1'780'000'000'000'000'000ull;
    traffic::DnsQueryClock clock(base - 1000);
    SinkConfig c;
    c.count_answers = true;
    c.shared_clock = true;
    c.dns_clock = &clock;
    c.dns_timeout_ns = 1'000'000;
    SinkCore generator(c);
    clock.sent(10, 1024, base);
    clock.sent(11, 1024, base);
    clock.sent(12, 1025, base);
    clock.sent(13, 1024, base);
    (void)generator.process(dns(true, 10, 1024, 0, 2), {base + 300'000});   // NOERROR in 0.3 ms
    (void)generator.process(dns(true, 10, 1024, 0, 2), {base + 400'000});   // the same again: a duplicate
    (void)generator.process(dns(true, 11, 1024, 3), {base + 500'000});      // NXDOMAIN
    (void)generator.process(dns(true, 12, 1024, 0, 1), {base + 500'000});   // to the wrong port: not ours
    (void)generator.process(dns(true, 13, 1024, 2), {base + 2'000'000});    // SERVFAIL after the timeout
    (void)generator.process(dns(false, 14, 1024, 0), {base});               // a query is no answer
    const DnsTally& d = generator.totals().dns;
    EXPECT_EQ(d.answered, 2u);
    EXPECT_EQ(d.rcodes[0], 1u);
    EXPECT_EQ(d.rcodes[3], 1u);
    EXPECT_EQ(d.rcodes[2], 0u);
    EXPECT_EQ(d.late, 1u);
    EXPECT_EQ(d.unmatched, 2u);
    EXPECT_EQ(d.with_answers, 1u);
    EXPECT_EQ(of(generator, Protocol::dns).latency.count(), 2u);
    EXPECT_EQ(of(generator, Protocol::dns).latency.max(), 500'000u);
    // Query 12 is still waiting for its answer on port 1025.
    std::uint64_t sent = 0;
    EXPECT_TRUE(clock.answered(12, 1025, sent));
    EXPECT_EQ(sent, base);
}

TEST(AnsweredProtocols, RepliesAreToldApartFromRequestsTheCheapWay) {
    EXPECT_TRUE(traffic::is_echo_or_arp_reply(echo(true, 1, 1)));
    EXPECT_FALSE(traffic::is_echo_or_arp_reply(echo(false, 1, 1)));
    EXPECT_TRUE(traffic::is_echo_or_arp_reply(arp(proto::arp_op::reply, peer_ip, generator_ip)));
    EXPECT_FALSE(traffic::is_echo_or_arp_reply(arp(proto::arp_op::request, generator_ip, peer_ip)));
    EXPECT_FALSE(traffic::is_echo_or_arp_reply(dns(true, 1, 1024, 0)));
    std::vector<std::uint8_t> v6(256);
    proto::L3Spec l3;
    l3.src = *proto::IpAddress::parse("2001:2::2");
    l3.dst = *proto::IpAddress::parse("2001:2::1");
    v6.resize(proto::build_icmp_echo_frame(v6, {}, l3, {true, 1, 1}, {}).layout.length);
    EXPECT_TRUE(traffic::is_echo_or_arp_reply(v6));
    v6.resize(20);
    EXPECT_FALSE(traffic::is_echo_or_arp_reply(v6));
}

TEST(DnsQuery, NamesBecomeLabelsAndBadNamesAreRefusedWithWhy) {
    std::string why;
    const auto q = proto::dns_query("www.example.org.", proto::dns_type::aaaa, why);
    const std::vector<std::uint8_t> want = {0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 7, 'e', 'x', 'a',
                                            'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0, 0, 28, 0, 1};
    EXPECT_EQ(q, want);
    const std::vector<std::string> bad_names = {"", "a..b", ".a", "exa mple.org", std::string(64, 'a') + ".org"};
    for (const std::string& bad : bad_names) {
        why.clear();
        EXPECT_TRUE(proto::dns_query(bad, 1, why).empty()) << bad;
        EXPECT_FALSE(why.empty()) << bad;
    }
    EXPECT_EQ(proto::parse_dns_type("naptr"), proto::dns_type::naptr);
    EXPECT_EQ(proto::parse_dns_type("65"), 65);
    EXPECT_FALSE(proto::parse_dns_type("A6X"));
    EXPECT_FALSE(proto::parse_dns_type("0"));
    EXPECT_STREQ(proto::dns_rcode_name(3), "NXDOMAIN");
}

}  // namespace
}  // namespace tg::sink
