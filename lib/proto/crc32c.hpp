// CRC32c (Castagnoli, reflected polynomial 0x82f63b78), the SCTP checksum (RFC 9260
// appendix A). An SSE4.2 implementation is chosen at run time where the CPU has it;
// the portable one (slicing by 8) is used otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#if defined(__SSE4_2__) && defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace tg::proto {

// CRC32c of data, final value (pre- and post-inverted).
[[nodiscard]] std::uint32_t crc32c(std::span<const std::uint8_t> data) noexcept;

// Continues a CRC: crc32c_extend(crc32c(a), b) == crc32c(a followed by b).
[[nodiscard]] std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept;

// The bare register update, with no inversion before or after: linear in the data, so
// raw(0, a ^ b) == raw(0, a) ^ raw(0, b) for spans of equal length.
[[nodiscard]] std::uint32_t crc32c_raw(std::uint32_t reg, std::span<const std::uint8_t> data) noexcept;

// crc32c_raw over exactly N bytes, inline. Where the code including this is built with
// SSE4.2 (the data plane is, through DPDK's -march), it is a handful of crc32
// instructions; elsewhere it calls the dispatched implementation.
template <std::size_t N>
[[nodiscard]] inline std::uint32_t crc32c_raw_fixed(std::uint32_t reg, const std::uint8_t* p) noexcept {
#if defined(__SSE4_2__) && defined(__x86_64__)
    std::uint64_t r = reg;
    std::size_t i = 0;
    for (; i + 8 <= N; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        r = _mm_crc32_u64(r, w);
    }
    auto r32 = static_cast<std::uint32_t>(r);
    for (; i + 4 <= N; i += 4) {
        std::uint32_t w;
        std::memcpy(&w, p + i, 4);
        r32 = _mm_crc32_u32(r32, w);
    }
    for (; i + 2 <= N; i += 2) {
        std::uint16_t w;
        std::memcpy(&w, p + i, 2);
        r32 = _mm_crc32_u16(r32, w);
    }
    for (; i < N; ++i) r32 = _mm_crc32_u8(r32, p[i]);
    return r32;
#else
    return crc32c_raw(reg, {p, N});
#endif
}

// crc32c_raw over one word held in a register, in memory order (the bytes it would have
// in memory, first byte first): for data that is computed rather than read, so that no
// load has to wait for the stores that wrote it.
template <class Word>
[[nodiscard]] inline std::uint32_t crc32c_raw_word(std::uint32_t reg, Word w) noexcept {
    static_assert(std::is_same_v<Word, std::uint64_t> || std::is_same_v<Word, std::uint32_t> ||
                  std::is_same_v<Word, std::uint16_t>);
#if defined(__SSE4_2__) && defined(__x86_64__)
    if constexpr (sizeof(Word) == 8) {
        return static_cast<std::uint32_t>(_mm_crc32_u64(reg, w));
    } else if constexpr (sizeof(Word) == 4) {
        return _mm_crc32_u32(reg, w);
    } else {
        return _mm_crc32_u16(reg, w);
    }
#else
    std::uint8_t b[sizeof(Word)];
    std::memcpy(b, &w, sizeof(Word));
    return crc32c_raw(reg, b);
#endif
}

// Appending n zero bytes to a message is a linear map on the CRC register; this holds it
// as four byte-indexed tables, so that the CRC of a frame that differs from a template
// only near its start is the template's CRC combined with the change, at the cost of the
// changed bytes (RFC 9260 CRC32c, used for SCTP templates).
class Crc32cZeroShift {
public:
    explicit Crc32cZeroShift(std::size_t zero_bytes) noexcept;
    [[nodiscard]] std::uint32_t operator()(std::uint32_t reg) const noexcept {
        return table_[0][reg & 0xff] ^ table_[1][(reg >> 8) & 0xff] ^ table_[2][(reg >> 16) & 0xff] ^
               table_[3][reg >> 24];
    }

private:
    std::uint32_t table_[4][256];
};

// The two implementations, exposed so that tests can hold one against the other.
[[nodiscard]] std::uint32_t crc32c_extend_portable(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept;
[[nodiscard]] std::uint32_t crc32c_extend_sse42(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept;
[[nodiscard]] bool crc32c_sse42_available() noexcept;
// "sse4.2" or "portable": which implementation crc32c() uses on this CPU.
[[nodiscard]] const char* crc32c_implementation() noexcept;

// The CRC32c of an SCTP packet (common header and chunks) with its checksum field taken
// as zero, whatever it holds.
[[nodiscard]] std::uint32_t sctp_crc32c(std::span<const std::uint8_t> sctp_packet) noexcept;
// Computes and stores the checksum, least significant byte first. Needs at least 12 bytes.
void sctp_set_checksum(std::span<std::uint8_t> sctp_packet) noexcept;
[[nodiscard]] bool sctp_checksum_ok(std::span<const std::uint8_t> sctp_packet) noexcept;

}  // namespace tg::proto
