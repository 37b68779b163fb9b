// TCP sequence numbers compare modulo 2^32 (RFC 9293 section 3.4).
#pragma once

#include <cstdint>

namespace tg::proto {

[[nodiscard]] constexpr bool seq_before(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b) < 0;
}
[[nodiscard]] constexpr bool seq_after(std::uint32_t a, std::uint32_t b) noexcept { return seq_before(b, a); }
[[nodiscard]] constexpr bool seq_at_or_before(std::uint32_t a, std::uint32_t b) noexcept { return !seq_after(a, b); }
// a lies in [from, to).
[[nodiscard]] constexpr bool seq_within(std::uint32_t a, std::uint32_t from, std::uint32_t to) noexcept {
    return a - from < to - from;
}

}  // namespace tg::proto
