#include "stats/sequence_tracker.hpp"

#include <algorithm>

namespace tg::stats {

bool SequenceTracker::test_and_set(std::uint64_t seq) noexcept {
    const std::uint64_t bit = seq % window_bits;
    std::uint64_t& word = seen_[bit / 64];
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    const bool was = (word & mask) != 0;
    word |= mask;
    return was;
}

// Forgets [from, to): those slots are about to be reused for newer sequence numbers.
void SequenceTracker::clear_range(std::uint64_t from, std::uint64_t to) noexcept {
    if (to - from >= window_bits) {
        seen_.fill(0);
        return;
    }
    for (std::uint64_t s = from; s < to; ++s) {
        const std::uint64_t bit = s % window_bits;
        seen_[bit / 64] &= ~(std::uint64_t{1} << (bit % 64));
    }
}

SequenceTracker::Verdict SequenceTracker::record(std::uint64_t seq) noexcept {
    ++received_;
    if (seq >= next_) {
        // Slots between the old head and this one held sequence numbers a window ago.
        clear_range(next_, seq + 1);
        test_and_set(seq);
        const Verdict v = seq == next_ ? Verdict::in_order : Verdict::gap;
        next_ = seq + 1;
        ++unique_;
        return v;
    }
    if (next_ - seq > window_bits) {
        ++unique_;
        ++reordered_;
        return Verdict::too_old;
    }
    if (test_and_set(seq)) {
        ++duplicates_;
        return Verdict::duplicate;
    }
    ++unique_;
    ++reordered_;
    return Verdict::reordered;
}

void SequenceTracker::set_last(std::uint64_t seq) noexcept { last_ = std::max(last_, seq + 1); }

std::uint64_t SequenceTracker::lost() const noexcept {
    const std::uint64_t e = expected();
    return e > unique_ ? e - unique_ : 0;
}

}  // namespace tg::stats
