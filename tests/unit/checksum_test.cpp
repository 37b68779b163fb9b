#include "proto/checksum.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace tg::proto {
namespace {

TEST(InternetChecksum, Rfc1071WorkedExample) {
    // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (with carries folded).
    const std::uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(inet_fold(inet_sum(data)), 0xddf2);
    EXPECT_EQ(inet_checksum(data), 0x220d);
}

TEST(InternetChecksum, KnownIpv4Header) {
    // A widely published example: 192.168.0.1 -> 192.168.0.199, UDP, TTL 64, checksum b861.
    std::uint8_t hdr[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                          0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(inet_checksum(hdr), 0xb861);
    hdr[10] = 0xb8;
    hdr[11] = 0x61;
    EXPECT_EQ(inet_fold(inet_sum(hdr)), 0xffff) << "a header with its checksum sums to all ones";
}

TEST(InternetChecksum, OddLengthPadsWithZero) {
    const std::uint8_t odd[] = {0x12, 0x34, 0x56};
    const std::uint8_t even[] = {0x12, 0x34, 0x56, 0x00};
    EXPECT_EQ(inet_sum(odd), inet_sum(even));
    EXPECT_EQ(inet_fold(inet_sum(odd)), 0x1234 + 0x5600);
}

TEST(InternetChecksum, MatchesWordByWordReferenceOnRandomData) {
    std::mt19937 rng(7);
    for (std::size_t len = 0; len < 600; ++len) {
        std::vector<std::uint8_t> buf(len);
        for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
        std::uint64_t ref = 0;
        for (std::size_t i = 0; i < len; i += 2) {
            ref += std::uint64_t{buf[i]} << 8 | (i + 1 < len ? buf[i + 1] : 0);
        }
        ASSERT_EQ(inet_fold(inet_sum(buf)), inet_fold(ref)) << "length " << len;
    }
}

TEST(InternetChecksum, Rfc1624IncrementalUpdateExample) {
    // RFC 1624 section 4: HC = 0xdd2f, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000, where
    // the older equation 2 of RFC 1141 wrongly gives 0xffff.
    EXPECT_EQ(inet_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(InternetChecksum, IncrementalUpdateEqualsRecomputation) {
    std::mt19937 rng(11);
    std::vector<std::uint8_t> buf(64);
    for (int round = 0; round < 2000; ++round) {
        for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
        const std::uint16_t before = inet_checksum(buf);
        const std::size_t at = 2 * (rng() % 30);
        const auto old16 = static_cast<std::uint16_t>(buf[at] << 8 | buf[at + 1]);
        const auto new16 = static_cast<std::uint16_t>(rng());
        buf[at] = static_cast<std::uint8_t>(new16 >> 8);
        buf[at + 1] = static_cast<std::uint8_t>(new16);
        const std::uint16_t after = inet_checksum(buf);
        // Both 0x0000 and 0xffff are zero in one's complement; RFC 1624 equation 3 never
        // yields 0x0000 unless the data is all zeros, so compare as one's-complement values.
        const std::uint16_t updated = inet_update16(before, old16, new16);
        ASSERT_TRUE(updated == after || (updated ^ after) == 0xffff) << "round " << round;

        const std::size_t at32 = 4 * (rng() % 15);
        const std::uint32_t old32 = std::uint32_t{buf[at32]} << 24 | std::uint32_t{buf[at32 + 1]} << 16 |
                                    std::uint32_t{buf[at32 + 2]} << 8 | buf[at32 + 3];
        const std::uint32_t new32 = static_cast<std::uint32_t>(rng());
        const std::uint16_t c1 = inet_checksum(buf);
        for (int i = 0; i < 4; ++i) buf[at32 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(new32 >> (24 - 8 * i));
        const std::uint16_t c2 = inet_checksum(buf);
        const std::uint16_t u32 = inet_update32(c1, old32, new32);
        ASSERT_TRUE(u32 == c2 || (u32 ^ c2) == 0xffff) << "round " << round;
    }
}

TEST(InternetChecksum, Ipv4PseudoHeaderIsTheTwelveByteLayout) {
    const auto src = Ipv4Address::of(198, 18, 0, 1);
    const auto dst = Ipv4Address::of(198, 19, 255, 7);
    const std::uint8_t pseudo[] = {198, 18, 0, 1, 198, 19, 255, 7, 0, 17, 0x05, 0xdc};
    EXPECT_EQ(inet_fold(ipv4_pseudo_sum(src, dst, 17, 1500)), inet_fold(inet_sum(pseudo)));
}

TEST(InternetChecksum, Ipv6PseudoHeaderIsTheFortyByteLayout) {
    const auto src = *Ipv6Address::parse("2001:2::1");
    const auto dst = *Ipv6Address::parse("2001:2:0:ff::2");
    std::vector<std::uint8_t> pseudo(src.bytes.begin(), src.bytes.end());
    pseudo.insert(pseudo.end(), dst.bytes.begin(), dst.bytes.end());
    const std::uint8_t tail[] = {0, 1, 0x23, 0x45, 0, 0, 0, 58};
    pseudo.insert(pseudo.end(), std::begin(tail), std::end(tail));
    EXPECT_EQ(inet_fold(ipv6_pseudo_sum(src, dst, 58, 0x12345)), inet_fold(inet_sum(pseudo)));
}

}  // namespace
}  // namespace tg::proto
