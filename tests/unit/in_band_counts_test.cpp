// In-band counts between a generator's CountsClient and sink cores, frame by frame with no
// port: the answer holds what every core counted (each core's published totals, summed),
// the requests themselves are never counted, an answer to an earlier request is not taken
// for the latest, and the wire format refuses what is not a count request or answer.
#include <gtest/gtest.h>

#include <vector>

#include "client_fixtures.hpp"
#include "proto/counts.hpp"
#include "proto/parse.hpp"
#include "sink/counts_board.hpp"
#include "sink/sink_core.hpp"
#include "traffic/counts_client.hpp"

namespace tg {
namespace {

using traffic::Protocol;

proto::L3Spec l3() {
    proto::L3Spec l;
    l.src = *proto::IpAddress::parse("198.18.0.1");
    l.dst = *proto::IpAddress::parse("198.19.0.1");
    return l;
}

// A UDP test packet of flow `flow`, sequence `seq`.
std::vector<std::uint8_t> test_packet(std::uint32_t flow, std::uint32_t seq) {
    std::vector<std::uint8_t> payload(40, 0), frame(256);
    EXPECT_TRUE(proto::write_test_header(payload, {.flow_id = flow, .seq = seq, .tx_ns = 1000}));
    const auto r = proto::build_udp_frame(frame, testing::client_l2(), l3(), {40000, 5201}, payload);
    EXPECT_TRUE(r.ok());
    frame.resize(r.layout.length);
    return frame;
}

// Sends what the core answers to the client; true when one of them was the latest answer.
bool answers_to(sink::SinkCore& core, traffic::CountsClient& client) {
    std::vector<std::uint8_t> buf(2048);
    bool taken = false;
    for (std::size_t n; (n = core.next_answer(buf)) > 0;) {
        const std::span<const std::uint8_t> f(buf.data(), n);
        EXPECT_TRUE(proto::parse_frame(f).status.ok()) << "the answer's checksums hold";
        taken = client.offer(f) || taken;
    }
    return taken;
}

TEST(InBandCounts, TheWireFormatRoundTripsAndRefusesOthers) {
    std::vector<std::uint8_t> req(proto::counts_request_bytes);
    ASSERT_TRUE(proto::write_counts_request(req, 42, 777, 7));
    const auto h = proto::read_counts_request(req);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->seq, 42u);
    EXPECT_EQ(h->flow_id, proto::counts_flow_id);
    // An ordinary UDP_RR request is no count request, nor is one cut short.
    std::vector<std::uint8_t> rr(64, 0);
    ASSERT_TRUE(proto::write_request(rr, {.flow_id = proto::counts_flow_id, .seq = 1}, 100));
    EXPECT_FALSE(proto::read_counts_request(rr));
    EXPECT_FALSE(proto::read_counts_request(std::span(req).first(proto::counts_request_bytes - 1)));

    const std::vector<proto::CountsEntry> counts = {{1, 2, 3}, {4, 5, 6}, {0xffffffffffffffff, 0, 1}};
    std::vector<std::uint8_t> ans(proto::counts_answer_bytes(3));
    ASSERT_EQ(proto::write_counts_answer(ans, *h, 0x0123456789abcdef, counts), ans.size());
    const auto a = proto::read_counts_answer(ans);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->header.seq, 42u);
    EXPECT_EQ(a->sink_id, 0x0123456789abcdefu);
    ASSERT_EQ(a->entries, 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(a->counts[i], counts[i]);
    EXPECT_FALSE(proto::read_counts_answer(std::span(ans).first(ans.size() - 1))) << "an entry cut short";
    EXPECT_FALSE(proto::read_counts_answer(req)) << "a request is no answer";
    EXPECT_EQ(proto::write_counts_answer(std::span(ans).first(ans.size() - 1), *h, 1, counts), 0u);
}

TEST(InBandCounts, TheAnswerSumsEveryCoreAndTheRequestsAreNotCounted) {
    // Two receive cores, as RSS spreads the flows; the request reaches the second.
    sink::CountsBoard board;
    board.sink_id = 99;
    sink::SinkConfig config;
    config.counts_board = &board;
    sink::SinkCore a(config), b(config);
    board.cores = {&a.live(), &b.live()};

    traffic::CountsClient client(testing::client_l2(), l3(), {40000, 5201});
    std::vector<std::uint8_t> req(256);

    const auto ask = [&](sink::SinkCore& core) {
        const std::size_t n = client.request(req, 5000);
        EXPECT_GT(n, 0u);
        EXPECT_FALSE(core.process({req.data(), n}, {2000})) << "a count request is no test packet";
        core.publish();
        return answers_to(core, client);
    };
    ASSERT_TRUE(ask(b));
    EXPECT_EQ(client.answer()->sink_id, 99u);
    EXPECT_EQ(client.answer()->entries, traffic::protocol_count);
    EXPECT_EQ(client.answer()->counts[static_cast<std::size_t>(Protocol::udp)].packets, 0u);

    for (std::uint32_t i = 0; i < 30; ++i) a.process(test_packet(1, i), {3000});
    for (std::uint32_t i = 0; i < 12; ++i) b.process(test_packet(2, i), {3000});
    b.process(test_packet(2, 20), {3000});  // 7 missing on flow 2
    a.publish();
    b.publish();
    ASSERT_TRUE(ask(b));
    const auto& udp = client.answer()->counts[static_cast<std::size_t>(Protocol::udp)];
    EXPECT_EQ(udp.packets, 43u) << "both cores, and neither request";
    EXPECT_EQ(udp.lost, 8u);
    EXPECT_EQ(udp.bytes, a.totals().protocols[1].bytes + b.totals().protocols[1].bytes);
    EXPECT_EQ(a.totals().protocols[static_cast<std::size_t>(Protocol::udp)].packets +
                  b.totals().protocols[static_cast<std::size_t>(Protocol::udp)].packets,
              43u);
    ASSERT_NE(b.udp_answers(), nullptr);
    EXPECT_EQ(b.udp_answers()->counters().count_requests, 2u);
    EXPECT_EQ(b.udp_answers()->counters().requests, 0u) << "no UDP_RR answer";
}

TEST(InBandCounts, AnAnswerToAnEarlierRequestIsNotTakenForTheLatest) {
    sink::SinkCore core{sink::SinkConfig{}};
    traffic::CountsClient client(testing::client_l2(), l3(), {40000, 5201});
    std::vector<std::uint8_t> first(256), second(256);
    const std::size_t n1 = client.request(first, 1);
    const std::size_t n2 = client.request(second, 2);  // the retry, before the first was answered
    core.process({first.data(), n1}, {10});
    core.publish();
    EXPECT_FALSE(answers_to(core, client));
    EXPECT_FALSE(client.answer());
    EXPECT_EQ(client.counters().stale, 1u);
    core.process({second.data(), n2}, {10});
    EXPECT_TRUE(answers_to(core, client));
    EXPECT_EQ(client.answer()->header.seq, 2u);
    EXPECT_EQ(client.counters().answers, 1u);
    EXPECT_EQ(client.answer()->sink_id, 0u) << "a core with no board answers for itself";
    // Another host's answer (the ports do not match ours) is not taken either.
    traffic::CountsClient other(testing::client_l2(), l3(), {40001, 5201});
    std::vector<std::uint8_t> third(256);
    core.process({third.data(), client.request(third, 3)}, {10});
    std::vector<std::uint8_t> buf(2048);
    const std::size_t n = core.next_answer(buf);
    ASSERT_GT(n, 0u);
    EXPECT_FALSE(other.offer({buf.data(), n}));
}

}  // namespace
}  // namespace tg
