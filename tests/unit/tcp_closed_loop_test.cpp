// Closed-loop TCP over the in-memory wire: the windows hold data back, losses are
// repaired by fast retransmit and by the retransmission timer, and every byte reaches
// the listener once.
#include <gtest/gtest.h>

#include <numeric>

#include "tcp_wire.hpp"

namespace tg::proto {
namespace {

using testing::SeenSegment;
using testing::TcpWire;

// Hands the client up to `total` bytes while its windows take them; returns what it gave.
std::uint64_t fill(TcpWire& w, std::uint64_t& given, std::uint64_t total) {
    std::vector<std::uint8_t> chunk(w.client.send_mss());
    std::uint64_t n = 0;
    while (given < total) {
        const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), total - given));
        std::iota(chunk.begin(), chunk.end(), static_cast<std::uint8_t>(given));
        if (!w.client.can_send(len) || !w.client.send(std::span(chunk).first(len), w.now)) break;
        given += len;
        ++n;
    }
    return n;
}

void transfer(TcpWire& w, std::uint64_t total, std::uint64_t limit_ms = 60000) {
    std::uint64_t given = 0;
    const std::uint64_t end = w.now + limit_ms;
    while (w.now < end && (given < total || !w.client.sender().idle())) {
        fill(w, given, total);
        w.flush();
        w.step(1);
    }
}

TEST(TcpClosedLoop, ReceiveWindowLimitsWhatIsInFlight) {
    TcpWire w(true, 40000, 4 * 1460, 0);  // the listener takes four segments, no scaling
    w.flush();
    ASSERT_TRUE(w.client.established());
    std::uint64_t given = 0;
    EXPECT_EQ(fill(w, given, 1u << 20), 4u);  // 4 x 1448 fits in 5840, a fifth does not
    EXPECT_FALSE(w.client.can_send(w.client.send_mss()));
    w.flush();  // the ACKs open the window again
    EXPECT_TRUE(w.client.can_send(w.client.send_mss()));
}

TEST(TcpClosedLoop, InitialCongestionWindowIsTenSegments) {
    TcpWire w(true);
    w.pass = [](const SeenSegment& s) { return s.data.empty(); };  // data never arrives: no ACKs
    w.flush();
    std::uint64_t given = 0;
    EXPECT_EQ(fill(w, given, 1u << 20), 10u);  // RFC 6928
}

TEST(TcpClosedLoop, EveryByteArrivesOnceThroughLoss) {
    TcpWire w(true);
    int n = 0;
    w.pass = [&](const SeenSegment& s) { return !(s.from_client && !s.data.empty() && ++n % 25 == 0); };
    const std::uint64_t total = 3'000'000;
    transfer(w, total);
    TcpConnection* s = w.server_side();
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->counters().bytes_in, total);
    EXPECT_EQ(w.client.bytes_acked(), total);
    EXPECT_GT(w.client.sender().counters().fast_retransmits, 0u);
    EXPECT_GT(w.client.sender().counters().retransmitted_segments, 0u);
    EXPECT_GT(s->counters().out_of_order_in, 0u);
    EXPECT_GT(w.count(false, 0), 0u);
    bool sacked = false;
    for (const auto& seg : w.seen) sacked |= !seg.from_client && seg.segment.options.sack_block_count != 0;
    EXPECT_TRUE(sacked);  // the listener told the client what it held beyond each hole
}

TEST(TcpClosedLoop, LostLastSegmentIsResentWhenTheTimerRunsOut) {
    TcpWire w(true);
    w.flush();
    std::uint64_t given = 0;
    ASSERT_EQ(fill(w, given, 3 * w.client.send_mss()), 3u);
    int data = 0;
    w.pass = [&](const SeenSegment& s) { return !(s.from_client && !s.data.empty() && ++data == 3); };
    w.flush();
    EXPECT_EQ(w.client.sender().outstanding(), 1u);  // no duplicate ACKs behind the last: only the timer
    w.run_for(40);
    EXPECT_EQ(w.client.sender().counters().rto_expiries, 0u);
    w.run_for(400);
    EXPECT_EQ(w.client.sender().counters().rto_expiries, 1u);
    EXPECT_EQ(w.server_side()->counters().bytes_in, 3u * w.client.send_mss());
    EXPECT_TRUE(w.client.sender().idle());
}

TEST(TcpClosedLoop, FinWaitsForTheDataAndTheCloseIsClean) {
    TcpWire w(true);
    w.flush();
    std::uint64_t given = 0;
    fill(w, given, 5000);
    w.client.shutdown(w.now);
    w.flush();
    ASSERT_GE(w.seen.size(), 2u);
    std::uint32_t last_data_end = 0, fin_seq = 0;
    for (const auto& s : w.seen) {
        if (!s.from_client) continue;
        if (!s.data.empty()) last_data_end = s.segment.seq + static_cast<std::uint32_t>(s.data.size());
        if (s.has(tcp_flag::fin)) fin_seq = s.segment.seq;
    }
    EXPECT_EQ(fin_seq, last_data_end);
    EXPECT_EQ(w.client.state(), TcpState::time_wait);
    EXPECT_EQ(w.server.totals().bytes_in, 5000u);
}

TEST(TcpClosedLoop, VanishedPeerIsUnreachableAfterTheRetransmissions) {
    TcpWire w(true);
    w.flush();
    w.pass = [](const SeenSegment&) { return false; };
    std::uint64_t given = 0;
    fill(w, given, 10000);
    w.run_for(20000);
    EXPECT_EQ(w.client.failure(), TcpFailure::peer_unreachable);
    EXPECT_EQ(w.client.sender().counters().rto_expiries, 5u);  // the last one gives up
}

TEST(TcpClosedLoop, SequenceNumbersWrap) {
    TcpWire w(true);  // the client's ISS is 0xfffff000: the data crosses 2^32 at once
    transfer(w, 200'000);
    EXPECT_EQ(w.server_side()->counters().bytes_in, 200'000u);
    EXPECT_LT(w.client.snd_nxt(), 0x00100000u);
}

}  // namespace
}  // namespace tg::proto

namespace tg::proto {
namespace {

TEST(TcpOpenLoop, SegmentsGoWhenToldAndLossStaysLoss) {
    testing::TcpWire w(false);
    w.flush();
    int data = 0;
    w.pass = [&](const testing::SeenSegment& s) { return !(s.from_client && !s.data.empty() && ++data == 5); };
    const std::vector<std::uint8_t> segment(1000, 3);
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(w.client.can_send(segment.size()));
        ASSERT_TRUE(w.client.send(segment, w.now));
        w.flush();
    }
    w.run_for(2000);
    TcpConnection* s = w.server_side();
    EXPECT_EQ(s->counters().bytes_in, 19000u);
    EXPECT_EQ(s->rcv_nxt(), w.client.iss() + 1 + 4000);
    EXPECT_EQ(w.client.counters().data_segments_out, 20u);
    EXPECT_EQ(data, 20) << "nothing was sent again";
    EXPECT_GT(w.count(false, 0), 10u);  // the listener's duplicate ACKs, unheeded
}

}  // namespace
}  // namespace tg::proto
