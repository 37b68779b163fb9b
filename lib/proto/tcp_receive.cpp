#include "proto/tcp_receive.hpp"

#include <algorithm>

#include "proto/tcp_seq.hpp"

namespace tg::proto {

TcpReceiveTracker::Added TcpReceiveTracker::add(std::uint32_t seq, std::uint32_t len) noexcept {
    Added a;
    std::uint32_t end = seq + len;
    if (len == 0 || seq_at_or_before(end, next_)) return a;
    if (seq_before(seq, next_)) seq = next_;
    // Offsets from RCV.NXT: every range and the segment lie ahead of it, within 2^31.
    const std::uint32_t lo = seq - next_, hi = end - next_;
    std::uint32_t overlap = 0;
    std::size_t first = count_, last = 0;  // ranges that touch the segment
    for (std::size_t i = 0; i < count_; ++i) {
        const std::uint32_t l = ranges_[i].left - next_, r = ranges_[i].right - next_;
        if (r < lo || l > hi) continue;
        const std::uint32_t from = std::max(lo, l), to = std::min(hi, r);
        if (from < to) overlap += to - from;
        first = std::min(first, i);
        last = i;
    }
    if (lo == 0) {
        a.in_order = true;
        a.new_bytes = (hi - lo) - overlap;
        next_ = end;
        absorb();
        return a;
    }
    std::uint32_t left = seq, right = end;
    if (first == count_) {
        if (count_ == max_ranges) {
            a.refused = true;
            return a;
        }
        std::size_t at = 0;
        while (at < count_ && ranges_[at].left - next_ < lo) ++at;
        std::move_backward(ranges_.begin() + static_cast<std::ptrdiff_t>(at),
                           ranges_.begin() + static_cast<std::ptrdiff_t>(count_),
                           ranges_.begin() + static_cast<std::ptrdiff_t>(count_ + 1));
        ranges_[at] = {left, right, ++clock_};
        ++count_;
    } else {
        if (seq_before(ranges_[first].left, left)) left = ranges_[first].left;
        if (seq_after(ranges_[last].right, right)) right = ranges_[last].right;
        ranges_[first] = {left, right, ++clock_};
        std::move(ranges_.begin() + static_cast<std::ptrdiff_t>(last + 1),
                  ranges_.begin() + static_cast<std::ptrdiff_t>(count_),
                  ranges_.begin() + static_cast<std::ptrdiff_t>(first + 1));
        count_ -= last - first;
    }
    a.new_bytes = (hi - lo) - overlap;
    return a;
}

void TcpReceiveTracker::absorb() noexcept {
    std::size_t gone = 0;
    while (gone < count_ && seq_at_or_before(ranges_[gone].left, next_)) {
        if (seq_after(ranges_[gone].right, next_)) next_ = ranges_[gone].right;
        ++gone;
    }
    if (gone == 0) return;
    std::move(ranges_.begin() + static_cast<std::ptrdiff_t>(gone), ranges_.begin() + static_cast<std::ptrdiff_t>(count_),
              ranges_.begin());
    count_ -= gone;
}

std::uint8_t TcpReceiveTracker::sack_blocks(std::array<TcpSackBlock, tcp_max_sack_blocks>& out,
                                            std::size_t max) const noexcept {
    std::array<std::size_t, max_ranges> order{};
    for (std::size_t i = 0; i < count_; ++i) order[i] = i;
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count_),
              [this](std::size_t a, std::size_t b) { return ranges_[a].touched > ranges_[b].touched; });
    const std::size_t n = std::min({count_, max, out.size()});
    for (std::size_t i = 0; i < n; ++i) out[i] = {ranges_[order[i]].left, ranges_[order[i]].right};
    return static_cast<std::uint8_t>(n);
}

}  // namespace tg::proto
