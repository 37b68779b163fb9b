#include "proto/crc32c.hpp"

#include <array>
#include <cstring>

#include "proto/sctp.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#define TG_HAVE_X86 1
#endif

namespace tg::proto {

namespace {

constexpr std::uint32_t castagnoli_reflected = 0x82f63b78;

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

// Slicing-by-8 tables: table[k][b] is the CRC of byte b followed by k zero bytes.
constexpr Tables make_tables() {
    Tables t{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t crc = b;
        for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? castagnoli_reflected : 0);
        t[0][b] = crc;
    }
    for (std::size_t k = 1; k < 8; ++k) {
        for (std::uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
    return t;
}

constexpr Tables tables = make_tables();

std::uint32_t raw_portable(std::uint32_t crc, const std::uint8_t* p, std::size_t n) noexcept {
    while (n >= 8) {
        // Bytes are combined explicitly, so this is correct on either host byte order.
        const std::uint32_t lo = crc ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 |
                                        std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24);
        crc = tables[7][lo & 0xff] ^ tables[6][(lo >> 8) & 0xff] ^ tables[5][(lo >> 16) & 0xff] ^
              tables[4][lo >> 24] ^ tables[3][p[4]] ^ tables[2][p[5]] ^ tables[1][p[6]] ^ tables[0][p[7]];
        p += 8;
        n -= 8;
    }
    while (n-- > 0) crc = (crc >> 8) ^ tables[0][(crc ^ *p++) & 0xff];
    return crc;
}

#ifdef TG_HAVE_X86
__attribute__((target("sse4.2"))) std::uint32_t raw_sse42(std::uint32_t crc, const std::uint8_t* p,
                                                          std::size_t n) noexcept {
#if defined(__x86_64__)
    std::uint64_t c = crc;
    while (n >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, sizeof(w));
        c = _mm_crc32_u64(c, w);
        p += 8;
        n -= 8;
    }
    crc = static_cast<std::uint32_t>(c);
#endif
    while (n >= 4) {
        std::uint32_t w;
        std::memcpy(&w, p, sizeof(w));
        crc = _mm_crc32_u32(crc, w);
        p += 4;
        n -= 4;
    }
    while (n-- > 0) crc = _mm_crc32_u8(crc, *p++);
    return crc;
}
#endif

using RawFn = std::uint32_t (*)(std::uint32_t, const std::uint8_t*, std::size_t) noexcept;

RawFn select_impl() noexcept {
#ifdef TG_HAVE_X86
    if (__builtin_cpu_supports("sse4.2")) return raw_sse42;
#endif
    return raw_portable;
}

RawFn active_impl() noexcept {
    static const RawFn fn = select_impl();
    return fn;
}

}  // namespace

bool crc32c_sse42_available() noexcept {
#ifdef TG_HAVE_X86
    return __builtin_cpu_supports("sse4.2");
#else
    return false;
#endif
}

const char* crc32c_implementation() noexcept {
    return active_impl() == raw_portable ? "portable" : "sse4.2";
}

std::uint32_t crc32c_extend_portable(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept {
    return ~raw_portable(~crc, data.data(), data.size());
}

std::uint32_t crc32c_extend_sse42(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept {
#ifdef TG_HAVE_X86
    if (crc32c_sse42_available()) return ~raw_sse42(~crc, data.data(), data.size());
#endif
    return crc32c_extend_portable(crc, data);
}

std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept {
    return ~active_impl()(~crc, data.data(), data.size());
}

std::uint32_t crc32c(std::span<const std::uint8_t> data) noexcept { return crc32c_extend(0, data); }

std::uint32_t crc32c_raw(std::uint32_t reg, std::span<const std::uint8_t> data) noexcept {
    return active_impl()(reg, data.data(), data.size());
}

Crc32cZeroShift::Crc32cZeroShift(std::size_t zero_bytes) noexcept {
    // The image of each of the 32 basis registers, then every byte value as the XOR of
    // the images of its bits.
    std::uint32_t basis[32];
    for (unsigned bit = 0; bit < 32; ++bit) {
        std::uint32_t reg = std::uint32_t{1} << bit;
        for (std::size_t i = 0; i < zero_bytes; ++i) reg = (reg >> 8) ^ tables[0][reg & 0xff];
        basis[bit] = reg;
    }
    for (unsigned b = 0; b < 4; ++b) {
        for (unsigned v = 0; v < 256; ++v) {
            std::uint32_t out = 0;
            for (unsigned j = 0; j < 8; ++j) {
                if (v & (1u << j)) out ^= basis[8 * b + j];
            }
            table_[b][v] = out;
        }
    }
}

std::uint32_t sctp_crc32c(std::span<const std::uint8_t> pkt) noexcept {
    constexpr std::size_t at = offsetof(SctpCommonHeader, checksum);
    if (pkt.size() < sizeof(SctpCommonHeader)) return crc32c(pkt);
    static constexpr std::uint8_t zeros[4] = {};
    std::uint32_t crc = crc32c(pkt.first(at));
    crc = crc32c_extend(crc, zeros);
    return crc32c_extend(crc, pkt.subspan(at + 4));
}

void sctp_set_checksum(std::span<std::uint8_t> pkt) noexcept {
    if (pkt.size() < sizeof(SctpCommonHeader)) return;
    reinterpret_cast<SctpCommonHeader*>(pkt.data())->checksum.set(sctp_crc32c(pkt));
}

bool sctp_checksum_ok(std::span<const std::uint8_t> pkt) noexcept {
    if (pkt.size() < sizeof(SctpCommonHeader)) return false;
    return reinterpret_cast<const SctpCommonHeader*>(pkt.data())->checksum.get() == sctp_crc32c(pkt);
}

}  // namespace tg::proto
