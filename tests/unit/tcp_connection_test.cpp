// The TCP state machine over an in-memory wire: the handshake and its options, the
// losses and forgeries a handshake meets, RST and SYN checks, windows, the close, and a
// peer that vanishes.
#include <gtest/gtest.h>

#include "tcp_wire.hpp"

namespace tg::proto {
namespace {

using testing::SeenSegment;
using testing::TcpWire;

TEST(TcpConnection, HandshakeNegotiatesOptionsBothWays) {
    TcpWire w;
    w.flush();
    ASSERT_TRUE(w.client.established());
    TcpConnection* s = w.server_side();
    ASSERT_NE(s, nullptr);
    EXPECT_TRUE(s->established());
    ASSERT_GE(w.seen.size(), 3u);
    const SeenSegment& syn = w.seen[0];
    EXPECT_EQ(syn.segment.flags, tcp_flag::syn);
    EXPECT_EQ(syn.segment.seq, 0xfffff000u);
    EXPECT_EQ(syn.segment.options.mss, 1460);
    EXPECT_TRUE(syn.segment.options.sack_permitted);
    EXPECT_TRUE(syn.segment.options.timestamps.has_value());
    EXPECT_EQ(syn.segment.options.window_scale, 7);
    const SeenSegment& synack = w.seen[1];
    EXPECT_TRUE(synack.has(tcp_flag::syn | tcp_flag::ack));
    EXPECT_EQ(synack.segment.ack, 0xfffff001u);
    EXPECT_EQ(synack.segment.options.timestamps->echo_reply, syn.segment.options.timestamps->value);
    EXPECT_EQ(synack.segment.window, 65535);  // a SYN's window is never scaled
    EXPECT_EQ(w.seen[2].segment.flags, tcp_flag::ack);
    EXPECT_EQ(w.seen[2].segment.ack, synack.segment.seq + 1);
    EXPECT_EQ(w.seen[2].segment.window, (1u << 22) >> 7);
    EXPECT_TRUE(w.client.timestamps_on());
    EXPECT_TRUE(w.client.sack_on());
    EXPECT_EQ(w.client.send_mss(), 1460u - 12u);
    EXPECT_EQ(w.client.send_shift(), 7);
    EXPECT_EQ(w.server.counters().syns, 1u);
}

TEST(TcpConnection, PeerWithoutOptionsGetsNone) {
    TcpListener server(TcpWire::server_config(65535, 0), 3);
    TcpSegmentIn syn{100, 0, tcp_flag::syn, 8192, {}, {}};
    server.receive(testing::tcp_client_ip, 1234, testing::tcp_server_ip, 80, syn, 0);
    TcpServerSegment out;
    ASSERT_TRUE(server.pop(out));
    EXPECT_TRUE(out.segment.options.mss.has_value());
    EXPECT_FALSE(out.segment.options.sack_permitted);
    EXPECT_FALSE(out.segment.options.timestamps.has_value());
    EXPECT_FALSE(out.segment.options.window_scale.has_value());
    EXPECT_EQ(server.find(testing::tcp_client_ip, 1234, 80)->send_mss(), 536u);  // RFC 9293's default
}

TEST(TcpConnection, LostSynAckIsRecoveredBySynRetransmission) {
    TcpWire w;
    bool dropped = false;
    w.pass = [&](const SeenSegment& s) {
        if (!s.from_client && s.has(tcp_flag::syn) && !dropped) return !(dropped = true);
        return true;
    };
    w.flush();
    EXPECT_EQ(w.client.state(), TcpState::syn_sent);
    w.run_for(150);
    EXPECT_TRUE(w.client.established());
    EXPECT_TRUE(w.server_side()->established());
    EXPECT_GE(w.client.counters().syn_retransmits, 1u);
    EXPECT_EQ(w.server.counters().syns, 1u);  // the second SYN met the same half-open connection
    EXPECT_GE(w.count(false, tcp_flag::syn | tcp_flag::ack), 2u);
}

TEST(TcpConnection, LostFinalAckIsRecoveredBySynAckRetransmission) {
    TcpWire w;
    bool dropped = false;
    w.pass = [&](const SeenSegment& s) {
        if (s.from_client && s.segment.flags == tcp_flag::ack && !dropped) return !(dropped = true);
        return true;
    };
    w.flush();
    EXPECT_TRUE(w.client.established());
    EXPECT_EQ(w.server_side()->state(), TcpState::syn_received);
    w.run_for(150);  // the SYN-ACK again: the client answers it with an ACK
    EXPECT_TRUE(w.server_side()->established());
    EXPECT_EQ(w.server_side()->counters().syn_retransmits, 1u);
}

TEST(TcpConnection, ForgedAckInSynReceivedGetsRstAndLeavesTheHandshake) {
    TcpWire w;
    w.pass = [](const SeenSegment& s) { return !(s.from_client && s.segment.flags == tcp_flag::ack); };
    w.flush();
    TcpConnection* s = w.server_side();
    ASSERT_EQ(s->state(), TcpState::syn_received);
    const std::uint32_t iss = s->iss();
    w.pass = [](const SeenSegment&) { return true; };
    // An ACK that does not acknowledge our SYN: someone who never saw the SYN-ACK.
    w.to_server({w.client.snd_nxt(), iss + 77, tcp_flag::ack, 1000, {}, {}});
    TcpServerSegment out;
    ASSERT_TRUE(w.server.pop(out));
    EXPECT_EQ(out.segment.flags, tcp_flag::rst);
    EXPECT_EQ(out.segment.seq, iss + 77);
    EXPECT_EQ(s->state(), TcpState::syn_received);
    EXPECT_EQ(s->counters().bad_ack_in, 1u);
}

TEST(TcpListener, AHandshakeResetHalfwayIsNotCountedAsEstablished) {
    TcpWire w;
    w.pass = [](const SeenSegment& s) { return !(s.from_client && s.segment.flags == tcp_flag::ack); };
    w.flush();
    TcpConnection* s = w.server_side();
    ASSERT_EQ(s->state(), TcpState::syn_received);
    w.to_server({s->rcv_nxt(), 0, tcp_flag::rst, 0, {}, {}});
    w.step();
    EXPECT_EQ(w.server.size(), 0u);
    const TcpServerTotals t = w.server.totals();
    EXPECT_EQ(t.established, 0u);
    EXPECT_EQ(t.failed.at("RST received"), 1u);
}

TEST(TcpListener, SegmentOfNoConnectionIsResetOrIgnored) {
    TcpListenerConfig c = TcpWire::server_config(65535, 0);
    TcpListener answering(c, 1);
    const TcpSegmentIn ack{5000, 9000, tcp_flag::ack, 100, {}, {}};
    answering.receive(testing::tcp_client_ip, 1, testing::tcp_server_ip, 2, ack, 0);
    TcpServerSegment out;
    ASSERT_TRUE(answering.pop(out));
    EXPECT_EQ(out.segment.flags, tcp_flag::rst);
    EXPECT_EQ(out.segment.seq, 9000u);
    EXPECT_EQ(answering.size(), 0u);  // no state for it
    c.answer_out_of_the_blue = false;  // a sink that also counts stateless test traffic
    TcpListener quiet(c, 1);
    quiet.receive(testing::tcp_client_ip, 1, testing::tcp_server_ip, 2, ack, 0);
    EXPECT_FALSE(quiet.pop(out));
    EXPECT_EQ(quiet.counters().out_of_the_blue, 1u);
}

TEST(TcpConnection, RstWithExactSequenceEndsTheConnection) {
    TcpWire w;
    w.flush();
    TcpConnection* s = w.server_side();
    w.to_server({w.client.snd_nxt(), 0, tcp_flag::rst, 0, {}, {}});
    EXPECT_EQ(s->state(), TcpState::closed);
    EXPECT_EQ(s->failure(), TcpFailure::reset_received);
    w.step();
    EXPECT_EQ(w.server.size(), 0u);
    EXPECT_EQ(w.server.totals().failed.at("RST received"), 1u);
}

TEST(TcpConnection, InWindowRstGetsAChallengeAckAndOutOfWindowRstIsIgnored) {
    TcpWire w;
    w.flush();
    TcpConnection* s = w.server_side();
    const std::size_t before = w.seen.size();
    w.to_server({w.client.snd_nxt() + 1000, 0, tcp_flag::rst, 0, {}, {}});
    EXPECT_TRUE(s->established());
    EXPECT_EQ(s->counters().challenge_acks, 1u);
    w.flush();
    ASSERT_GT(w.seen.size(), before);
    EXPECT_EQ(w.seen[before].segment.flags, tcp_flag::ack);  // the challenge ACK, at RCV.NXT
    EXPECT_EQ(w.seen[before].segment.ack, w.client.snd_nxt());
    w.to_server({w.client.snd_nxt() + 0x40000000u, 0, tcp_flag::rst, 0, {}, {}});
    EXPECT_TRUE(s->established());
    EXPECT_EQ(s->counters().out_of_window_in, 1u);
    // The client answered the challenge ACK with nothing: it was not out of sync.
    EXPECT_TRUE(w.client.established());
}

TEST(TcpConnection, SynOnAnOpenConnectionGetsAChallengeAck) {
    TcpWire w;
    w.flush();
    TcpConnection* s = w.server_side();
    w.to_server({w.client.snd_nxt() + 10, 0, tcp_flag::syn, 1000, {}, {}});
    EXPECT_TRUE(s->established());
    EXPECT_EQ(s->counters().challenge_acks, 1u);
}

TEST(TcpConnection, OutOfWindowDataIsDroppedAndAcked) {
    TcpWire w(false, 40000, 65535, 0);
    w.flush();
    TcpConnection* s = w.server_side();
    const std::vector<std::uint8_t> data(100, 0x5a);
    const std::uint32_t beyond = w.client.snd_nxt() + 65535 + 10;
    const std::size_t before = w.seen.size();
    w.to_server({beyond, w.client.rcv_nxt(), tcp_flag::ack, 1000, {}, data});
    w.flush();
    EXPECT_EQ(s->counters().out_of_window_in, 1u);
    EXPECT_EQ(s->counters().bytes_in, 0u);
    EXPECT_EQ(s->rcv_nxt(), w.client.snd_nxt());
    ASSERT_GT(w.seen.size(), before);
    EXPECT_EQ(w.seen[before].segment.ack, w.client.snd_nxt());  // an ACK says where we are
}

TEST(TcpConnection, AckOfDataNeverSentIsDropped) {
    TcpWire w;
    w.flush();
    TcpConnection* s = w.server_side();
    const std::vector<std::uint8_t> data(10, 1);
    w.to_server({w.client.snd_nxt(), s->snd_nxt() + 5000, tcp_flag::ack, 1000, {}, data});
    EXPECT_EQ(s->counters().bad_ack_in, 1u);
    EXPECT_EQ(s->counters().bytes_in, 0u);
}

TEST(TcpConnection, CloseRunsBothFinsAndTimeWait) {
    TcpWire w;
    w.flush();
    w.client.shutdown(w.now);
    w.flush();
    EXPECT_EQ(w.client.state(), TcpState::time_wait);  // the sink answered our FIN with its own
    EXPECT_EQ(w.count(true, tcp_flag::fin), 1u);
    EXPECT_EQ(w.count(false, tcp_flag::fin), 1u);
    w.step();
    EXPECT_EQ(w.server.size(), 0u);
    EXPECT_EQ(w.server.totals().closed_clean, 1u);
    w.run_for(250);
    EXPECT_TRUE(w.client.finished());
    EXPECT_EQ(w.client.failure(), TcpFailure::none);
}

TEST(TcpConnection, LostFinIsSentAgain) {
    TcpWire w;
    w.flush();
    bool dropped = false;
    w.pass = [&](const SeenSegment& s) {
        if (s.from_client && s.has(tcp_flag::fin) && !dropped) return !(dropped = true);
        return true;
    };
    w.client.shutdown(w.now);
    w.flush();
    EXPECT_EQ(w.client.state(), TcpState::fin_wait_1);
    w.run_for(150);
    EXPECT_EQ(w.count(true, tcp_flag::fin), 2u);
    EXPECT_EQ(w.server.totals().closed_clean, 1u);
}

TEST(TcpConnection, SynNeverAnsweredTimesOut) {
    TcpWire w;
    w.pass = [](const SeenSegment& s) { return !s.from_client; };
    w.run_for(3000);
    EXPECT_EQ(w.client.failure(), TcpFailure::syn_timeout);
    EXPECT_EQ(w.count(true, tcp_flag::syn), 4u);  // the first and syn_retries more
}

TEST(TcpConnection, RstAnsweringTheSynIsRefused) {
    TcpWire w;
    w.flush();
    TcpSegmentOut ignored;
    TcpConnection c = TcpWire::connect(40001, w.now, false);
    ASSERT_TRUE(c.pop(ignored));
    c.receive({0, ignored.seq + 1, tcp_flag::rst | tcp_flag::ack, 0, {}, {}}, w.now);
    EXPECT_EQ(c.failure(), TcpFailure::refused);
    // A RST whose ACK does not fit our SYN is not believed.
    TcpConnection d = TcpWire::connect(40002, w.now, false);
    ASSERT_TRUE(d.pop(ignored));
    d.receive({0, ignored.seq + 9, tcp_flag::rst | tcp_flag::ack, 0, {}, {}}, w.now);
    EXPECT_EQ(d.state(), TcpState::syn_sent);
}

TEST(TcpConnection, VanishedPeerEndsTheCloseWithPeerUnreachable) {
    TcpWire w;
    w.flush();
    w.pass = [](const SeenSegment&) { return false; };
    w.client.shutdown(w.now);
    w.run_for(10000);
    EXPECT_EQ(w.client.failure(), TcpFailure::peer_unreachable);
    EXPECT_EQ(w.count(true, tcp_flag::fin), 5u);  // the first and max_retransmits more
}

TEST(TcpConnection, AbortSendsRst) {
    TcpWire w;
    w.flush();
    w.client.abort(w.now);
    EXPECT_EQ(w.client.failure(), TcpFailure::reset_sent);
    w.flush();
    EXPECT_EQ(w.count(true, tcp_flag::rst), 1u);
    w.step();
    EXPECT_EQ(w.server.totals().failed.at("RST received"), 1u);
}

TEST(TcpConnection, OpenLoopDataFromElsewhereIsAcknowledged) {
    TcpWire w;
    w.flush();
    w.client.data_sent_elsewhere();
    const std::vector<std::uint8_t> data(1000, 7);
    const std::uint32_t first = w.client.snd_nxt();
    for (std::uint32_t i = 0; i < 10; ++i) {
        if (i == 4) continue;  // lost on the way: open loop never sends it again
        w.to_server({first + i * 1000, w.client.rcv_nxt(), tcp_flag::ack | tcp_flag::psh, 512, {}, data});
    }
    w.flush();
    TcpConnection* s = w.server_side();
    EXPECT_EQ(s->counters().bytes_in, 9000u);
    EXPECT_EQ(s->rcv_nxt(), first + 4000);
    EXPECT_EQ(s->counters().out_of_order_in, 5u);
    EXPECT_EQ(w.client.snd_una(), first + 4000);  // the ACKs were taken though the client sent nothing itself
    w.client.data_sent_elsewhere(10000);
    w.client.shutdown(w.now);
    w.flush();
    EXPECT_EQ(w.client.state(), TcpState::fin_wait_1);  // the sink cannot take our FIN past the hole
}

}  // namespace
}  // namespace tg::proto
