// Loss, reordering and duplicates of one sequence (a flow, or an SCTP stream), from the
// 64-bit sequence numbers of what arrived.
//
// Sequences start at 0 (the generator's contract), so packets lost before the sink saw
// the first one count as lost. A window of the most recent `window_bits` sequence numbers
// tells a duplicate from a late arrival; an arrival older than the window is counted as
// late, and cannot be checked for duplication (`too_old`).
#pragma once

#include <array>
#include <cstdint>

namespace tg::stats {

class SequenceTracker {
public:
    static constexpr std::uint64_t window_bits = 4096;

    enum class Verdict : std::uint8_t { in_order, gap, reordered, duplicate, too_old };

    // Records one arrival and says what it was: in_order (the next expected), gap (ahead
    // of it: packets in between are missing for now), reordered (behind it, first time
    // seen), duplicate (seen before), too_old (behind the window).
    Verdict record(std::uint64_t seq) noexcept;

    // The sender said this is its last sequence number: any missing up to it are lost.
    void set_last(std::uint64_t seq) noexcept;

    [[nodiscard]] std::uint64_t received() const noexcept { return received_; }   // every arrival
    [[nodiscard]] std::uint64_t unique() const noexcept { return unique_; }       // distinct sequence numbers
    [[nodiscard]] std::uint64_t duplicates() const noexcept { return duplicates_; }
    [[nodiscard]] std::uint64_t reordered() const noexcept { return reordered_; }  // arrived behind a later one
    // Distinct sequence numbers that should have arrived by now: up to the highest seen,
    // or to the sender's last one.
    [[nodiscard]] std::uint64_t expected() const noexcept { return next_ > last_ ? next_ : last_; }
    [[nodiscard]] std::uint64_t lost() const noexcept;
    [[nodiscard]] std::uint64_t highest() const noexcept { return next_ == 0 ? 0 : next_ - 1; }
    [[nodiscard]] bool empty() const noexcept { return received_ == 0; }

private:
    bool test_and_set(std::uint64_t seq) noexcept;
    void clear_range(std::uint64_t from, std::uint64_t to) noexcept;

    std::array<std::uint64_t, window_bits / 64> seen_{};
    std::uint64_t next_ = 0;  // one past the highest sequence seen
    std::uint64_t last_ = 0;  // one past the sender's announced last, or 0
    std::uint64_t received_ = 0;
    std::uint64_t unique_ = 0;
    std::uint64_t duplicates_ = 0;
    std::uint64_t reordered_ = 0;
};

}  // namespace tg::stats
