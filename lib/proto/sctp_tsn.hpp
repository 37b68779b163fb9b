// The receiving side of SCTP's transmission sequence numbers (RFC 9260 section 6.2):
// which TSNs arrived, the cumulative TSN ack, the gap ack blocks beyond it and the
// duplicates, as a SACK reports them. TSNs compare as serial numbers (RFC 1982), so they
// wrap at 2^32.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/sctp_parse.hpp"

namespace tg::proto {

[[nodiscard]] constexpr bool tsn_before(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b) < 0;
}
[[nodiscard]] constexpr bool tsn_after(std::uint32_t a, std::uint32_t b) noexcept { return tsn_before(b, a); }

class SctpTsnTracker {
public:
    // TSNs beyond the cumulative ack remembered; the receive window keeps a sender within it.
    static constexpr std::uint32_t window = 8192;
    static constexpr std::size_t max_duplicates = 32;  // reported per SACK

    enum class Arrival : std::uint8_t {
        in_order,       // the next expected: the cumulative ack moved
        out_of_order,   // ahead of a gap
        duplicate,      // had it already
        beyond_window,  // too far ahead to track: dropped, as a full receive window would
    };

    explicit SctpTsnTracker(std::uint32_t peer_initial_tsn = 0) noexcept : cumulative_(peer_initial_tsn - 1) {
        highest_ = cumulative_;
    }

    Arrival receive(std::uint32_t tsn) noexcept;

    [[nodiscard]] std::uint32_t cumulative() const noexcept { return cumulative_; }
    [[nodiscard]] std::uint32_t highest() const noexcept { return highest_; }
    [[nodiscard]] bool has_gaps() const noexcept { return highest_ != cumulative_; }
    // This TSN arrived before: at or below the cumulative ack, or remembered beyond it.
    [[nodiscard]] bool has(std::uint32_t tsn) const noexcept {
        return !tsn_after(tsn, cumulative_) || (tsn - cumulative_ < window && seen(tsn));
    }

    // Gap ack blocks, offsets from the cumulative ack, at most out.size(); returns how many.
    std::size_t gaps(std::span<SctpGap> out) const noexcept;
    [[nodiscard]] std::span<const std::uint32_t> duplicates() const noexcept {
        return {duplicates_.data(), duplicate_count_};
    }
    void clear_duplicates() noexcept { duplicate_count_ = 0; }

private:
    [[nodiscard]] bool seen(std::uint32_t tsn) const noexcept { return seen_[tsn % window]; }

    std::uint32_t cumulative_;
    std::uint32_t highest_;
    std::bitset<window> seen_;  // by tsn % window, for TSNs after the cumulative ack
    std::array<std::uint32_t, max_duplicates> duplicates_{};
    std::size_t duplicate_count_ = 0;
};

}  // namespace tg::proto
