#include "proto/crc32c.hpp"

#include <gtest/gtest.h>

#include <array>
#include <numeric>
#include <random>
#include <vector>

#include "proto/sctp.hpp"

namespace tg::proto {
namespace {

std::vector<std::uint8_t> bytes(std::initializer_list<int> v) {
    std::vector<std::uint8_t> out;
    for (int b : v) out.push_back(static_cast<std::uint8_t>(b));
    return out;
}

// RFC 3720 appendix B.4: the CRC is given as the bytes sent, least significant first.
std::uint32_t from_wire(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return std::uint32_t{a} | std::uint32_t{b} << 8 | std::uint32_t{c} << 16 | std::uint32_t{d} << 24;
}

struct Vector {
    const char* name;
    std::vector<std::uint8_t> data;
    std::uint32_t crc;
};

std::vector<Vector> rfc3720_vectors() {
    std::vector<std::uint8_t> inc(32), dec(32);
    std::iota(inc.begin(), inc.end(), std::uint8_t{0});
    for (std::size_t i = 0; i < 32; ++i) dec[i] = static_cast<std::uint8_t>(31 - i);
    return {
        {"32 bytes of zeroes", std::vector<std::uint8_t>(32, 0), from_wire(0xaa, 0x36, 0x91, 0x8a)},
        {"32 bytes of ones", std::vector<std::uint8_t>(32, 0xff), from_wire(0x43, 0xab, 0xa8, 0x62)},
        {"32 bytes incrementing", inc, from_wire(0x4e, 0x79, 0xdd, 0x46)},
        {"32 bytes decrementing", dec, from_wire(0x5c, 0xdb, 0x3f, 0x11)},
        {"iSCSI read command PDU",
         bytes({0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
                0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}),
         from_wire(0x56, 0x3a, 0x96, 0xd9)},
    };
}

TEST(Crc32c, Rfc3720AppendixB4) {
    for (const auto& v : rfc3720_vectors()) {
        EXPECT_EQ(crc32c(v.data), v.crc) << v.name;
        EXPECT_EQ(crc32c_extend_portable(0, v.data), v.crc) << v.name << " (portable)";
        EXPECT_EQ(crc32c_extend_sse42(0, v.data), v.crc) << v.name << " (sse4.2)";
    }
}

TEST(Crc32c, CheckValue) {
    // The catalogue check value of CRC-32C over "123456789".
    const std::string s = "123456789";
    EXPECT_EQ(crc32c({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}), 0xe3069283u);
}

TEST(Crc32c, ImplementationIsChosenFromTheCpu) {
    EXPECT_STREQ(crc32c_implementation(), crc32c_sse42_available() ? "sse4.2" : "portable");
}

TEST(Crc32c, Sse42AndPortableAgreeOnEveryLengthUpTo2048) {
    if (!crc32c_sse42_available()) GTEST_SKIP() << "this CPU has no SSE4.2";
    std::mt19937 rng(2048);
    std::vector<std::uint8_t> buf(2048 + 8);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
    for (std::size_t len = 0; len <= 2048; ++len) {
        // Vary the start too, so unaligned heads are exercised.
        const std::size_t off = len % 8;
        const std::span<const std::uint8_t> s(buf.data() + off, len);
        const std::uint32_t seed = static_cast<std::uint32_t>(rng());
        ASSERT_EQ(crc32c_extend_sse42(0, s), crc32c_extend_portable(0, s)) << "length " << len;
        ASSERT_EQ(crc32c_extend_sse42(seed, s), crc32c_extend_portable(seed, s)) << "length " << len;
    }
}

TEST(Crc32c, ExtendEqualsConcatenation) {
    std::mt19937 rng(3);
    std::vector<std::uint8_t> buf(300);
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
    const std::uint32_t whole = crc32c(buf);
    for (std::size_t cut = 0; cut <= buf.size(); cut += 7) {
        const std::span<const std::uint8_t> s(buf);
        EXPECT_EQ(crc32c_extend(crc32c(s.first(cut)), s.subspan(cut)), whole) << "cut at " << cut;
    }
}

TEST(SctpChecksum, StoredLeastSignificantByteFirstAndFieldTakenAsZero) {
    std::array<std::uint8_t, 16> pkt{0x0b, 0x59, 0x0b, 0x59, 0x12, 0x34, 0x56, 0x78,
                                     0xde, 0xad, 0xbe, 0xef, 0x0b, 0x00, 0x00, 0x04};
    std::array<std::uint8_t, 16> zeroed = pkt;
    zeroed[8] = zeroed[9] = zeroed[10] = zeroed[11] = 0;
    const std::uint32_t expect = crc32c(zeroed);
    EXPECT_EQ(sctp_crc32c(pkt), expect);
    sctp_set_checksum(pkt);
    EXPECT_EQ(pkt[8], expect & 0xff);
    EXPECT_EQ(pkt[11], expect >> 24);
    EXPECT_TRUE(sctp_checksum_ok(pkt));
    pkt[15] ^= 1;
    EXPECT_FALSE(sctp_checksum_ok(pkt));
    EXPECT_FALSE(sctp_checksum_ok(std::span<const std::uint8_t>(pkt).first(11)));
}

}  // namespace
}  // namespace tg::proto

namespace tg::proto {
namespace {

TEST(Crc32cCombine, TemplateCrcCombinedWithAChangedHeadEqualsRecomputation) {
    std::mt19937 rng(5);
    for (std::size_t len : {46u, 47u, 100u, 1400u, 8996u}) {
        std::vector<std::uint8_t> tmpl(len);
        for (auto& b : tmpl) b = static_cast<std::uint8_t>(rng());
        const std::size_t region = 46;
        const std::uint32_t tmpl_crc = crc32c(tmpl);
        const std::uint32_t tmpl_head = crc32c_raw(0, std::span(tmpl).first(region));
        const Crc32cZeroShift shift(len - region);
        for (int round = 0; round < 50; ++round) {
            auto pkt = tmpl;
            for (std::size_t i = 0; i < region; ++i) {
                if (rng() % 3 == 0) pkt[i] = static_cast<std::uint8_t>(rng());
            }
            const std::uint32_t combined =
                tmpl_crc ^ shift(crc32c_raw(0, std::span(pkt).first(region)) ^ tmpl_head);
            ASSERT_EQ(combined, crc32c(pkt)) << "length " << len;
        }
    }
}

}  // namespace
}  // namespace tg::proto
