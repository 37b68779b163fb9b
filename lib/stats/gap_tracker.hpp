// Interruptions of one sequence (a flow, or an SCTP stream): the gaps between arrivals
// that the path caused, as a live migration, a failover or a rule reload causes them.
//
// A gap is the time between two consecutive arrivals. It is an interruption when it is at
// least the threshold and the path made it: packets went missing in it (the sequence
// jumped), or the path held packets back (the arrival gap exceeds the sender's own gap
// between the two packets by the threshold). A gap the sender made by pausing (a rotation
// on to another protocol, a slow rate) is neither, and is not counted.
#pragma once

#include <cstdint>

namespace tg::stats {

struct Gap {
    std::uint64_t start_ns = 0;     // the arrival before the gap (receiver's clock)
    std::uint64_t duration_ns = 0;  // to the arrival that ended it
    std::uint64_t lost = 0;         // sequence numbers skipped over it
};

class GapTracker {
public:
    // One arrival: its receive time, the sender's stamp and its sequence number, with
    // `highest_before` the highest sequence number seen before it (none: `first`). True
    // when it ended an interruption, which is then in `gap`.
    bool record(std::uint64_t rx_ns, std::uint64_t tx_ns, std::uint64_t seq, std::uint64_t highest_before, bool first,
                std::uint64_t threshold_ns, Gap& gap) noexcept {
        const bool had_previous = have_previous_;
        const std::uint64_t previous_rx = last_rx_ns_, previous_tx = last_tx_ns_;
        // The later of out-of-order arrivals keeps the clock: a late packet is not a resumption.
        if (!had_previous || rx_ns >= last_rx_ns_) {
            last_rx_ns_ = rx_ns;
            last_tx_ns_ = tx_ns;
            have_previous_ = true;
        }
        if (!had_previous || rx_ns < previous_rx) return false;
        const std::uint64_t rx_gap = rx_ns - previous_rx;
        if (rx_gap < threshold_ns || threshold_ns == 0) return false;
        const std::uint64_t skipped = !first && seq > highest_before + 1 ? seq - highest_before - 1 : 0;
        const std::uint64_t tx_gap = tx_ns > previous_tx ? tx_ns - previous_tx : 0;
        const bool held_back = rx_gap > tx_gap && rx_gap - tx_gap >= threshold_ns;
        if (skipped == 0 && !held_back) return false;
        gap = {previous_rx, rx_gap, skipped};
        ++count_;
        total_ns_ += rx_gap;
        lost_ += skipped;
        if (rx_gap > longest_.duration_ns) longest_ = gap;
        return true;
    }

    [[nodiscard]] const Gap& longest() const noexcept { return longest_; }
    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }        // interruptions
    [[nodiscard]] std::uint64_t total_ns() const noexcept { return total_ns_; }  // their summed durations
    [[nodiscard]] std::uint64_t lost() const noexcept { return lost_; }          // packets lost in them

private:
    std::uint64_t last_rx_ns_ = 0;
    std::uint64_t last_tx_ns_ = 0;
    bool have_previous_ = false;
    Gap longest_{};
    std::uint64_t count_ = 0;
    std::uint64_t total_ns_ = 0;
    std::uint64_t lost_ = 0;
};

}  // namespace tg::stats
