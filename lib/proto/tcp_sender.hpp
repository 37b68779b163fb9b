// The sending side of a TCP connection in closed loop: the segments sent and not yet
// acknowledged (each keeps its bytes, so a retransmission carries the same segment), the
// peer's receive window, congestion control as RFC 5681 describes it (slow start,
// congestion avoidance, fast retransmit on three duplicate ACKs) with NewReno's fast
// recovery (RFC 6582), SACK blocks sparing what the peer holds already (RFC 2018), and
// the retransmission timer of RFC 6298 with Karn's rule.
//
// No I/O and no allocation once warm: segments live in a ring that grows only when the
// window does, and each slot keeps its buffer.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "proto/rtt_estimator.hpp"
#include "proto/tcp_options.hpp"

namespace tg::proto {

struct TcpSenderCounters {
    std::uint64_t retransmitted_segments = 0;  // every resend, for either reason
    std::uint64_t fast_retransmits = 0;        // times three duplicate ACKs started recovery
    std::uint64_t rto_expiries = 0;
    std::uint64_t duplicate_acks = 0;
    std::uint64_t bytes_acked = 0;
    std::uint64_t rtt_samples = 0;
};

// One segment as sent, ready to send again.
struct TcpOutstanding {
    std::uint32_t seq = 0;
    std::uint32_t len = 0;
    std::uint64_t sent_ms = 0;
    std::uint8_t transmissions = 0;
    bool sacked = false;
    bool resend = false;
    std::vector<std::uint8_t> data;
};

struct TcpRtoLimits {
    std::uint32_t initial_ms = 1000;
    std::uint32_t min_ms = 200;
    std::uint32_t max_ms = 120000;
};

class TcpSender {
public:
    // `snd_una`: the first data byte's sequence number; `mss`: the segment size in use.
    void start(std::uint32_t snd_una, std::uint32_t peer_window, std::uint32_t mss, const TcpRtoLimits& rto);

    // A new segment of `bytes` may go now: nothing waits to be resent, and the congestion
    // and receive windows have room (or nothing is in flight: a probe of a closed window).
    [[nodiscard]] bool can_send(std::size_t bytes) const noexcept;
    // Records a segment sent for the first time, at SND.NXT; next_unsent() hands it out.
    void sent(std::span<const std::uint8_t> data, std::uint64_t now_ms);
    // The oldest segment recorded by sent() and not yet put on the wire, or null; the
    // caller puts it there, then emitted().
    [[nodiscard]] const TcpOutstanding* next_unsent() const noexcept {
        return unsent_ != 0 ? &slot(count_ - unsent_) : nullptr;
    }
    void emitted() noexcept {
        if (unsent_ != 0) --unsent_;
    }

    enum class AckResult : std::uint8_t { old, duplicate, advanced, fast_retransmit };
    // An acceptable ACK (at most SND.NXT), with the peer's window already scaled and the
    // SACK blocks it carried. `may_be_duplicate`: the segment carried no data, SYN or FIN.
    AckResult on_ack(std::uint32_t ack, std::uint32_t window, std::span<const TcpSackBlock> sack,
                     bool may_be_duplicate, std::uint64_t now_ms);
    // The retransmission timer ran out: everything the peer does not hold is to be resent,
    // cwnd falls to one segment and the RTO doubles. False once it ran out more than
    // `max_retransmits` times in a row.
    bool on_rto(std::uint64_t now_ms, std::uint32_t max_retransmits);
    // The next segment to resend that the window allows (the first after a fast
    // retransmit or an RTO goes regardless), or null. The caller sends it, then resent().
    TcpOutstanding* next_resend() noexcept;
    void resent(TcpOutstanding& s, std::uint64_t now_ms);

    [[nodiscard]] std::uint64_t rto_at_ms() const noexcept { return rto_at_ms_; }
    [[nodiscard]] bool idle() const noexcept { return count_ == 0; }
    [[nodiscard]] std::uint32_t snd_una() const noexcept { return snd_una_; }
    [[nodiscard]] std::uint32_t snd_nxt() const noexcept { return snd_nxt_; }
    [[nodiscard]] std::uint32_t cwnd() const noexcept { return cwnd_; }
    [[nodiscard]] std::uint32_t ssthresh() const noexcept { return ssthresh_; }
    [[nodiscard]] std::uint32_t flight() const noexcept;
    [[nodiscard]] std::uint32_t peer_window() const noexcept { return window_; }
    [[nodiscard]] std::uint32_t srtt_ms() const noexcept { return rtt_.srtt_ms(); }
    [[nodiscard]] std::uint32_t rto_ms() const noexcept { return rtt_.rto_ms(); }
    [[nodiscard]] bool in_recovery() const noexcept { return recovery_; }
    [[nodiscard]] std::size_t outstanding() const noexcept { return count_; }
    [[nodiscard]] const TcpSenderCounters& counters() const noexcept { return counters_; }

private:
    TcpOutstanding& slot(std::size_t i) noexcept { return ring_[(head_ + i) & (ring_.size() - 1)]; }
    [[nodiscard]] const TcpOutstanding& slot(std::size_t i) const noexcept {
        return ring_[(head_ + i) & (ring_.size() - 1)];
    }
    void grow();
    void mark_sacked(std::span<const TcpSackBlock> sack);
    void mark_first_hole();
    bool mark_resend(TcpOutstanding& s) noexcept;

    std::vector<TcpOutstanding> ring_;  // a power of two
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    std::size_t unsent_ = 0;
    std::uint32_t snd_una_ = 0, snd_nxt_ = 0;
    std::uint32_t window_ = 0;
    std::uint32_t mss_ = 1460;
    std::uint32_t cwnd_ = 0, ssthresh_ = 0;
    std::uint32_t ca_acked_ = 0;          // bytes acknowledged in congestion avoidance
    std::uint32_t sacked_bytes_ = 0;      // of segments the peer holds beyond a hole
    std::uint32_t resend_bytes_ = 0;      // of segments marked and not yet resent
    std::uint32_t resend_pending_ = 0;
    bool resend_any_ = false;
    std::uint32_t dupacks_ = 0;
    bool recovery_ = false;
    std::uint32_t recover_ = 0;           // SND.NXT when recovery began

    RttEstimator rtt_;
    std::uint32_t backoffs_ = 0;
    std::uint64_t rto_at_ms_ = ~std::uint64_t{0};

    TcpSenderCounters counters_;
};

}  // namespace tg::proto
