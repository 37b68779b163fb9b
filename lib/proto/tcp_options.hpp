// TCP options: MSS, window scale, SACK-permitted, SACK blocks and timestamps.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/parse_status.hpp"

namespace tg::proto {

struct TcpTimestamps {
    std::uint32_t value = 0;
    std::uint32_t echo_reply = 0;
    friend bool operator==(const TcpTimestamps&, const TcpTimestamps&) = default;
};

struct TcpSackBlock {
    std::uint32_t left = 0;
    std::uint32_t right = 0;
    friend bool operator==(const TcpSackBlock&, const TcpSackBlock&) = default;
};

inline constexpr std::size_t tcp_max_sack_blocks = 4;

struct TcpOptions {
    std::optional<std::uint16_t> mss;
    std::optional<std::uint8_t> window_scale;
    bool sack_permitted = false;
    std::optional<TcpTimestamps> timestamps;
    std::uint8_t sack_block_count = 0;
    std::array<TcpSackBlock, tcp_max_sack_blocks> sack_blocks{};
};

// Reads the option bytes after the fixed TCP header. Unknown kinds are stepped over;
// known kinds with a wrong length, and any option running past the end, are bad_options.
[[nodiscard]] ParseError parse_tcp_options(std::span<const std::uint8_t> bytes, TcpOptions& out) noexcept;

// Writes the options the way common stacks lay out a SYN (MSS, SACK-permitted,
// timestamps, window scale), NOP-padded to a multiple of 4. Returns the number of bytes
// written, or nothing when they need more than 40 bytes or more than `out` holds, or a
// value is out of range (window scale above 14).
[[nodiscard]] std::optional<std::size_t> write_tcp_options(std::span<std::uint8_t> out,
                                                           const TcpOptions& options) noexcept;

}  // namespace tg::proto
