#include "proto/sctp_sender.hpp"

#include <algorithm>

#include "proto/sctp_tsn.hpp"

namespace tg::proto {

namespace {
constexpr std::uint64_t never = ~std::uint64_t{0};
constexpr std::uint8_t fast_retransmit_misses = 3;  // RFC 9260 section 7.2.4
}  // namespace

void SctpSender::start(std::uint32_t initial_tsn, std::uint32_t peer_rwnd, std::uint32_t mtu, std::uint32_t rto_initial_ms,
                       std::uint32_t rto_min_ms, std::uint32_t rto_max_ms) {
    ring_.assign(64, SctpOutstanding{});
    head_ = 0;
    count_ = 0;
    first_tsn_ = initial_tsn;
    mtu_ = std::max<std::uint32_t>(mtu, 576);
    // RFC 9260 section 7.2.1.
    cwnd_ = std::min(4 * mtu_, std::max(2 * mtu_, 4404u));
    ssthresh_ = peer_rwnd;
    rwnd_ = peer_rwnd;
    partial_bytes_acked_ = 0;
    flight_ = 0;
    resend_pending_ = 0;
    resend_any_ = false;
    fast_recovery_ = false;
    rtt_.reset(rto_initial_ms, rto_min_ms, rto_max_ms);
    errors_ = 0;
    t3_at_ms_ = never;
}

bool SctpSender::can_send(std::size_t bytes) const noexcept {
    if (resend_pending_ > 0) return false;  // retransmissions go first
    if (flight_ == 0) return true;          // a zero-window probe, or the first chunk
    // cwnd may be passed by less than one packet when it is not already full.
    return flight_ < cwnd_ && bytes <= rwnd_;
}

void SctpSender::grow() {
    std::vector<SctpOutstanding> bigger(ring_.size() * 2);
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move(ring_[(head_ + i) & (ring_.size() - 1)]);
    ring_ = std::move(bigger);
    head_ = 0;
}

void SctpSender::sent(std::uint32_t tsn, std::uint16_t stream, std::uint16_t ssn, std::uint32_t ppid,
                      std::span<const std::uint8_t> data, std::uint64_t now_ms) {
    if (count_ == 0) first_tsn_ = tsn;
    if (count_ == ring_.size()) grow();
    SctpOutstanding& c = at(tsn);
    c.tsn = tsn;
    c.stream = stream;
    c.ssn = ssn;
    c.ppid = ppid;
    c.sent_ms = now_ms;
    c.transmissions = 1;
    c.gap_acked = false;
    c.resend = false;
    c.misses = 0;
    c.data.assign(data.begin(), data.end());
    ++count_;
    const auto bytes = static_cast<std::uint32_t>(data.size());
    flight_ += bytes;
    rwnd_ = rwnd_ > bytes ? rwnd_ - bytes : 0;
    if (stream >= stream_acked_.size()) stream_acked_.resize(std::size_t{stream} + 1, 0);
    if (t3_at_ms_ == never) arm_t3(now_ms);
}

void SctpSender::acked(SctpOutstanding& c) {
    if (c.gap_acked) return;  // counted when its gap block first covered it
    const auto bytes = static_cast<std::uint32_t>(c.data.size());
    counters_.bytes_acked += bytes;
    ++counters_.chunks_acked;
    stream_acked_[c.stream] += bytes;
    if (c.resend) {
        c.resend = false;
        --resend_pending_;
    } else {
        flight_ -= bytes;
    }
    c.gap_acked = true;
}

void SctpSender::drop_front() {
    SctpOutstanding& c = ring_[head_];
    c.data.clear();  // keeps its buffer for the chunk that takes the slot next
    head_ = (head_ + 1) & (ring_.size() - 1);
    ++first_tsn_;
    --count_;
}

SctpSender::SackResult SctpSender::on_sack(const SctpSackView& s, std::uint64_t now_ms) {
    const std::uint32_t cum = s.cumulative_tsn_ack;
    const std::uint32_t last_sent = first_tsn_ + static_cast<std::uint32_t>(count_) - 1;
    // An older SACK than one already seen, or one acknowledging what was never sent.
    if (tsn_before(cum, first_tsn_ - 1) || (count_ > 0 && tsn_after(cum, last_sent)) ||
        (count_ == 0 && tsn_after(cum, first_tsn_ - 1))) {
        return SackResult::nothing_new;
    }
    const std::uint32_t flight_before = flight_;
    const std::uint64_t acked_before = counters_.bytes_acked;
    const bool cum_moved = cum != first_tsn_ - 1;
    bool any_new = false;
    std::uint32_t highest_new = 0;
    std::uint64_t sample_sent_ms = never;
    while (count_ > 0 && !tsn_after(first_tsn_, cum)) {
        SctpOutstanding& c = ring_[head_];
        if (!c.gap_acked) {
            any_new = true;
            highest_new = c.tsn;
            if (c.transmissions == 1) sample_sent_ms = c.sent_ms;  // Karn: never a resent chunk
        }
        acked(c);
        drop_front();
    }
    if (sample_sent_ms != never) {
        rtt_.sample(now_ms - sample_sent_ms);
        counters_.rtt_samples = rtt_.samples();
    }
    for (std::size_t g = 0; g < s.gap_count; ++g) {
        const SctpGap gap = s.gap(g);
        if (gap.start == 0 || gap.end < gap.start) continue;
        for (std::uint32_t off = gap.start; off <= gap.end; ++off) {
            const std::uint32_t tsn = cum + off;
            if (count_ == 0 || tsn_before(tsn, first_tsn_) || tsn_after(tsn, last_sent)) continue;
            SctpOutstanding& c = at(tsn);
            if (c.gap_acked) continue;
            if (!any_new || tsn_after(tsn, highest_new)) highest_new = tsn;
            any_new = true;
            acked(c);
        }
    }
    const std::uint32_t newly = static_cast<std::uint32_t>(counters_.bytes_acked - acked_before);
    if (any_new) errors_ = 0;
    if (fast_recovery_ && cum_moved && !tsn_before(cum, recovery_exit_)) fast_recovery_ = false;

    // Congestion window (RFC 9260 sections 7.2.1 and 7.2.2): it grows only when the
    // cumulative ack moves, the window was in full use, and no recovery is under way.
    const bool full = flight_before + mtu_ > cwnd_;
    if (cum_moved && full && !fast_recovery_) {
        if (cwnd_ <= ssthresh_) {
            cwnd_ += std::min(newly, mtu_);
        } else {
            partial_bytes_acked_ += newly;
            if (partial_bytes_acked_ >= cwnd_) {
                partial_bytes_acked_ -= cwnd_;
                cwnd_ += mtu_;
            }
        }
    }

    // Miss indications for the chunks below the highest TSN this SACK newly acknowledged
    // (RFC 9260 section 7.2.4, the HTNA rule); three make a fast retransmit.
    bool marked = false;
    if (any_new) {
        for (std::size_t i = 0; i < count_; ++i) {
            SctpOutstanding& c = ring_[(head_ + i) & (ring_.size() - 1)];
            if (!tsn_before(c.tsn, highest_new)) break;
            if (c.gap_acked || c.resend) continue;
            if (++c.misses >= fast_retransmit_misses) {
                c.resend = true;
                flight_ -= static_cast<std::uint32_t>(c.data.size());
                ++resend_pending_;
                marked = true;
            }
        }
    }
    if (marked && !fast_recovery_) {
        ssthresh_ = std::max(cwnd_ / 2, 4 * mtu_);
        cwnd_ = ssthresh_;
        partial_bytes_acked_ = 0;
        fast_recovery_ = true;
        recovery_exit_ = last_sent;
        ++counters_.fast_retransmits;
    }
    if (marked) resend_any_ = true;

    const std::uint32_t in_flight = flight_;
    rwnd_ = s.a_rwnd > in_flight ? s.a_rwnd - in_flight : 0;
    if (count_ == 0) {
        t3_at_ms_ = never;
        partial_bytes_acked_ = 0;
    } else if (cum_moved) {
        arm_t3(now_ms);  // RFC 9260 section 6.3.2 R3
    }
    if (marked) return SackResult::fast_retransmit;
    return any_new ? SackResult::acked : SackResult::nothing_new;
}

bool SctpSender::on_t3(std::uint64_t now_ms, std::uint32_t max_retransmits) {
    if (count_ == 0) {
        t3_at_ms_ = never;
        return true;
    }
    ++counters_.t3_expiries;
    if (++errors_ > max_retransmits) return false;
    // RFC 9260 sections 6.3.3 and 7.2.3.
    rtt_.back_off();
    ssthresh_ = std::max(cwnd_ / 2, 4 * mtu_);
    cwnd_ = mtu_;
    partial_bytes_acked_ = 0;
    fast_recovery_ = false;
    for (std::size_t i = 0; i < count_; ++i) {
        SctpOutstanding& c = ring_[(head_ + i) & (ring_.size() - 1)];
        if (c.gap_acked || c.resend) continue;
        c.resend = true;
        flight_ -= static_cast<std::uint32_t>(c.data.size());
        ++resend_pending_;
    }
    resend_any_ = resend_pending_ > 0;
    arm_t3(now_ms);
    return true;
}

SctpOutstanding* SctpSender::next_resend() noexcept {
    if (resend_pending_ == 0) return nullptr;
    for (std::size_t i = 0; i < count_; ++i) {
        SctpOutstanding& c = ring_[(head_ + i) & (ring_.size() - 1)];
        if (!c.resend) continue;
        if (resend_any_ || flight_ == 0 || flight_ + c.data.size() <= cwnd_) return &c;
        return nullptr;
    }
    return nullptr;
}

void SctpSender::resent(SctpOutstanding& c, std::uint64_t now_ms) {
    c.resend = false;
    c.misses = 0;
    c.sent_ms = now_ms;
    if (c.transmissions < 255) ++c.transmissions;
    flight_ += static_cast<std::uint32_t>(c.data.size());
    --resend_pending_;
    resend_any_ = false;
    ++counters_.retransmitted_chunks;
    if (t3_at_ms_ == never) arm_t3(now_ms);
}

}  // namespace tg::proto
