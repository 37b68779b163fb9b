#include "proto/sctp_tsn.hpp"

namespace tg::proto {

SctpTsnTracker::Arrival SctpTsnTracker::receive(std::uint32_t tsn) noexcept {
    const bool ahead = tsn_after(tsn, cumulative_);
    if (ahead && tsn - cumulative_ > window) return Arrival::beyond_window;
    if (!ahead || seen(tsn)) {
        if (duplicate_count_ < max_duplicates) duplicates_[duplicate_count_++] = tsn;
        return Arrival::duplicate;
    }
    if (tsn_after(tsn, highest_)) highest_ = tsn;
    if (tsn != cumulative_ + 1) {
        seen_[tsn % window] = true;
        return Arrival::out_of_order;
    }
    cumulative_ = tsn;
    while (cumulative_ != highest_ && seen(cumulative_ + 1)) {
        ++cumulative_;
        seen_[cumulative_ % window] = false;
    }
    return Arrival::in_order;
}

std::size_t SctpTsnTracker::gaps(std::span<SctpGap> out) const noexcept {
    std::size_t n = 0;
    std::uint32_t offset = 1;
    const std::uint32_t span = highest_ - cumulative_;
    while (offset <= span && n < out.size()) {
        while (offset <= span && !seen(cumulative_ + offset)) ++offset;
        if (offset > span) break;
        const std::uint32_t start = offset;
        while (offset <= span && seen(cumulative_ + offset)) ++offset;
        out[n++] = {static_cast<std::uint16_t>(start), static_cast<std::uint16_t>(offset - 1)};
    }
    return n;
}

}  // namespace tg::proto
