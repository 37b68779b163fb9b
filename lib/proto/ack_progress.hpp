// How long a session's data stopped, as the session itself saw it: the longest wait
// between two acknowledgements that reached further than any before (an SCTP SACK's
// cumulative TSN or its highest gap block, a TCP ACK or its highest SACK block). Gap
// blocks count so that an open-loop sender, which never fills a hole, still sees its data
// arrive. A path cut for 500 ms shows here as at least that, plus, in closed loop, what the
// sender's retransmission timer added before it tried again.
#pragma once

#include <cstdint>

namespace tg::proto {

class AckProgress {
public:
    static constexpr std::uint64_t none = ~std::uint64_t{0};

    // An acknowledgement that reaches `highest` (a TSN, or a sequence number past the data
    // it covers); a wait ends when it reaches further than any before.
    void reached(std::uint32_t highest, std::uint64_t now_ms) noexcept {
        if (any_ && static_cast<std::int32_t>(highest - highest_) <= 0) return;
        any_ = true;
        highest_ = highest;
        advanced(now_ms);
    }

    [[nodiscard]] std::uint64_t last_ms() const noexcept { return last_ms_; }            // none: never
    [[nodiscard]] std::uint64_t longest_ms() const noexcept { return longest_ms_; }      // 0: no second advance
    [[nodiscard]] std::uint64_t longest_from_ms() const noexcept { return longest_from_ms_; }

private:
    void advanced(std::uint64_t now_ms) noexcept {
        if (last_ms_ != none && now_ms > last_ms_ && now_ms - last_ms_ > longest_ms_) {
            longest_ms_ = now_ms - last_ms_;
            longest_from_ms_ = last_ms_;
        }
        last_ms_ = now_ms;
    }

    bool any_ = false;
    std::uint32_t highest_ = 0;
    std::uint64_t last_ms_ = none;
    std::uint64_t longest_ms_ = 0;
    std::uint64_t longest_from_ms_ = none;
};

}  // namespace tg::proto
