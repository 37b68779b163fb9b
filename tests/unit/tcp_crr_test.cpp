// TCP_CRR between the generator's client set and a sink, frame by frame with no port:
// every transaction is a connection of its own (SYN, request, response, FIN) from the
// next source port of its slot's share, the sink's listener sees each once and each ends
// cleanly, ports in TIME-WAIT are taken over, a lost SYN-ACK costs its transaction the
// retransmission, and a path that never answers gives the sentence. Each frame that
// crosses is parsed with its checksums checked.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <vector>

#include "client_fixtures.hpp"
#include "proto/parse.hpp"
#include "proto/request.hpp"
#include "proto/tcp.hpp"
#include "sink/sink_core.hpp"
#include "traffic/config_error.hpp"
#include "traffic/flows.hpp"
#include "traffic/tcp_crr_clients.hpp"

namespace tg {
namespace {

using traffic::FlowSet;
using traffic::PortRange;

FlowSet flows(std::uint32_t n) { return testing::client_flows(n, "40000"); }

proto::L2Spec l2() { return testing::client_l2(); }

traffic::TcpSending sending(std::uint32_t request, std::uint32_t response) {
    traffic::TcpSending s;
    s.closed_loop = true;
    s.request_response = true;
    s.rr = {.request_bytes = request, .response_bytes = response};
    return s;
}

bool is_syn(const proto::PacketView& v) {
    return v.tcp != nullptr && (v.tcp->flags & proto::tcp_flag::syn) != 0 && (v.tcp->flags & proto::tcp_flag::ack) == 0;
}

// A millisecond per round; the sink's frames reach the client half a round after the
// client's left.
struct Wire {
    traffic::TcpCrrClientSet& client;
    sink::SinkCore sink{sink::SinkConfig{}};
    std::uint64_t now_ms = 1000;
    std::function<bool(const proto::PacketView&)> drop_to_sink = [](const auto&) { return false; };
    std::function<bool(const proto::PacketView&)> drop_to_client = [](const auto&) { return false; };
    std::uint64_t bad_frames = 0, fins_to_sink = 0, rsts = 0;
    std::vector<std::uint16_t> syn_ports;  // source ports of the SYNs, as they went

    explicit Wire(traffic::TcpCrrClientSet& c) : client(c) {}
    [[nodiscard]] std::uint64_t ns() const { return now_ms * 1000000; }

    void round(std::uint64_t budget) {
        ++now_ms;
        client.tick(now_ms);
        client.fill(now_ms, ns(), budget);
        std::vector<std::uint8_t> buf(9216);
        for (std::size_t n; (n = client.next_frame(buf)) > 0;) {
            const std::span<const std::uint8_t> f(buf.data(), n);
            const proto::ParseResult r = proto::parse_frame(f);
            if (!r.status.ok() || r.view.tcp == nullptr) {
                ++bad_frames;
                continue;
            }
            if (is_syn(r.view)) syn_ports.push_back(r.view.tcp->src_port.get());
            if ((r.view.tcp->flags & proto::tcp_flag::fin) != 0) ++fins_to_sink;
            if ((r.view.tcp->flags & proto::tcp_flag::rst) != 0) ++rsts;
            if (!drop_to_sink(r.view)) (void)sink.process(f, sink::RxMeta{ns()});
        }
        sink.tick_answers(now_ms);
        for (std::size_t n; (n = sink.next_answer(buf)) > 0;) {
            const std::span<const std::uint8_t> f(buf.data(), n);
            const proto::ParseResult r = proto::parse_frame(f);
            if (!r.status.ok()) ++bad_frames;
            if (r.view.tcp != nullptr && (r.view.tcp->flags & proto::tcp_flag::rst) != 0) ++rsts;
            if (drop_to_client(r.view)) continue;
            client.offer(f, now_ms, ns() + 500000);
        }
    }
    void until(const std::function<bool()>& done, std::uint64_t total, int max_rounds = 20000) {
        for (int i = 0; i < max_rounds && !done(); ++i) round(total > client.filled() ? total - client.filled() : 0);
    }
    // The run's end as the control thread does it: shutdown, then TIME-WAIT runs out.
    void close() {
        client.shutdown(now_ms);
        for (int i = 0; i < 3000 && client.in_time_wait() + client.active() > 0; ++i) round(0);
    }
};

TEST(TcpCrr, EachTransactionIsAConnectionOfItsOwnFromTheNextPortOfItsSlot) {
    const FlowSet fs = flows(2);
    // Made at the time of the wire's first round, when its SYNs go.
    traffic::TcpCrrClientSet client(fs, PortRange::parse("40000-40099", "sport"), l2(), proto::TcpTimers{},
                                    sending(100, 300), 1, 1001, 1001000000);
    Wire w(client);
    w.until([&] { return client.filled() >= 50 && client.all_acknowledged(); }, 50);
    w.close();
    const auto t = client.transactions()->totals();
    EXPECT_EQ(t.started, 50u);
    EXPECT_EQ(t.completed, 50u);
    EXPECT_EQ(t.lost, 0u);
    EXPECT_EQ(w.bad_frames, 0u);
    EXPECT_EQ(w.rsts, 0u);
    // 50 SYNs, each from a port not used before; slot 0 takes 40000-40049, slot 1 the rest.
    ASSERT_EQ(w.syn_ports.size(), 50u);
    EXPECT_EQ(std::set<std::uint16_t>(w.syn_ports.begin(), w.syn_ports.end()).size(), 50u);
    for (std::uint16_t p : w.syn_ports) {
        EXPECT_GE(p, 40000);
        EXPECT_LT(p, 40100);
    }
    EXPECT_EQ(w.fins_to_sink, 50u);
    // The sink's own count: 50 connections, each answered once and closed cleanly.
    ASSERT_NE(w.sink.tcp(), nullptr);
    const auto& listener = w.sink.tcp()->listener();
    EXPECT_EQ(listener.counters().syns, 50u);
    EXPECT_EQ(listener.totals().established, 50u);
    EXPECT_EQ(listener.totals().closed_clean, 50u);
    EXPECT_EQ(listener.totals().bytes_in, 50u * 100);
    EXPECT_EQ(w.sink.tcp()->requests().requests, 50u);
    EXPECT_EQ(w.sink.tcp()->requests().response_bytes, 50u * 300);
    EXPECT_EQ(listener.size(), 0u);
    const auto s = client.summary();
    EXPECT_EQ(s.opened, 50u);
    EXPECT_EQ(s.connections.requested, 2u);
    EXPECT_EQ(s.connections.syn_acks, 50u);
    EXPECT_EQ(s.connections.closed_clean, 50u);
    EXPECT_TRUE(s.connections.failed.empty());
    EXPECT_EQ(s.connections.setup.count, 50u);
    EXPECT_EQ(s.ports_per_slot, 50u);
    EXPECT_EQ(s.tw_reused, 0u);
    EXPECT_EQ(client.sent_on(0) + client.sent_on(1), 50u);
    EXPECT_EQ(client.verdict(), "");
    // The SYN-ACK comes half a round after the SYN; the request goes the next round and
    // its answer half a round later: 1.5 ms from SYN to the response.
    EXPECT_EQ(client.connect_latency().count(), 50u);
    EXPECT_EQ(client.connect_latency().min(), 500000u);
    EXPECT_EQ(client.connect_latency().max(), 500000u);
    EXPECT_EQ(client.transactions()->latency().min(), 1500000u);
    EXPECT_EQ(client.transactions()->latency().max(), 1500000u);
    EXPECT_TRUE(client.all_closed());
}

TEST(TcpCrr, APortInTimeWaitIsTakenOverWhenTheSlotComesBackToIt) {
    const FlowSet fs = flows(2);
    // Two ports per slot: each comes back while its last connection waits in TIME-WAIT.
    traffic::TcpCrrClientSet client(fs, PortRange::parse("40000-40003", "sport"), l2(), proto::TcpTimers{},
                                    sending(64, 64), 1, 1000, 1000000000);
    Wire w(client);
    w.until([&] { return client.filled() >= 40 && client.all_acknowledged(); }, 40);
    const auto t = client.transactions()->totals();
    EXPECT_EQ(t.completed, 40u);
    EXPECT_EQ(w.bad_frames, 0u);
    EXPECT_EQ(w.rsts, 0u);
    for (std::uint16_t p : w.syn_ports) {
        EXPECT_GE(p, 40000);
        EXPECT_LE(p, 40003);
    }
    const auto s = client.summary();
    EXPECT_EQ(s.ports_per_slot, 2u);
    EXPECT_GE(s.tw_reused, 30u);
    // The sink took each SYN on a 4-tuple it had closed as a new connection.
    EXPECT_EQ(w.sink.tcp()->listener().totals().established, 40u);
    EXPECT_EQ(w.sink.tcp()->requests().requests, 40u);
    w.close();
    EXPECT_EQ(client.summary().connections.closed_clean, 40u);
}

TEST(TcpCrr, ALostSynAckCostsItsTransactionTheSynRetransmission) {
    const FlowSet fs = flows(1);
    traffic::TcpCrrClientSet client(fs, PortRange::parse("40000-40099", "sport"), l2(), proto::TcpTimers{},
                                    sending(64, 64), 1, 1001, 1001000000);
    Wire w(client);
    int synacks = 0;
    w.drop_to_client = [&](const proto::PacketView& v) {
        return v.tcp != nullptr && (v.tcp->flags & proto::tcp_flag::syn) != 0 && ++synacks == 3;
    };
    w.until([&] { return client.filled() >= 5 && client.all_acknowledged(); }, 5);
    EXPECT_EQ(client.transactions()->totals().completed, 5u);
    const auto s = client.summary();
    EXPECT_EQ(s.opened, 5u);
    EXPECT_EQ(s.connections.syns_sent, 6u);
    // The third connection waited out the initial RTO of 1 s.
    EXPECT_GE(client.connect_latency().max(), 1000000000u);
    EXPECT_GE(client.transactions()->latency().max(), 1000000000u);
    EXPECT_EQ(client.transactions()->latency().min(), 1500000u);
}

TEST(TcpCrr, AConnectionStillInSynSentWhenTheRunEndsComesUpAndClosesCleanly) {
    const FlowSet fs = flows(2);
    traffic::TcpCrrClientSet client(fs, PortRange::parse("40000-40099", "sport"), l2(), proto::TcpTimers{},
                                    sending(64, 64), 1, 1001, 1001000000);
    Wire w(client);
    // Both SYNs are on the wire when the run ends.
    client.shutdown(w.now_ms);
    EXPECT_FALSE(client.all_closed());
    w.close();
    EXPECT_TRUE(client.all_closed());
    EXPECT_EQ(w.rsts, 0u);
    EXPECT_EQ(w.fins_to_sink, 2u);
    const auto s = client.summary();
    EXPECT_EQ(s.connections.closed_clean, 2u);
    EXPECT_EQ(client.transactions()->totals().lost, 2u) << "no request went on them";
    EXPECT_EQ(w.sink.tcp()->requests().requests, 0u);
    EXPECT_EQ(w.sink.tcp()->listener().totals().closed_clean, 2u);
    EXPECT_EQ(w.sink.tcp()->listener().size(), 0u) << "nothing left half open at the sink";
}

TEST(TcpCrr, APathThatNeverAnswersIsSaidInOneSentence) {
    const FlowSet fs = flows(3);
    proto::TcpTimers timers;
    timers.syn_retries = 1;
    traffic::TcpCrrClientSet client(fs, PortRange::parse("40000-40099", "sport"), l2(), timers, sending(64, 64), 1,
                                    1000, 1000000000);
    Wire w(client);
    w.drop_to_sink = [](const auto&) { return true; };
    w.until([&] { return client.settled(); }, 0, 5000);
    ASSERT_TRUE(client.settled());
    EXPECT_FALSE(client.any_established());
    EXPECT_EQ(client.transactions()->totals().lost, 3u);
    EXPECT_EQ(client.verdict(),
              "the peer never answered: 6 SYNs for 3 connections, no SYN-ACK (the path drops TCP, or nothing listens)");
}

TEST(TcpCrr, FewerPortsThanConnectionsAtOnceIsRefusedInOneSentence) {
    const FlowSet fs = flows(4);
    try {
        traffic::TcpCrrClientSet client(fs, PortRange::parse("40000-40002", "sport"), l2(), proto::TcpTimers{},
                                        sending(64, 64), 1, 1000, 0);
        FAIL() << "a range of 3 ports for 4 connections was taken";
    } catch (const traffic::ConfigError& e) {
        EXPECT_STREQ(e.what(), "--src-port 40000-40002 gives 3 ports for 4 connections at once: each needs a port of "
                               "its own, give a wider range");
    }
}

}  // namespace
}  // namespace tg
