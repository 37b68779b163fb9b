// Request/response (TCP_RR, UDP_RR, SCTP the same way) between the generator's client
// sets and a sink, frame by frame with no port: every request is answered once with the
// bytes it asked for, each session has one transaction in flight, a lost UDP answer is
// counted lost after the timeout (and late if it turns up), and a TCP request resent
// after loss is answered once. Each frame that crosses is parsed with its checksums
// checked.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "client_fixtures.hpp"
#include "proto/parse.hpp"
#include "proto/request.hpp"
#include "sink/sink_core.hpp"
#include "traffic/flows.hpp"
#include "traffic/sctp_clients.hpp"
#include "traffic/tcp_clients.hpp"
#include "traffic/udp_clients.hpp"

namespace tg {
namespace {

using traffic::FlowSet;

FlowSet flows(std::uint32_t n) { return testing::client_flows(n, "40000-40099"); }

proto::L2Spec l2() { return testing::client_l2(); }

// Frames between a client set and a sink, a millisecond per round; the sink's answers
// reach the client half a millisecond after the requests left. `drop_to_sink` and
// `drop_to_client` decide, per frame, whether the wire loses it.
struct Wire {
    traffic::SessionClients& client;
    sink::SinkCore sink{sink::SinkConfig{}};
    std::uint64_t now_ms = 1000;
    std::function<bool(std::span<const std::uint8_t>)> drop_to_sink = [](auto) { return false; };
    std::function<bool(std::span<const std::uint8_t>)> drop_to_client = [](auto) { return false; };
    std::uint64_t to_sink = 0, to_client = 0, bad_frames = 0;
    std::uint64_t answer_payload = 0;  // payload bytes of frames to the client that carry data

    explicit Wire(traffic::SessionClients& c) : client(c) {}

    [[nodiscard]] std::uint64_t ns() const { return now_ms * 1000000; }

    void round(std::uint64_t budget) {
        ++now_ms;
        client.tick(now_ms);
        client.fill(now_ms, ns(), budget);
        std::vector<std::uint8_t> buf(9216);
        for (std::size_t n; (n = client.next_frame(buf)) > 0;) {
            const std::span<const std::uint8_t> f(buf.data(), n);
            if (!proto::parse_frame(f).status.ok()) ++bad_frames;
            ++to_sink;
            if (!drop_to_sink(f)) (void)sink.process(f, sink::RxMeta{ns()});
        }
        sink.tick_answers(now_ms);
        for (std::size_t n; (n = sink.next_answer(buf)) > 0;) {
            const std::span<const std::uint8_t> f(buf.data(), n);
            const proto::ParseResult r = proto::parse_frame(f);
            if (!r.status.ok()) ++bad_frames;
            ++to_client;
            if (drop_to_client(f)) continue;
            if (r.view.udp != nullptr || r.view.tcp != nullptr) answer_payload += r.view.payload_length;
            client.offer(f, now_ms, ns() + 500000);  // half a round later
        }
    }
    // Rounds until `done`, handing out requests until `total` have gone.
    void until(const std::function<bool()>& done, std::uint64_t total, int max_rounds = 20000) {
        for (int i = 0; i < max_rounds && !done(); ++i) round(total > client.filled() ? total - client.filled() : 0);
    }
};

TEST(Request, CarriesTheResponseSizeAfterTheTestHeader) {
    std::vector<std::uint8_t> b(64);
    ASSERT_TRUE(proto::write_request(b, {.flow_id = 7, .stream_id = 2, .seq = 9, .tx_ns = 123}, 4000));
    const auto r = proto::read_request(b);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header.flow_id, 7u);
    EXPECT_EQ(r->header.seq, 9u);
    EXPECT_EQ(r->response_bytes, 4000u);
    std::vector<std::uint8_t> answer(proto::response_min_bytes);
    ASSERT_TRUE(proto::write_response_head(answer, r->header));
    proto::TestHeader h;
    ASSERT_EQ(proto::read_test_header(answer, h), proto::TestHeaderStatus::ok);
    EXPECT_EQ(h.flags, proto::test_flag::reflected);
    EXPECT_EQ(h.seq, 9u);
    EXPECT_EQ(h.tx_ns, 123u);
    // A plain test packet, an answer, and a buffer too short are no requests.
    EXPECT_FALSE(proto::read_request(answer));
    EXPECT_FALSE(proto::write_request(std::span(b).first(proto::request_min_bytes - 1), {}, 1));
}

TEST(RequestResponse, UdpFlowsEachHaveOneTransactionInFlightAndEveryRequestIsAnswered) {
    const FlowSet fs = flows(4);
    traffic::UdpClientSet client(fs, l2(), 64, {.request_bytes = 100, .response_bytes = 300, .timeout_ns = 1000000000});
    Wire w(client);
    w.until([&] { return client.transactions()->totals().started >= 400; }, 400);
    w.round(0);  // the last answers
    const auto t = client.transactions()->totals();
    EXPECT_EQ(t.started, 400u);
    EXPECT_EQ(t.completed, 400u);
    EXPECT_EQ(t.lost, 0u);
    EXPECT_EQ(w.to_sink, 400u);
    EXPECT_EQ(w.to_client, 400u);
    EXPECT_EQ(w.bad_frames, 0u);
    EXPECT_EQ(w.answer_payload, 400u * 300);
    ASSERT_NE(w.sink.udp_answers(), nullptr);
    EXPECT_EQ(w.sink.udp_answers()->counters().requests, 400u);
    // One transaction per flow at a time, each answered half a round after it went.
    EXPECT_EQ(client.transactions()->latency().count(), 400u);
    EXPECT_EQ(client.transactions()->latency().min(), 500000u);
    EXPECT_EQ(client.transactions()->latency().max(), 500000u);
    EXPECT_EQ(client.verdict(), "");
}

TEST(RequestResponse, AFlowSendsNoSecondRequestWhileTheFirstIsUnanswered) {
    const FlowSet fs = flows(4);
    traffic::UdpClientSet client(fs, l2(), 64, {.request_bytes = 64, .response_bytes = 64, .timeout_ns = 1000000000});
    Wire w(client);
    w.drop_to_client = [](auto) { return true; };
    for (int i = 0; i < 10; ++i) w.round(1000);  // a budget of 1000 each round
    EXPECT_EQ(w.to_sink, 4u);
    EXPECT_EQ(client.transactions()->totals().outstanding, 4u);
    EXPECT_FALSE(client.all_acknowledged());
}

TEST(RequestResponse, ALostUdpAnswerIsCountedLostAfterTheTimeoutAndLateIfItComes) {
    const FlowSet fs = flows(1);
    traffic::UdpClientSet client(fs, l2(), 64, {.request_bytes = 64, .response_bytes = 64, .timeout_ns = 50000000});
    Wire w(client);
    std::vector<std::vector<std::uint8_t>> held;
    int n = 0;
    w.drop_to_client = [&](std::span<const std::uint8_t> f) {
        if (++n % 10 != 0) return false;
        held.emplace_back(f.begin(), f.end());  // every 10th answer is held back
        return true;
    };
    w.until([&] { return client.transactions()->totals().started >= 50; }, 50);
    w.until([&] { return client.all_acknowledged(); }, 0, 200);
    auto t = client.transactions()->totals();
    EXPECT_EQ(t.completed + t.lost, t.started);
    EXPECT_EQ(t.lost, held.size());
    EXPECT_GE(t.lost, 4u);
    // The held answers arrive at last: late, not completions.
    for (const auto& f : held) client.offer(f, w.now_ms, w.ns());
    t = client.transactions()->totals();
    EXPECT_EQ(t.late, held.size());
    EXPECT_EQ(t.completed + t.lost, t.started);
}

TEST(RequestResponse, NoAnswerAtAllIsSaidInOneSentence) {
    const FlowSet fs = flows(2);
    traffic::UdpClientSet client(fs, l2(), 64, {.request_bytes = 64, .response_bytes = 64, .timeout_ns = 10000000});
    Wire w(client);
    w.drop_to_sink = [](auto) { return true; };
    for (int i = 0; i < 100; ++i) w.round(~0ull);
    const auto t = client.transactions()->totals();
    EXPECT_EQ(t.completed, 0u);
    EXPECT_GT(t.lost, 10u);
    EXPECT_NE(client.verdict().find("the peer never answered: "), std::string::npos) << client.verdict();
}

template <typename Clients>
void establish(Wire& w, Clients& c) {
    w.until([&] { return c.ready(); }, 0, 5000);
    ASSERT_TRUE(c.ready());
}

TEST(RequestResponse, TcpConnectionsGetResponsesLargerThanASegmentAndALostRequestIsAnsweredOnce) {
    const FlowSet fs = flows(2);
    traffic::TcpSending s;
    s.closed_loop = true;
    s.request_response = true;
    s.rr = {.request_bytes = 100, .response_bytes = 5000};
    traffic::TcpClientSet client(fs, l2(), proto::TcpTimers{}, s, 1, 1000);
    Wire w(client);
    establish(w, client);
    // The 7th request segment of the run is lost once; the client's RTO sends it again.
    int requests = 0;
    w.drop_to_sink = [&](std::span<const std::uint8_t> f) {
        const auto r = proto::parse_frame(f);
        return r.view.tcp != nullptr && proto::read_request(r.view.payload()) && ++requests == 7;
    };
    w.until([&] { return client.filled() >= 100 && client.all_acknowledged(); }, 100);
    const auto t = client.transactions()->totals();
    EXPECT_EQ(t.started, 100u);
    EXPECT_EQ(t.completed, 100u);
    EXPECT_EQ(w.bad_frames, 0u);
    ASSERT_NE(w.sink.tcp(), nullptr);
    EXPECT_EQ(w.sink.tcp()->requests().requests, 100u);  // the resent one once
    EXPECT_EQ(w.sink.tcp()->requests().response_bytes, 100u * 5000);
    EXPECT_EQ(client.of_flow(0).counters().bytes_in + client.of_flow(1).counters().bytes_in, 100u * 5000);
    EXPECT_GE(client.summary().closed_loop.retransmitted_segments, 1u);
    // The transaction behind the lost request waited for the resend (RTO 1 s at least).
    EXPECT_GE(client.transactions()->latency().max(), 200000000u);
}

TEST(RequestResponse, SctpAssociationsAnswerOnTheRequestsStreamInChunksThatFitThePath) {
    const FlowSet fs = flows(2);
    traffic::SctpSending s;
    s.closed_loop = true;
    s.ppid = 46;  // Diameter
    s.request_response = true;
    s.rr = {.request_bytes = 200, .response_bytes = 2500};
    traffic::SctpClientSet client(fs, 3, l2(), proto::SctpTimers{}, s, 1, 1000);
    Wire w(client);
    establish(w, client);
    w.until([&] { return client.filled() >= 60 && client.all_acknowledged(); }, 60);
    const auto t = client.transactions()->totals();
    EXPECT_EQ(t.completed, 60u);
    EXPECT_EQ(w.bad_frames, 0u);
    ASSERT_NE(w.sink.sctp(), nullptr);
    EXPECT_EQ(w.sink.sctp()->requests().requests, 60u);
    for (std::uint32_t f = 0; f < 2; ++f) {
        const auto& a = client.of_flow(f);
        EXPECT_EQ(a.counters().data_bytes_in, 30u * 2500);
        // Requests went round the three streams; each answer came on its request's stream,
        // in two chunks (2500 bytes do not fit one 1500-byte packet).
        ASSERT_EQ(a.stream_bytes_in().size(), 3u);
        for (std::uint16_t st = 0; st < 3; ++st) {
            EXPECT_EQ(a.stream_bytes_in()[st], 10u * 2500) << "flow " << f << " stream " << st;
            EXPECT_EQ(a.stream_chunks_in()[st], 20u);
        }
    }
}

}  // namespace
}  // namespace tg
