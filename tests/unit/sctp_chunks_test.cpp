#include <gtest/gtest.h>

#include <vector>

#include "proto/sctp_build.hpp"
#include "proto/sctp_parse.hpp"

namespace tg::proto {
namespace {

std::vector<SctpChunkView> read_all(std::span<const std::uint8_t> chunks, ParseError& error) {
    SctpChunkReader r(chunks);
    std::vector<SctpChunkView> out;
    SctpChunkView c;
    while (r.next(c)) out.push_back(c);
    error = r.error();
    return out;
}

TEST(SctpChunks, EveryChunkIsPaddedToFourBytesAndReadsBack) {
    std::vector<std::uint8_t> buf(1024);
    SctpChunkWriter w(buf);
    const std::uint8_t user[] = {1, 2, 3, 4, 5};  // 5 bytes: needs 3 of padding
    ASSERT_TRUE(w.data({.tsn = 7, .stream_id = 3, .stream_seq = 9, .ppid = 46, .flags = sctp_data_flag::whole_message}, user));
    EXPECT_EQ(w.size(), 24u);  // 16 + 5 = 21, padded to 24
    EXPECT_EQ(buf[21], 0);
    EXPECT_EQ(buf[23], 0);
    const std::uint8_t hb[] = {9, 9, 9};
    ASSERT_TRUE(w.heartbeat(hb));
    ASSERT_TRUE(w.shutdown(0x12345678));
    ASSERT_TRUE(w.shutdown_ack());
    ASSERT_TRUE(w.cookie_ack());
    ASSERT_TRUE(w.shutdown_complete(true));
    EXPECT_EQ(w.size() % 4, 0u);

    ParseError err;
    const auto chunks = read_all(w.written(), err);
    ASSERT_EQ(err, ParseError::none);
    ASSERT_EQ(chunks.size(), 6u);

    SctpDataView d;
    ASSERT_EQ(parse_sctp_data(chunks[0], d), ParseError::none);
    EXPECT_EQ(chunks[0].length, 21);
    EXPECT_EQ(d.tsn, 7u);
    EXPECT_EQ(d.stream_id, 3);
    EXPECT_EQ(d.stream_seq, 9);
    EXPECT_EQ(d.ppid, 46u);
    EXPECT_EQ(d.flags, sctp_data_flag::whole_message);
    EXPECT_EQ(std::vector<std::uint8_t>(d.user_data.begin(), d.user_data.end()),
              std::vector<std::uint8_t>(std::begin(user), std::end(user)));

    std::span<const std::uint8_t> info;
    ASSERT_EQ(parse_sctp_heartbeat(chunks[1], info), ParseError::none);
    EXPECT_EQ(info.size(), 3u);
    EXPECT_EQ(chunks[1].length, 4 + 4 + 3);

    std::uint32_t cum = 0;
    ASSERT_EQ(parse_sctp_shutdown(chunks[2], cum), ParseError::none);
    EXPECT_EQ(cum, 0x12345678u);
    EXPECT_EQ(chunks[3].type, sctp_chunk::shutdown_ack);
    EXPECT_EQ(chunks[4].type, sctp_chunk::cookie_ack);
    EXPECT_EQ(chunks[5].type, sctp_chunk::shutdown_complete);
    EXPECT_EQ(chunks[5].flags, sctp_flag_t);
}

TEST(SctpChunks, InitAckCarriesAddressesTypesAndCookie) {
    const Ipv4Address v4[] = {Ipv4Address::of(198, 18, 0, 1)};
    const Ipv6Address v6[] = {*Ipv6Address::parse("2001:2::1")};
    const std::uint16_t types[] = {sctp_param::ipv4_address};  // 2 bytes of padding after
    const std::uint8_t cookie[] = {1, 2, 3, 4, 5, 6, 7};       // 1 byte of padding after
    std::vector<std::uint8_t> buf(256);
    SctpChunkWriter w(buf);
    ASSERT_TRUE(w.init_ack({.initiate_tag = 0xabcdef01, .a_rwnd = 131072, .outbound_streams = 10,
                            .inbound_streams = 65535, .initial_tsn = 42, .ipv4_addresses = v4,
                            .ipv6_addresses = v6, .supported_address_types = types, .state_cookie = cookie}));
    ParseError err;
    const auto chunks = read_all(w.written(), err);
    ASSERT_EQ(err, ParseError::none);
    ASSERT_EQ(chunks.size(), 1u);
    // 20 fixed + 8 + 20 + 8 (types, padded, not last) + 11 (cookie, unpadded: last).
    EXPECT_EQ(chunks[0].length, 20 + 8 + 20 + 8 + 11);
    SctpInitView init;
    ASSERT_EQ(parse_sctp_init(chunks[0], init), ParseError::none);
    EXPECT_EQ(init.initiate_tag, 0xabcdef01u);
    EXPECT_EQ(init.outbound_streams, 10);
    EXPECT_EQ(init.inbound_streams, 65535);
    SctpTlvReader params(init.params);
    SctpTlvView p;
    std::vector<std::uint16_t> seen;
    while (params.next(p)) {
        seen.push_back(p.type);
        if (p.type == sctp_param::ipv4_address) {
            ASSERT_EQ(p.value.size(), 4u);
            EXPECT_EQ(p.value[0], 198);
        }
        if (p.type == sctp_param::state_cookie) {
            EXPECT_EQ(p.value.size(), 7u);
        }
        if (p.type == sctp_param::supported_address_types) {
            EXPECT_EQ(p.value.size(), 2u);
        }
    }
    EXPECT_EQ(params.error(), ParseError::none);
    EXPECT_EQ(seen, (std::vector<std::uint16_t>{sctp_param::ipv4_address, sctp_param::ipv6_address,
                                                sctp_param::supported_address_types, sctp_param::state_cookie}));
}

TEST(SctpChunks, InitWithZeroTagOrStreamsIsABadValue) {
    std::vector<std::uint8_t> buf(64);
    SctpChunkWriter w(buf);
    ASSERT_TRUE(w.init({.initiate_tag = 0, .a_rwnd = 1, .outbound_streams = 1, .inbound_streams = 1, .initial_tsn = 1}));
    ParseError err;
    const auto chunks = read_all(w.written(), err);
    SctpInitView init;
    EXPECT_EQ(parse_sctp_init(chunks.at(0), init), ParseError::bad_value);
}

TEST(SctpChunks, SackGapsAndDuplicates) {
    const SctpGap gaps[] = {{2, 4}, {7, 7}};
    const std::uint32_t dups[] = {100, 101, 102};
    std::vector<std::uint8_t> buf(128);
    SctpChunkWriter w(buf);
    ASSERT_TRUE(w.sack(99, 4096, gaps, dups));
    ParseError err;
    const auto chunks = read_all(w.written(), err);
    SctpSackView s;
    ASSERT_EQ(parse_sctp_sack(chunks.at(0), s), ParseError::none);
    EXPECT_EQ(s.cumulative_tsn_ack, 99u);
    EXPECT_EQ(s.a_rwnd, 4096u);
    ASSERT_EQ(s.gap_count, 2);
    EXPECT_EQ(s.gap(1), (SctpGap{7, 7}));
    ASSERT_EQ(s.duplicate_count, 3);
    EXPECT_EQ(s.duplicate(2), 102u);

    // A gap count the chunk cannot hold.
    std::vector<std::uint8_t> lie(w.written().begin(), w.written().end());
    lie[13] = 9;
    const auto bad = read_all(lie, err);
    EXPECT_EQ(parse_sctp_sack(bad.at(0), s), ParseError::bad_length);
}

TEST(SctpChunks, AbortAndErrorCarryCauses) {
    const std::uint8_t sid[] = {0, 5, 0, 0};
    const SctpCause causes[] = {{sctp_cause::invalid_stream_id, sid}, {sctp_cause::user_initiated_abort, {}}};
    std::vector<std::uint8_t> buf(128);
    SctpChunkWriter w(buf);
    ASSERT_TRUE(w.abort(true, causes));
    ASSERT_TRUE(w.error(std::span(causes).first(1)));
    ParseError err;
    const auto chunks = read_all(w.written(), err);
    ASSERT_EQ(chunks.size(), 2u);
    EXPECT_EQ(chunks[0].flags, sctp_flag_t);
    SctpTlvReader r(chunks[0].value);
    SctpTlvView c;
    ASSERT_TRUE(r.next(c));
    EXPECT_EQ(c.type, sctp_cause::invalid_stream_id);
    ASSERT_TRUE(r.next(c));
    EXPECT_EQ(c.type, sctp_cause::user_initiated_abort);
    EXPECT_FALSE(r.next(c));
    EXPECT_EQ(r.error(), ParseError::none);
}

TEST(SctpChunks, WriterRefusesWhatDoesNotFitAndWritesNothing) {
    std::vector<std::uint8_t> buf(20);
    SctpChunkWriter w(buf);
    const std::uint8_t user[8] = {};
    EXPECT_FALSE(w.data({}, user));  // 16 + 8 = 24 > 20
    EXPECT_EQ(w.size(), 0u);
    EXPECT_TRUE(w.cookie_ack());
    EXPECT_EQ(w.size(), 4u);
}

TEST(SctpChunks, ReaderRejectsShortAndOverlongChunks) {
    ParseError err;
    const std::uint8_t too_short[] = {0, 0, 0, 3};
    read_all(too_short, err);
    EXPECT_EQ(err, ParseError::bad_length);
    const std::uint8_t overlong[] = {11, 0, 0, 8, 0, 0};
    read_all(overlong, err);
    EXPECT_EQ(err, ParseError::truncated);
    const std::uint8_t stub[] = {11, 0};
    read_all(stub, err);
    EXPECT_EQ(err, ParseError::truncated);
}

TEST(SctpChunks, DataWithoutUserDataIsBadLength) {
    const std::uint8_t empty_data[] = {0, 3, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    ParseError err;
    const auto chunks = read_all(empty_data, err);
    SctpDataView d;
    EXPECT_EQ(parse_sctp_data(chunks.at(0), d), ParseError::bad_length);
}

TEST(SctpChunks, NamesForReports) {
    EXPECT_STREQ(sctp_chunk_name(sctp_chunk::init_ack), "INIT ACK");
    EXPECT_STREQ(sctp_chunk_name(sctp_chunk::shutdown_complete), "SHUTDOWN COMPLETE");
    EXPECT_STREQ(sctp_chunk_name(200), "unknown");
}

}  // namespace
}  // namespace tg::proto
