// Strong byte-order types for wire structs.
//
// A wire field is stored as raw bytes with alignment 1, so a header can sit at any
// offset in a frame (IPv4 after a 14-byte Ethernet header is 2-byte aligned) and a
// host-order integer can never be stored into it by mistake: the only way in is
// set(), which converts.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace tg::proto {

namespace detail {

// Byte swaps that compile to one instruction; the bytewise loops below stay for constant
// evaluation.
[[nodiscard]] constexpr std::uint16_t swap(std::uint16_t v) noexcept { return __builtin_bswap16(v); }
[[nodiscard]] constexpr std::uint32_t swap(std::uint32_t v) noexcept { return __builtin_bswap32(v); }
[[nodiscard]] constexpr std::uint64_t swap(std::uint64_t v) noexcept { return __builtin_bswap64(v); }

template <std::size_t N, bool BigEndian>
struct WireInt {
    using Value = std::conditional_t<N == 2, std::uint16_t,
                  std::conditional_t<N == 4, std::uint32_t, std::uint64_t>>;

    std::array<std::uint8_t, N> bytes{};

    [[nodiscard]] constexpr Value get() const noexcept {
        if (!std::is_constant_evaluated()) {
            Value v;
            std::memcpy(&v, bytes.data(), N);
            return BigEndian == (std::endian::native == std::endian::big) ? v : swap(v);
        }
        Value v = 0;
        for (std::size_t i = 0; i < N; ++i) {
            const std::size_t shift = BigEndian ? 8 * (N - 1 - i) : 8 * i;
            v |= static_cast<Value>(static_cast<Value>(bytes[i]) << shift);
        }
        return v;
    }

    constexpr void set(Value v) noexcept {
        if (!std::is_constant_evaluated()) {
            if (BigEndian != (std::endian::native == std::endian::big)) v = swap(v);
            std::memcpy(bytes.data(), &v, N);
            return;
        }
        for (std::size_t i = 0; i < N; ++i) {
            const std::size_t shift = BigEndian ? 8 * (N - 1 - i) : 8 * i;
            bytes[i] = static_cast<std::uint8_t>(v >> shift);
        }
    }

    [[nodiscard]] static constexpr WireInt of(Value v) noexcept {
        WireInt w;
        w.set(v);
        return w;
    }

    friend constexpr bool operator==(const WireInt&, const WireInt&) = default;
};

}  // namespace detail

using Be16 = detail::WireInt<2, true>;
using Be32 = detail::WireInt<4, true>;
using Be64 = detail::WireInt<8, true>;
// SCTP stores its CRC32c least significant byte first (RFC 9260 appendix A).
using Le32 = detail::WireInt<4, false>;

static_assert(sizeof(Be16) == 2 && alignof(Be16) == 1);
static_assert(sizeof(Be32) == 4 && alignof(Be32) == 1);
static_assert(sizeof(Be64) == 8 && alignof(Be64) == 1);
static_assert(sizeof(Le32) == 4 && alignof(Le32) == 1);

// Words in memory order, for the data path, which builds a run of header fields in
// registers and stores it at once: wire16/wire32 give the value whose memory bytes are the
// big-endian field, join() the 8 bytes of a followed by those of b, and first4()/last4()
// split such a word again.
[[nodiscard]] constexpr std::uint16_t wire16(std::uint16_t v) noexcept {
    return std::endian::native == std::endian::little ? detail::swap(v) : v;
}
[[nodiscard]] constexpr std::uint32_t wire32(std::uint32_t v) noexcept {
    return std::endian::native == std::endian::little ? detail::swap(v) : v;
}
[[nodiscard]] constexpr std::uint32_t join(std::uint16_t a, std::uint16_t b) noexcept {
    return std::endian::native == std::endian::little ? (std::uint32_t{b} << 16 | a) : (std::uint32_t{a} << 16 | b);
}
[[nodiscard]] constexpr std::uint64_t join(std::uint32_t a, std::uint32_t b) noexcept {
    return std::endian::native == std::endian::little ? (std::uint64_t{b} << 32 | a) : (std::uint64_t{a} << 32 | b);
}
[[nodiscard]] constexpr std::uint32_t first4(std::uint64_t w) noexcept {
    return static_cast<std::uint32_t>(std::endian::native == std::endian::little ? w : w >> 32);
}
[[nodiscard]] constexpr std::uint32_t last4(std::uint64_t w) noexcept {
    return static_cast<std::uint32_t>(std::endian::native == std::endian::little ? w >> 32 : w);
}

// Reads and writes a big-endian integer at an arbitrary offset of a byte buffer.
[[nodiscard]] constexpr std::uint16_t load_be16(const std::uint8_t* p) noexcept {
    if (!std::is_constant_evaluated()) {
        std::uint16_t v;
        std::memcpy(&v, p, 2);
        return std::endian::native == std::endian::little ? detail::swap(v) : v;
    }
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
[[nodiscard]] constexpr std::uint32_t load_be32(const std::uint8_t* p) noexcept {
    if (!std::is_constant_evaluated()) {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        return std::endian::native == std::endian::little ? detail::swap(v) : v;
    }
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
           (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}
[[nodiscard]] constexpr std::uint64_t load_be64(const std::uint8_t* p) noexcept {
    if (!std::is_constant_evaluated()) {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        return std::endian::native == std::endian::little ? detail::swap(v) : v;
    }
    return std::uint64_t{load_be32(p)} << 32 | load_be32(p + 4);
}
constexpr void store_be16(std::uint8_t* p, std::uint16_t v) noexcept {
    if (!std::is_constant_evaluated()) {
        if (std::endian::native == std::endian::little) v = detail::swap(v);
        std::memcpy(p, &v, 2);
        return;
    }
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
constexpr void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
    if (!std::is_constant_evaluated()) {
        if (std::endian::native == std::endian::little) v = detail::swap(v);
        std::memcpy(p, &v, 4);
        return;
    }
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}
constexpr void store_be64(std::uint8_t* p, std::uint64_t v) noexcept {
    store_be32(p, static_cast<std::uint32_t>(v >> 32));
    store_be32(p + 4, static_cast<std::uint32_t>(v));
}

}  // namespace tg::proto
