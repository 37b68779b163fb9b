// The receiving side of a TCP byte stream, for an endpoint that counts data and keeps none:
// RCV.NXT, the ranges that arrived beyond a hole (as SACK blocks report them, RFC 2018),
// and which bytes were new. A segment that would need more ranges than are kept is
// refused whole, as if it had been lost, so no byte is ever counted twice.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "proto/tcp_options.hpp"

namespace tg::proto {

class TcpReceiveTracker {
public:
    static constexpr std::size_t max_ranges = 8;

    void start(std::uint32_t next) noexcept {
        next_ = next;
        count_ = 0;
    }

    struct Added {
        std::uint32_t new_bytes = 0;
        bool in_order = false;  // it began at RCV.NXT
        bool refused = false;   // no room to remember it
    };
    // Bytes [seq, seq + len) arrived; the caller trimmed them to the receive window.
    Added add(std::uint32_t seq, std::uint32_t len) noexcept;

    [[nodiscard]] std::uint32_t next() const noexcept { return next_; }
    // One more sequence number taken (a FIN) at RCV.NXT.
    void advance_one() noexcept { ++next_; }
    [[nodiscard]] bool has_holes() const noexcept { return count_ != 0; }
    // The SACK blocks to send, the most recently changed range first; returns how many.
    std::uint8_t sack_blocks(std::array<TcpSackBlock, tcp_max_sack_blocks>& out, std::size_t max) const noexcept;

private:
    struct Range {
        std::uint32_t left = 0, right = 0;  // [left, right)
        std::uint32_t touched = 0;          // when last extended, for SACK order
    };
    void absorb() noexcept;

    std::uint32_t next_ = 0;
    std::array<Range, max_ranges> ranges_{};  // sorted by left, disjoint, all beyond next_
    std::size_t count_ = 0;
    std::uint32_t clock_ = 0;
};

}  // namespace tg::proto
