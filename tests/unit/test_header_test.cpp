#include "proto/test_header.hpp"

#include <gtest/gtest.h>

#include <array>

namespace tg::proto {
namespace {

TEST(TestHeader, RoundTripsEveryField) {
    const TestHeader h{.flow_id = 0xabcdef, .stream_id = 0xfffe, .seq = 0xdeadbeef,
                       .tx_ns = 0x0000123456789abcull, .flags = test_flag::last | test_flag::retransmission};
    std::array<std::uint8_t, test_header_size> buf{};
    ASSERT_TRUE(write_test_header(buf, h));
    EXPECT_EQ(buf[0], 0x54);  // "TG"
    EXPECT_EQ(buf[1], 0x47);
    TestHeader back;
    ASSERT_EQ(read_test_header(buf, back), TestHeaderStatus::ok);
    EXPECT_EQ(back, h);
}

TEST(TestHeader, OnlyTheLow48TimestampBitsTravel) {
    std::array<std::uint8_t, test_header_size> buf{};
    ASSERT_TRUE(write_test_header(buf, {.tx_ns = 0xffff'0000'0000'0001ull}));
    TestHeader back;
    ASSERT_EQ(read_test_header(buf, back), TestHeaderStatus::ok);
    EXPECT_EQ(back.tx_ns, 1u);
}

TEST(TestHeader, RefusesWhatCannotBeWritten) {
    std::array<std::uint8_t, test_header_size> buf{};
    EXPECT_FALSE(write_test_header(std::span(buf).first(test_header_size - 1), {}));
    EXPECT_FALSE(write_test_header(buf, {.flow_id = test_header_max_flow_id + 1}));
    EXPECT_FALSE(write_test_header(buf, {.flags = 0x10}));  // four flag bits, no more
}

TEST(TestHeader, TellsOthersTrafficAndVersionsApart) {
    std::array<std::uint8_t, test_header_size> buf{};
    ASSERT_TRUE(write_test_header(buf, {}));
    TestHeader h;
    EXPECT_EQ(read_test_header(std::span(buf).first(10), h), TestHeaderStatus::truncated);
    auto other = buf;
    other[0] = 'G';
    EXPECT_EQ(read_test_header(other, h), TestHeaderStatus::not_test_packet);
    auto v2 = buf;
    v2[2] = 0x20;
    EXPECT_EQ(read_test_header(v2, h), TestHeaderStatus::bad_version);
    auto flags = buf;
    flags[2] = 0x1f;  // every flag: all four bits have a meaning
    ASSERT_EQ(read_test_header(flags, h), TestHeaderStatus::ok);
    EXPECT_EQ(h.flags, test_flag::all);
}

TEST(TestHeader, SequenceWidensAcrossTheWrap) {
    EXPECT_EQ(extend_seq32(0, 5), 5u);
    EXPECT_EQ(extend_seq32(10, 3), 3u);                  // reordered, before any wrap
    EXPECT_EQ(extend_seq32(0xffff'fff0ull, 2), 0x1'0000'0002ull);  // forward across the wrap
    EXPECT_EQ(extend_seq32(0x1'0000'0002ull, 0xffff'fff0u), 0xffff'fff0ull);  // late, from before it
    EXPECT_EQ(extend_seq32(0x5'0000'0000ull, 0x7fff'ffffu), 0x5'7fff'ffffull);
    EXPECT_EQ(extend_seq32(0, 0xffff'ffffu), 0xffff'ffffull);  // nothing below zero to go back to
}

TEST(TestHeader, TimestampWidensAgainstTheReceiverClock) {
    constexpr std::uint64_t wrap = std::uint64_t{1} << 48;
    const std::uint64_t now = 7 * wrap + 1000;
    EXPECT_EQ(extend_ts48(now, 400), 7 * wrap + 400);               // sent 600 ns ago
    EXPECT_EQ(extend_ts48(now, wrap - 100), 7 * wrap - 100);        // sent just before the wrap
    EXPECT_EQ(extend_ts48(7 * wrap - 50, 30), 7 * wrap + 30);       // receiver clock a bit behind
}

}  // namespace
}  // namespace tg::proto
