#include "proto/tcp_sender.hpp"

#include <algorithm>

#include "proto/tcp_seq.hpp"

namespace tg::proto {

namespace {
constexpr std::uint64_t never = ~std::uint64_t{0};
constexpr std::uint32_t initial_window_segments = 10;  // RFC 6928
}  // namespace

void TcpSender::start(std::uint32_t snd_una, std::uint32_t peer_window, std::uint32_t mss, const TcpRtoLimits& rto) {
    snd_una_ = snd_nxt_ = snd_una;
    window_ = peer_window;
    mss_ = std::max<std::uint32_t>(mss, 1);
    cwnd_ = initial_window_segments * mss_;
    ssthresh_ = ~std::uint32_t{0};
    rtt_.reset(rto.initial_ms, rto.min_ms, rto.max_ms);
    if (ring_.empty()) ring_.resize(64);
}

std::uint32_t TcpSender::flight() const noexcept {
    const std::uint32_t out = snd_nxt_ - snd_una_;
    const std::uint32_t spared = sacked_bytes_ + resend_bytes_;
    return out > spared ? out - spared : 0;
}

bool TcpSender::can_send(std::size_t bytes) const noexcept {
    if (resend_pending_ != 0) return false;
    if (count_ == 0) return true;
    return flight() + bytes <= cwnd_ && std::size_t{snd_nxt_ - snd_una_} + bytes <= window_;
}

void TcpSender::grow() {
    std::vector<TcpOutstanding> bigger(ring_.size() * 2);
    for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move(slot(i));
    ring_ = std::move(bigger);
    head_ = 0;
}

void TcpSender::sent(std::span<const std::uint8_t> data, std::uint64_t now_ms) {
    if (count_ == ring_.size()) grow();
    TcpOutstanding& s = slot(count_++);
    s.seq = snd_nxt_;
    s.len = static_cast<std::uint32_t>(data.size());
    s.sent_ms = now_ms;
    s.transmissions = 1;
    s.sacked = false;
    s.resend = false;
    s.data.assign(data.begin(), data.end());
    snd_nxt_ += s.len;
    ++unsent_;
    if (rto_at_ms_ == never) rto_at_ms_ = now_ms + rtt_.rto_ms();
}

void TcpSender::mark_sacked(std::span<const TcpSackBlock> sack) {
    for (const TcpSackBlock& b : sack) {
        if (!seq_after(b.right, snd_una_) || seq_after(b.right, snd_nxt_)) continue;  // stale or bogus
        for (std::size_t i = 0; i < count_; ++i) {
            TcpOutstanding& s = slot(i);
            if (s.sacked || seq_before(s.seq, b.left) || seq_after(s.seq + s.len, b.right)) continue;
            s.sacked = true;
            sacked_bytes_ += s.len;
            if (s.resend) {
                s.resend = false;
                resend_bytes_ -= s.len;
                --resend_pending_;
            }
        }
    }
}

bool TcpSender::mark_resend(TcpOutstanding& s) noexcept {
    if (s.sacked || s.resend) return false;
    s.resend = true;
    resend_bytes_ += s.len;
    ++resend_pending_;
    return true;
}

void TcpSender::mark_first_hole() {
    for (std::size_t i = 0; i < count_; ++i) {
        if (!mark_resend(slot(i))) continue;
        resend_any_ = true;
        return;
    }
}

TcpSender::AckResult TcpSender::on_ack(std::uint32_t ack, std::uint32_t window, std::span<const TcpSackBlock> sack,
                                       bool may_be_duplicate, std::uint64_t now_ms) {
    const bool window_changed = window != window_;
    window_ = window;
    mark_sacked(sack);
    if (seq_before(ack, snd_una_)) return AckResult::old;
    if (ack == snd_una_) {
        if (!may_be_duplicate || count_ == 0 || window_changed) return AckResult::old;
        ++counters_.duplicate_acks;
        if (recovery_) {
            cwnd_ += mss_;  // each duplicate: one more segment has left the network
            return AckResult::duplicate;
        }
        if (++dupacks_ != 3) return AckResult::duplicate;
        recovery_ = true;
        recover_ = snd_nxt_;
        ssthresh_ = std::max(flight() / 2, 2 * mss_);
        cwnd_ = ssthresh_ + 3 * mss_;
        mark_first_hole();
        ++counters_.fast_retransmits;
        return AckResult::fast_retransmit;
    }
    const std::uint32_t acked = ack - snd_una_;
    std::uint64_t newest_once_sent = never;
    while (count_ != 0 && seq_at_or_before(slot(0).seq + slot(0).len, ack)) {
        TcpOutstanding& s = slot(0);
        if (s.transmissions == 1 && !s.resend) newest_once_sent = s.sent_ms;
        if (s.sacked) sacked_bytes_ -= s.len;
        if (s.resend) {
            resend_bytes_ -= s.len;
            --resend_pending_;
        }
        head_ = (head_ + 1) & (ring_.size() - 1);
        --count_;
        if (unsent_ > count_) unsent_ = count_;
    }
    snd_una_ = ack;
    counters_.bytes_acked += acked;
    dupacks_ = 0;
    backoffs_ = 0;
    if (newest_once_sent != never && now_ms >= newest_once_sent) {
        rtt_.sample(now_ms - newest_once_sent);
        counters_.rtt_samples = rtt_.samples();
    }
    if (recovery_) {
        if (seq_before(ack, recover_)) {  // partial ACK: the next hole goes at once
            cwnd_ = std::max(cwnd_ > acked ? cwnd_ - acked : 0, mss_) + mss_;
            mark_first_hole();
        } else {
            recovery_ = false;
            cwnd_ = std::min(ssthresh_, flight() + mss_);
        }
    } else if (cwnd_ < ssthresh_) {
        cwnd_ += std::min(acked, mss_);
    } else if ((ca_acked_ += acked) >= cwnd_) {
        ca_acked_ -= cwnd_;
        cwnd_ += mss_;
    }
    if (resend_pending_ == 0) resend_any_ = false;
    rto_at_ms_ = count_ != 0 ? now_ms + rtt_.rto_ms() : never;
    return AckResult::advanced;
}

bool TcpSender::on_rto(std::uint64_t now_ms, std::uint32_t max_retransmits) {
    if (count_ == 0) {
        rto_at_ms_ = never;
        return true;
    }
    ++counters_.rto_expiries;
    if (++backoffs_ > max_retransmits) return false;
    ssthresh_ = std::max(flight() / 2, 2 * mss_);
    cwnd_ = mss_;
    ca_acked_ = 0;
    recovery_ = false;
    dupacks_ = 0;
    for (std::size_t i = 0; i < count_; ++i) mark_resend(slot(i));
    resend_any_ = resend_pending_ != 0;
    rtt_.back_off();
    rto_at_ms_ = now_ms + rtt_.rto_ms();
    return true;
}

TcpOutstanding* TcpSender::next_resend() noexcept {
    if (resend_pending_ == 0) return nullptr;
    for (std::size_t i = 0; i < count_; ++i) {
        TcpOutstanding& s = slot(i);
        if (!s.resend) continue;
        if (!resend_any_ && flight() + s.len > cwnd_) return nullptr;
        return &s;
    }
    return nullptr;
}

void TcpSender::resent(TcpOutstanding& s, std::uint64_t now_ms) {
    if (!s.resend) return;
    s.resend = false;
    resend_bytes_ -= s.len;
    --resend_pending_;
    resend_any_ = false;
    s.sent_ms = now_ms;
    if (s.transmissions < 255) ++s.transmissions;
    ++counters_.retransmitted_segments;
    if (rto_at_ms_ == never) rto_at_ms_ = now_ms + rtt_.rto_ms();
}

}  // namespace tg::proto
