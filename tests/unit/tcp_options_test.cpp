#include "proto/tcp_options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tg::proto {
namespace {

TEST(TcpOptions, SynOptionsRoundTripInTwentyBytes) {
    TcpOptions o;
    o.mss = 1460;
    o.sack_permitted = true;
    o.timestamps = TcpTimestamps{0x01020304, 0};
    o.window_scale = 7;
    std::uint8_t buf[40];
    const auto n = write_tcp_options(buf, o);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 20u);
    // The layout common stacks put on a SYN.
    const std::uint8_t expect[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7};
    EXPECT_EQ(std::vector<std::uint8_t>(buf, buf + 20), std::vector<std::uint8_t>(std::begin(expect), std::end(expect)));
    TcpOptions back;
    ASSERT_EQ(parse_tcp_options(std::span(buf, *n), back), ParseError::none);
    EXPECT_EQ(back.mss, o.mss);
    EXPECT_EQ(back.window_scale, o.window_scale);
    EXPECT_TRUE(back.sack_permitted);
    EXPECT_EQ(back.timestamps, o.timestamps);
}

TEST(TcpOptions, SackBlocksRoundTrip) {
    TcpOptions o;
    o.timestamps = TcpTimestamps{5, 6};
    o.sack_block_count = 3;
    o.sack_blocks[0] = {100, 200};
    o.sack_blocks[1] = {300, 400};
    o.sack_blocks[2] = {500, 600};
    std::uint8_t buf[40];
    const auto n = write_tcp_options(buf, o);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 12u + 4 + 24);
    TcpOptions back;
    ASSERT_EQ(parse_tcp_options(std::span(buf, *n), back), ParseError::none);
    EXPECT_EQ(back.sack_block_count, 3);
    EXPECT_EQ(back.sack_blocks[2], (TcpSackBlock{500, 600}));
}

TEST(TcpOptions, TooManyOrOutOfRangeAreRefused) {
    std::uint8_t buf[40];
    TcpOptions o;
    o.timestamps = TcpTimestamps{};
    o.sack_block_count = 4;  // 12 + 36 > 40
    EXPECT_FALSE(write_tcp_options(buf, o));
    TcpOptions ws;
    ws.window_scale = 15;
    EXPECT_FALSE(write_tcp_options(buf, ws));
    TcpOptions mss;
    mss.mss = 1;
    EXPECT_FALSE(write_tcp_options(std::span(buf, 3), mss));
}

TEST(TcpOptions, MalformedListsAreBadOptions) {
    TcpOptions o;
    const std::uint8_t mss_len3[] = {2, 3, 0};
    EXPECT_EQ(parse_tcp_options(mss_len3, o), ParseError::bad_options);
    const std::uint8_t runs_past[] = {8, 10, 0, 0};
    EXPECT_EQ(parse_tcp_options(runs_past, o), ParseError::bad_options);
    const std::uint8_t zero_len[] = {30, 0, 1, 1};
    EXPECT_EQ(parse_tcp_options(zero_len, o), ParseError::bad_options);
    const std::uint8_t dangling_kind[] = {1, 1, 1, 30};
    EXPECT_EQ(parse_tcp_options(dangling_kind, o), ParseError::bad_options);
    const std::uint8_t unknown_ok[] = {30, 4, 9, 9, 0, 77};  // unknown kind, then EOL and junk
    EXPECT_EQ(parse_tcp_options(unknown_ok, o), ParseError::none);
}

}  // namespace
}  // namespace tg::proto
