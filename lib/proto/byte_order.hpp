// Strong byte-order types for wire structs.
//
// A wire field is stored as raw bytes with alignment 1, so a header can sit at any
// offset in a frame (IPv4 after a 14-byte Ethernet header is 2-byte aligned) and a
// host-order integer can never be stored into it by mistake: the only way in is
// set(), which converts.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace tg::proto {

namespace detail {

template <std::size_t N, bool BigEndian>
struct WireInt {
    using Value = std::conditional_t<N == 2, std::uint16_t,
                  std::conditional_t<N == 4, std::uint32_t, std::uint64_t>>;

    std::array<std::uint8_t, N> bytes{};

    [[nodiscard]] constexpr Value get() const noexcept {
        Value v = 0;
        for (std::size_t i = 0; i < N; ++i) {
            const std::size_t shift = BigEndian ? 8 * (N - 1 - i) : 8 * i;
            v |= static_cast<Value>(static_cast<Value>(bytes[i]) << shift);
        }
        return v;
    }

    constexpr void set(Value v) noexcept {
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

// Reads a big-endian integer at an arbitrary offset of a byte buffer.
[[nodiscard]] constexpr std::uint16_t load_be16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
[[nodiscard]] constexpr std::uint32_t load_be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
           (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}
constexpr void store_be16(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
constexpr void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

}  // namespace tg::proto
