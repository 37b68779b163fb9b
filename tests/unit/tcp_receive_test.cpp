#include <gtest/gtest.h>

#include "proto/tcp_receive.hpp"

namespace tg::proto {
namespace {

TEST(TcpReceiveTracker, InOrderHolesAndDuplicates) {
    TcpReceiveTracker r;
    r.start(1000);
    EXPECT_EQ(r.add(1000, 100).new_bytes, 100u);
    EXPECT_EQ(r.next(), 1100u);
    auto a = r.add(1300, 100);  // a hole at 1100..1300
    EXPECT_EQ(a.new_bytes, 100u);
    EXPECT_FALSE(a.in_order);
    EXPECT_EQ(r.add(1350, 100).new_bytes, 50u);  // half of it arrived already
    EXPECT_EQ(r.add(1000, 150).new_bytes, 50u);  // half old, half new
    EXPECT_EQ(r.next(), 1150u);
    std::array<TcpSackBlock, tcp_max_sack_blocks> b{};
    ASSERT_EQ(r.sack_blocks(b, 4), 1u);
    EXPECT_EQ(b[0], (TcpSackBlock{1300, 1450}));
    EXPECT_EQ(r.add(1150, 150).new_bytes, 150u);  // fills the hole
    EXPECT_EQ(r.next(), 1450u);
    EXPECT_FALSE(r.has_holes());
}

TEST(TcpReceiveTracker, SackBlocksPutTheLatestFirst) {
    TcpReceiveTracker r;
    r.start(0);
    r.add(100, 10);
    r.add(300, 10);
    r.add(200, 10);
    std::array<TcpSackBlock, tcp_max_sack_blocks> b{};
    ASSERT_EQ(r.sack_blocks(b, 3), 3u);
    EXPECT_EQ(b[0].left, 200u);
    EXPECT_EQ(b[1].left, 300u);
    EXPECT_EQ(b[2].left, 100u);
    r.add(110, 5);  // extends the first range: now the latest
    ASSERT_EQ(r.sack_blocks(b, 1), 1u);
    EXPECT_EQ(b[0], (TcpSackBlock{100, 115}));
}

TEST(TcpReceiveTracker, MoreHolesThanItKeepsAreRefusedNotCountedTwice) {
    TcpReceiveTracker r;
    r.start(0);
    for (std::uint32_t i = 0; i < TcpReceiveTracker::max_ranges; ++i) EXPECT_EQ(r.add(100 * (i + 1), 10).new_bytes, 10u);
    const auto a = r.add(5000, 10);
    EXPECT_TRUE(a.refused);
    EXPECT_EQ(a.new_bytes, 0u);
    EXPECT_EQ(r.add(105, 10).new_bytes, 5u);  // touching a kept range is always taken
    std::uint64_t total = 0;
    total += r.add(0, 5000).new_bytes;
    EXPECT_EQ(total, 5000u - 8u * 10u - 5u);
    EXPECT_EQ(r.next(), 5000u);
    EXPECT_EQ(r.add(5000, 10).new_bytes, 10u);
}

TEST(TcpReceiveTracker, WrapsAroundTwoToThe32) {
    TcpReceiveTracker r;
    r.start(0xffffff00u);
    EXPECT_EQ(r.add(0x10, 0x20).new_bytes, 0x20u);  // beyond the wrap, ahead of a hole
    EXPECT_EQ(r.add(0xffffff00u, 0x110).new_bytes, 0x100u + 0x10u);
    EXPECT_EQ(r.next(), 0x30u);
}

}  // namespace
}  // namespace tg::proto
