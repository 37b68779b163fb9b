// The SCTP endpoint (client association against the stateless server) exchanging packets
// in memory, under a clock the test moves: the handshake, DATA and SACK, and each way it
// can go wrong (lost INIT ACK, lost COOKIE ACK, bad tag, forged and expired cookies,
// ABORT, out-of-window data, a peer that vanishes, SHUTDOWN).
#include <gtest/gtest.h>

#include <vector>

#include "proto/sctp_association.hpp"
#include "proto/sctp_build.hpp"
#include "proto/sctp_parse.hpp"
#include "proto/sctp_server.hpp"
#include "sctp_wire.hpp"

namespace tg::proto {
namespace {

using namespace tg::proto::testing;

TEST(SctpAssociation, HandshakeEstablishesBothSidesAndTheServerKeepsNoStateBeforeCookieEcho) {
    Wire w;
    SctpPacketOut init;
    ASSERT_TRUE(w.client.pop(init));
    EXPECT_EQ(init.vtag, 0u);
    EXPECT_EQ(first_chunk_type(init), sctp_chunk::init);
    w.server.receive(client_ip, 40000, server_ip, server_port, init.vtag, init.chunks, w.now);
    EXPECT_EQ(w.server.size(), 0u) << "no state for an INIT";
    EXPECT_EQ(w.server.counters().inits, 1u);
    w.run_for(30);
    ASSERT_TRUE(w.client.established()) << to_string(w.client.state());
    ASSERT_NE(w.server_side(), nullptr);
    EXPECT_TRUE(w.server_side()->established());
    EXPECT_EQ(w.server_side()->peer_tag(), w.client.local_tag());
    EXPECT_EQ(w.client.peer_tag(), w.server_side()->local_tag());
    EXPECT_EQ(w.client.outbound_streams(), 4u);   // asked 4, server allows 16 in
    EXPECT_EQ(w.client.inbound_streams(), 8u);    // server offers 8, client takes up to 10
    EXPECT_EQ(w.server_side()->inbound_streams(), 4u);
    EXPECT_LE(w.client.setup_ms(), 20u);
    EXPECT_EQ(w.server.counters().cookies_accepted, 1u);
}

TEST(SctpAssociation, DataOnEveryStreamIsCountedAndAcknowledged) {
    Wire w;
    w.flush();
    ASSERT_TRUE(w.client.established());
    const std::uint8_t payload[100] = {};
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(w.client.send(static_cast<std::uint16_t>(i % 4), 46, payload, w.now));
    EXPECT_FALSE(w.client.send(4, 46, payload, w.now)) << "stream 4 was not granted";
    w.flush();
    w.run_for(100);  // the delayed SACK for an odd packet
    const SctpAssociation* s = w.server_side();
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->counters().data_in, 40u);
    EXPECT_EQ(s->counters().data_bytes_in, 4000u);
    for (std::uint16_t st = 0; st < 4; ++st) EXPECT_EQ(s->stream_chunks_in()[st], 10u) << "stream " << st;
    EXPECT_EQ(w.client.peer_cumulative_ack(), w.client.next_tsn() - 1) << "every TSN acknowledged";
    EXPECT_GE(w.client.counters().sacks_in, 20u);
}

TEST(SctpAssociation, ALostInitAckIsRecoveredByRetransmittingInit) {
    Wire w;
    w.drop_first_from_server(sctp_chunk::init_ack);
    w.flush();
    EXPECT_EQ(w.client.state(), SctpState::cookie_wait);
    w.run_for(150);
    EXPECT_TRUE(w.client.established());
    EXPECT_EQ(w.client.counters().init_retransmits, 1u);
    EXPECT_EQ(w.server.size(), 1u);
    EXPECT_GE(w.client.setup_ms(), 100u) << "one RTO";
}

TEST(SctpAssociation, ADuplicateCookieEchoIsAnsweredWithoutASecondAssociation) {
    Wire w;
    w.drop_first_from_server(sctp_chunk::cookie_ack);
    w.flush();
    EXPECT_EQ(w.client.state(), SctpState::cookie_echoed);
    w.run_for(150);
    EXPECT_TRUE(w.client.established());
    EXPECT_EQ(w.client.counters().cookie_retransmits, 1u);
    EXPECT_EQ(w.server.counters().duplicate_cookie_echoes, 1u);
    EXPECT_EQ(w.server.counters().cookies_accepted, 1u);
    EXPECT_EQ(w.server.size(), 1u);
}

TEST(SctpAssociation, APacketWithTheWrongVerificationTagIsDiscarded) {
    Wire w;
    w.flush();
    ASSERT_TRUE(w.client.established());
    std::vector<std::uint8_t> buf(64);
    SctpChunkWriter cw(buf);
    const std::uint8_t payload[8] = {};
    SctpDataSpec d;
    d.tsn = w.client.next_tsn();
    ASSERT_TRUE(cw.data(d, payload));
    buf.resize(cw.size());
    w.server.receive(client_ip, 40000, server_ip, server_port, w.client.peer_tag() ^ 1, buf, w.now);
    EXPECT_EQ(w.server_side()->counters().bad_vtag, 1u);
    EXPECT_EQ(w.server_side()->counters().data_in, 0u);
    w.server.receive(client_ip, 40000, server_ip, server_port, w.client.peer_tag(), buf, w.now);
    EXPECT_EQ(w.server_side()->counters().data_in, 1u) << "the same DATA with the right tag is taken";
}

TEST(SctpAssociation, AForgedCookieMakesNoAssociationAndTheClientGivesUp) {
    Wire w;
    w.pass = [](bool from_client, SctpPacketOut& p) {
        if (from_client && first_chunk_type(p) == sctp_chunk::cookie_echo) p.chunks[10] ^= 0x40;  // inside the cookie
        return true;
    };
    w.run_for(3000);
    EXPECT_EQ(w.server.size(), 0u);
    EXPECT_EQ(w.server.counters().cookies_forged, 5u);  // the first and 4 retransmissions
    EXPECT_EQ(w.client.state(), SctpState::closed);
    EXPECT_EQ(w.client.failure(), SctpFailure::cookie_timeout);
}

TEST(SctpAssociation, AnExpiredCookieIsRefusedAsStaleAndTheClientStartsOver) {
    Wire w;
    bool held = false;
    w.pass = [&](bool from_client, SctpPacketOut& p) {
        if (from_client && first_chunk_type(p) == sctp_chunk::cookie_echo && !held) {
            held = true;
            w.now += 1500;  // the cookie lives 1000 ms: it arrives late
        }
        (void)p;
        return true;
    };
    w.run_for(300);
    EXPECT_EQ(w.server.counters().cookies_stale, 1u);
    EXPECT_EQ(w.client.counters().stale_cookie_errors, 1u);
    EXPECT_TRUE(w.client.established()) << "a new INIT, a fresh cookie";
    EXPECT_EQ(w.server.counters().cookies_accepted, 1u);
}

TEST(SctpAssociation, AbortEndsTheAssociationWithItsReason) {
    Wire w;
    w.flush();
    ASSERT_TRUE(w.client.established());
    w.server_side()->abort(w.now);
    w.flush();
    EXPECT_EQ(w.client.state(), SctpState::closed);
    EXPECT_EQ(w.client.failure(), SctpFailure::abort_received);
    EXPECT_NE(w.client.peer_reason().find("cause 12"), std::string::npos) << w.client.peer_reason();
}

TEST(SctpAssociation, OutOfOrderDuplicateAndOutOfWindowDataAreReportedInSacks) {
    Wire w;
    w.flush();
    SctpAssociation* s = w.server_side();
    ASSERT_NE(s, nullptr);
    const std::uint32_t first = w.client.next_tsn();
    auto data = [&](std::uint32_t tsn) {
        std::vector<std::uint8_t> buf(64);
        SctpChunkWriter cw(buf);
        const std::uint8_t payload[4] = {1, 2, 3, 4};
        SctpDataSpec d;
        d.tsn = tsn;
        EXPECT_TRUE(cw.data(d, payload));
        buf.resize(cw.size());
        w.server.receive(client_ip, 40000, server_ip, server_port, w.client.peer_tag(), buf, w.now);
    };
    auto last_sack = [&]() {
        SctpServerPacket p;
        SctpPacketOut sack;
        while (w.server.pop(p)) {
            if (first_chunk_type(p.packet) == sctp_chunk::sack) sack = p.packet;
        }
        return sack;
    };
    data(first);
    data(first + 2);  // first + 1 missing: a SACK at once, with a gap block
    SctpPacketOut sack = last_sack();
    ASSERT_EQ(first_chunk_type(sack), sctp_chunk::sack);
    SctpChunkReader r(sack.chunks);
    SctpChunkView c;
    ASSERT_TRUE(r.next(c));
    SctpSackView v;
    ASSERT_EQ(parse_sctp_sack(c, v), ParseError::none);
    EXPECT_EQ(v.cumulative_tsn_ack, first);
    ASSERT_EQ(v.gap_count, 1u);
    EXPECT_EQ(v.gap(0), (SctpGap{2, 2}));

    data(first + 2);  // a duplicate
    sack = last_sack();
    SctpChunkReader r2(sack.chunks);
    ASSERT_TRUE(r2.next(c));
    ASSERT_EQ(parse_sctp_sack(c, v), ParseError::none);
    ASSERT_EQ(v.duplicate_count, 1u);
    EXPECT_EQ(v.duplicate(0), first + 2);

    data(first + SctpTsnTracker::window + 10);  // far beyond the window: dropped, not acked
    EXPECT_EQ(s->counters().data_in, 2u);
    EXPECT_EQ(s->counters().duplicate_tsns_in, 1u);
    EXPECT_EQ(s->received().cumulative(), first);
}

TEST(SctpAssociation, APeerThatVanishesIsFoundUnreachable) {
    Wire w;
    w.flush();
    ASSERT_TRUE(w.client.established());
    w.pass = [](bool from_client, SctpPacketOut&) { return from_client; };  // nothing comes back
    w.run_for(5000);
    EXPECT_EQ(w.client.state(), SctpState::closed);
    EXPECT_EQ(w.client.failure(), SctpFailure::peer_unreachable);
    EXPECT_GE(w.count(true, sctp_chunk::heartbeat), 3u);
}

TEST(SctpAssociation, HeartbeatsAreAnsweredAndKeepItAlive) {
    Wire w;
    w.run_for(3000);
    EXPECT_TRUE(w.client.established());
    EXPECT_GE(w.server_side()->counters().heartbeats_answered, 3u);
}

TEST(SctpAssociation, ShutdownClosesBothSidesCleanly) {
    Wire w;
    w.flush();
    w.client.shutdown(w.now);
    w.flush();
    EXPECT_EQ(w.client.state(), SctpState::closed);
    EXPECT_EQ(w.client.failure(), SctpFailure::none);
    EXPECT_EQ(w.server_side()->state(), SctpState::closed);
    EXPECT_EQ(w.server_side()->failure(), SctpFailure::none);
    EXPECT_EQ(w.count(true, sctp_chunk::shutdown), 1u);
    EXPECT_EQ(w.count(false, sctp_chunk::shutdown_ack), 1u);
    EXPECT_EQ(w.count(true, sctp_chunk::shutdown_complete), 1u);
}

TEST(SctpAssociation, AnInitNobodyAnswersTimesOut) {
    Wire w;
    w.pass = [](bool from_client, SctpPacketOut&) { return !from_client; };  // INITs are lost
    w.run_for(5000);
    EXPECT_EQ(w.client.failure(), SctpFailure::init_timeout);
    EXPECT_EQ(w.client.counters().init_retransmits, 4u);
    EXPECT_EQ(w.count(true, sctp_chunk::init), 5u);
}

TEST(SctpServer, OutOfTheBluePacketsAreAnsweredWithAbort) {
    Wire w;
    std::vector<std::uint8_t> buf(64);
    SctpChunkWriter cw(buf);
    const std::uint8_t payload[4] = {};
    ASSERT_TRUE(cw.data({}, payload));
    buf.resize(cw.size());
    w.server.receive(client_ip, 50000, server_ip, server_port, 0xabcdef01u, buf, w.now);
    SctpServerPacket p;
    ASSERT_TRUE(w.server.pop(p));
    EXPECT_EQ(first_chunk_type(p.packet), sctp_chunk::abort);
    EXPECT_EQ(p.packet.chunks[1] & sctp_flag_t, sctp_flag_t) << "the T bit: the tag is the sender's";
    EXPECT_EQ(p.packet.vtag, 0xabcdef01u);
    EXPECT_EQ(w.server.counters().out_of_the_blue, 1u);
}

TEST(SctpServer, HoldsManyAssociationsAtOnce) {
    Wire w;
    std::vector<SctpAssociation> clients;
    for (std::uint16_t port = 41000; port < 41100; ++port) clients.push_back(Wire::connect(2, port, w.now, false));
    for (int round = 0; round < 4; ++round) {
        for (auto& c : clients) {
            SctpPacketOut p;
            while (c.pop(p)) w.server.receive(client_ip, c.config().local_port, server_ip, server_port, p.vtag, p.chunks, w.now);
        }
        SctpServerPacket sp;
        while (w.server.pop(sp)) {
            clients[sp.peer_port - 41000].receive(sp.packet.vtag, sp.packet.chunks, w.now);
        }
    }
    for (const auto& c : clients) EXPECT_TRUE(c.established());
    EXPECT_EQ(w.server.size(), 100u);
}

TEST(SctpTsnTracker, WrapsAroundAndReportsGapsAndDuplicates) {
    SctpTsnTracker t(0xfffffffeu);
    EXPECT_EQ(t.receive(0xfffffffeu), SctpTsnTracker::Arrival::in_order);
    EXPECT_EQ(t.receive(0x00000001u), SctpTsnTracker::Arrival::out_of_order);  // 0xffffffff and 0 missing
    EXPECT_EQ(t.receive(0x00000003u), SctpTsnTracker::Arrival::out_of_order);
    std::array<SctpGap, 4> gaps{};
    ASSERT_EQ(t.gaps(gaps), 2u);
    EXPECT_EQ(gaps[0], (SctpGap{3, 3}));
    EXPECT_EQ(gaps[1], (SctpGap{5, 5}));
    EXPECT_EQ(t.receive(0xffffffffu), SctpTsnTracker::Arrival::in_order);
    EXPECT_EQ(t.receive(0x00000000u), SctpTsnTracker::Arrival::in_order);
    EXPECT_EQ(t.cumulative(), 1u) << "through the wrap, up to the next gap";
    EXPECT_EQ(t.receive(0x00000001u), SctpTsnTracker::Arrival::duplicate);
    ASSERT_EQ(t.duplicates().size(), 1u);
    EXPECT_EQ(t.receive(0x00000002u), SctpTsnTracker::Arrival::in_order);
    EXPECT_EQ(t.cumulative(), 3u);
    EXPECT_FALSE(t.has_gaps());
    EXPECT_EQ(t.receive(3u + SctpTsnTracker::window + 1), SctpTsnTracker::Arrival::beyond_window);
}

TEST(SctpCookie, SealedStateOpensOnlyUnderTheSameKeyAndWithinItsLife) {
    SctpCookieSigner a(std::array<std::uint8_t, 32>{9}), b(std::array<std::uint8_t, 32>{8});
    SctpCookieState s;
    s.local_tag = 1;
    s.peer_tag = 2;
    s.local_tsn = 3;
    s.peer_tsn = 4;
    s.peer_rwnd = 5;
    s.outbound_streams = 6;
    s.inbound_streams = 7;
    s.local_port = 8;
    s.peer_port = 9;
    s.local_address = *IpAddress::parse("2001:2::1");
    s.peer_address = *IpAddress::parse("2001:2::2");
    s.created_ms = 1000;
    s.lifetime_ms = 500;
    const auto cookie = a.seal(s);
    SctpCookieState out;
    std::uint32_t stale_us = 0;
    EXPECT_EQ(a.open(cookie, 1400, out, stale_us), SctpCookieCheck::ok);
    EXPECT_EQ(out, s);
    EXPECT_EQ(b.open(cookie, 1400, out, stale_us), SctpCookieCheck::forged);
    auto altered = cookie;
    altered[7] ^= 1;
    EXPECT_EQ(a.open(altered, 1400, out, stale_us), SctpCookieCheck::forged);
    EXPECT_EQ(a.open(cookie, 1600, out, stale_us), SctpCookieCheck::stale);
    EXPECT_EQ(stale_us, 100000u);
    EXPECT_EQ(a.open(std::span(cookie).first(10), 1400, out, stale_us), SctpCookieCheck::malformed);
}

}  // namespace
}  // namespace tg::proto
