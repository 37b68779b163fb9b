// Closed-loop SCTP against the stateless server over the in-memory wire: the windows
// hold DATA back, lost chunks come back by fast retransmit or by the T3-rtx timer, and
// SHUTDOWN waits for the last acknowledgement. Every test checks what the server
// received, not what the client believes.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "proto/sctp_parse.hpp"
#include "sctp_wire.hpp"

namespace tg::proto {
namespace {

using namespace tg::proto::testing;

constexpr std::size_t chunk_bytes = 1000;

// The TSN of a packet's first chunk when it is DATA.
bool data_tsn(const SctpPacketOut& p, std::uint32_t& tsn) {
    SctpChunkReader r(p.chunks);
    SctpChunkView c;
    SctpDataView d;
    if (!r.next(c) || c.type != sctp_chunk::data || parse_sctp_data(c, d) != ParseError::none) return false;
    tsn = d.tsn;
    return true;
}

// An application that always has data: every 10 ms step it sends on its streams in turn
// while the association takes chunks, until `total` are sent.
struct Source {
    std::size_t total;
    std::size_t sent = 0;
    std::uint16_t streams = 4;
    std::vector<std::uint8_t> payload = std::vector<std::uint8_t>(chunk_bytes, 0x5a);

    void feed(Wire& w) {
        while (sent < total && w.client.can_send(payload.size())) {
            ASSERT_TRUE(w.client.send(static_cast<std::uint16_t>(sent % streams), 0, payload, w.now));
            ++sent;
        }
    }
    // Steps the clock until everything is sent and acknowledged, or `limit_ms` passes.
    void run(Wire& w, std::uint64_t limit_ms) {
        const std::uint64_t end = w.now + limit_ms;
        while (w.now < end) {
            feed(w);
            w.flush();
            if (sent == total && w.client.sender().idle()) return;
            w.now += 10;
            w.client.tick(w.now);
            w.server.tick(w.now);
            w.flush();
        }
    }
};

Wire closed_wire(std::uint32_t server_rwnd = 1u << 20) {
    Wire w(4, 40000, true, server_rwnd);
    w.flush();
    return w;
}

TEST(SctpClosedLoop, TheCongestionWindowHoldsDataBackUntilSacksOpenIt) {
    Wire w = closed_wire();
    ASSERT_TRUE(w.client.established());
    Source src{100000};
    src.feed(w);
    // RFC 9260 section 7.2.1: min(4 MTU, max(2 MTU, 4404)) = 4404 bytes; one more chunk
    // may pass it while it is not yet full.
    EXPECT_EQ(src.sent, 5u);
    EXPECT_EQ(w.client.sender().cwnd(), 4404u);
    w.flush();
    src.feed(w);
    EXPECT_GT(w.client.sender().cwnd(), 4404u) << "slow start: the SACKs grew it";
    EXPECT_GT(src.sent, 5u);
}

TEST(SctpClosedLoop, ThePeersReceiveWindowLimitsWhatIsInFlight) {
    Wire w = closed_wire(3000);
    ASSERT_TRUE(w.client.established());
    Source src{200};
    std::uint32_t most_unacked = 0;
    w.pass = [&](bool from_client, SctpPacketOut& p) {
        std::uint32_t tsn = 0;
        if (from_client && data_tsn(p, tsn)) {
            most_unacked = std::max(most_unacked, tsn - w.client.peer_cumulative_ack());
        }
        return true;
    };
    src.run(w, 60000);
    EXPECT_EQ(w.server_side()->counters().data_in, 200u);
    EXPECT_LE(most_unacked, 3u) << "a 3000-byte window holds three 1000-byte chunks";
}

TEST(SctpClosedLoop, LostChunksComeBackByFastRetransmitAndEveryByteArrives) {
    Wire w = closed_wire();
    std::set<std::uint32_t> dropped;
    std::size_t data_packets = 0;
    w.pass = [&](bool from_client, SctpPacketOut& p) {
        std::uint32_t tsn = 0;
        if (!from_client || !data_tsn(p, tsn)) return true;
        // Every 25th DATA packet is lost, never the same TSN twice.
        if (++data_packets % 25 == 0 && dropped.insert(tsn).second) return false;
        return true;
    };
    Source src{3000};
    src.run(w, 60000);
    const SctpAssociation* s = w.server_side();
    ASSERT_NE(s, nullptr);
    ASSERT_GT(dropped.size(), 50u);
    EXPECT_EQ(s->counters().data_in, 3000u) << "every chunk arrived once";
    EXPECT_EQ(s->counters().data_bytes_in, 3000u * chunk_bytes);
    for (std::uint16_t st = 0; st < 4; ++st) EXPECT_EQ(s->stream_bytes_in()[st], 750u * chunk_bytes) << "stream " << st;
    const SctpSender& tx = w.client.sender();
    EXPECT_TRUE(tx.idle());
    EXPECT_EQ(tx.counters().bytes_acked, 3000u * chunk_bytes);
    EXPECT_GE(tx.counters().retransmitted_chunks, dropped.size());
    EXPECT_GT(tx.counters().fast_retransmits, 0u);
    EXPECT_EQ(w.client.peer_cumulative_ack(), w.client.next_tsn() - 1);
}

TEST(SctpClosedLoop, ALostLastChunkIsResentWhenT3RunsOutAndCwndStartsOver) {
    Wire w = closed_wire();
    Source src{3};
    w.pass = [&](bool from_client, SctpPacketOut& p) {
        std::uint32_t tsn = 0;
        // The last chunk's first transmission is lost: nothing after it reports the gap.
        return !(from_client && data_tsn(p, tsn) && tsn == w.client.next_tsn() - 1 && src.sent == 3 &&
                 w.client.sender().counters().t3_expiries == 0);
    };
    src.feed(w);
    w.flush();
    EXPECT_FALSE(w.client.sender().idle());
    // The wire takes no time: the RTT is 0, and RTO is RTO.Min, 50 ms.
    EXPECT_EQ(w.client.sender().rto_ms(), 50u);
    w.run_for(40);
    EXPECT_EQ(w.client.sender().counters().t3_expiries, 0u);
    EXPECT_EQ(w.server_side()->counters().data_in, 2u);
    w.run_for(20);
    EXPECT_EQ(w.client.sender().counters().t3_expiries, 1u);
    EXPECT_EQ(w.client.sender().counters().retransmitted_chunks, 1u);
    EXPECT_EQ(w.server_side()->counters().data_in, 3u);
    w.run_for(60);  // the server's delayed SACK
    EXPECT_TRUE(w.client.sender().idle());
    // RFC 9260 section 7.2.3: ssthresh max(cwnd/2, 4 MTU), cwnd one MTU, then slow start
    // from there (the resent chunk's SACK adds its 1000 bytes).
    EXPECT_EQ(w.client.sender().ssthresh(), 6000u);
    EXPECT_EQ(w.client.sender().cwnd(), 2500u);
}

TEST(SctpClosedLoop, ShutdownWaitsForTheLastAcknowledgement) {
    Wire w = closed_wire();
    bool lost = false;
    w.pass = [&](bool from_client, SctpPacketOut& p) {
        std::uint32_t tsn = 0;
        if (from_client && !lost && data_tsn(p, tsn)) return !(lost = true);
        return true;
    };
    Source src{4};
    src.feed(w);
    w.client.shutdown(w.now);
    EXPECT_EQ(w.client.state(), SctpState::shutdown_pending);
    w.flush();
    EXPECT_EQ(w.client.state(), SctpState::shutdown_pending) << "the first chunk is still unacknowledged";
    w.run_for(500);
    EXPECT_EQ(w.client.state(), SctpState::closed);
    EXPECT_EQ(w.client.failure(), SctpFailure::none);
    EXPECT_EQ(w.server_side()->state(), SctpState::closed) << "the server side closed too";
    EXPECT_EQ(w.server_side()->failure(), SctpFailure::none);
    EXPECT_EQ(w.server_side()->counters().data_in, 4u);
    EXPECT_EQ(w.client.sender().counters().bytes_acked, 4u * chunk_bytes);
}

TEST(SctpClosedLoop, APeerThatVanishesMidDataIsFoundUnreachable) {
    Wire w = closed_wire();
    Source src{1000};
    src.run(w, 50);
    ASSERT_GT(w.server_side()->counters().data_in, 0u);
    w.pass = [](bool, SctpPacketOut&) { return false; };
    src.run(w, 10000);
    EXPECT_EQ(w.client.state(), SctpState::closed);
    EXPECT_EQ(w.client.failure(), SctpFailure::peer_unreachable);
    EXPECT_EQ(w.client.sender().counters().t3_expiries, 4u) << "Association.Max.Retrans is 3";
}

TEST(SctpClosedLoop, APathCutIsTheLongestWaitForTheCumulativeAck) {
    Wire w = closed_wire();
    Source src{1000000};
    src.run(w, 300);
    const std::uint64_t before = w.client.ack_progress().longest_ms();
    EXPECT_LE(before, 20u) << "SACKs come every step while the path carries everything";
    // 200 ms with nothing through: T3 runs out after 50, 100 and 200 ms more (RTO.Min 50,
    // doubling), and the third resend, 350 ms after the last SACK, gets through; the
    // server acknowledges that lone chunk after its 50 ms SACK delay.
    const std::uint64_t cut_at = w.now;
    w.pass = [&](bool, SctpPacketOut&) { return w.now >= cut_at + 200; };
    src.run(w, 1000);
    EXPECT_TRUE(w.client.established());
    EXPECT_EQ(w.client.sender().counters().t3_expiries, 3u);
    EXPECT_GE(w.client.ack_progress().longest_ms(), 350u + 50u);
    EXPECT_LE(w.client.ack_progress().longest_ms(), 350u + 50u + 20u) << "two 10 ms steps of the test's clock";
    EXPECT_LE(w.client.ack_progress().longest_from_ms(), cut_at);
    EXPECT_GE(w.client.ack_progress().longest_from_ms() + 20, cut_at);
}

TEST(SctpClosedLoop, OpenLoopIgnoresTheWindows) {
    Wire w;
    w.flush();
    const std::vector<std::uint8_t> payload(chunk_bytes, 1);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(w.client.send(0, 0, payload, w.now));
    w.flush();
    w.run_for(100);
    EXPECT_EQ(w.server_side()->counters().data_in, 500u);
    EXPECT_EQ(w.client.sender().counters().retransmitted_chunks, 0u);
}

}  // namespace
}  // namespace tg::proto
