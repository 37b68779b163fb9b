// The sending side of an SCTP association in closed loop (RFC 9260 sections 6 and 7): the
// DATA chunks sent and not yet acknowledged, the peer's receive window, the congestion
// window (slow start, congestion avoidance, fast retransmit and fast recovery), the
// round-trip time and RTO, and the T3-rtx timer. It keeps each chunk's user data until
// the peer acknowledges it, so a retransmission carries the same bytes.
//
// No I/O and no allocation once warm: outstanding chunks live in a ring indexed by TSN
// that grows only when the window does, and each slot keeps its buffer.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "proto/rtt_estimator.hpp"
#include "proto/sctp_parse.hpp"

namespace tg::proto {

struct SctpSenderCounters {
    std::uint64_t retransmitted_chunks = 0;   // every resend, for either reason
    std::uint64_t fast_retransmits = 0;       // times three miss indications triggered one
    std::uint64_t t3_expiries = 0;            // retransmission timeouts
    std::uint64_t bytes_acked = 0;            // user data the peer acknowledged, each byte once
    std::uint64_t chunks_acked = 0;
    std::uint64_t rtt_samples = 0;
};

// One DATA chunk as sent, ready to send again.
struct SctpOutstanding {
    std::uint32_t tsn = 0;
    std::uint16_t stream = 0;
    std::uint16_t ssn = 0;
    std::uint32_t ppid = 0;
    std::uint64_t sent_ms = 0;
    std::uint8_t transmissions = 0;  // 1: sent once (an RTT sample may use it)
    bool gap_acked = false;
    bool resend = false;             // marked for retransmission
    std::uint8_t misses = 0;         // miss indications from SACKs
    std::vector<std::uint8_t> data;  // the user data
};

class SctpSender {
public:
    // `mtu`: the largest IP packet the path carries (cwnd grows and shrinks in these).
    void start(std::uint32_t initial_tsn, std::uint32_t peer_rwnd, std::uint32_t mtu, std::uint32_t rto_initial_ms,
               std::uint32_t rto_min_ms, std::uint32_t rto_max_ms);

    // A new chunk of `bytes` user data may go out now: no retransmission waits, and the
    // congestion and receive windows have room (or nothing is in flight: one chunk may
    // always probe a closed window, RFC 9260 section 6.1 rule A).
    [[nodiscard]] bool can_send(std::size_t bytes) const noexcept;
    // Records a chunk sent for the first time; its TSN must be the next one.
    void sent(std::uint32_t tsn, std::uint16_t stream, std::uint16_t ssn, std::uint32_t ppid,
              std::span<const std::uint8_t> data, std::uint64_t now_ms);

    enum class SackResult : std::uint8_t { nothing_new, acked, fast_retransmit };
    // A SACK from the peer. Chunks it marks for fast retransmission come out of
    // next_resend().
    SackResult on_sack(const SctpSackView& sack, std::uint64_t now_ms);
    // The T3-rtx timer ran out: every unacknowledged chunk is marked for retransmission
    // and cwnd falls to one MTU. False when the error count passed `max_retransmits`.
    bool on_t3(std::uint64_t now_ms, std::uint32_t max_retransmits);
    // The next chunk marked for retransmission that the windows allow (the first after a
    // fast retransmit or a T3 expiry goes out regardless); null when none. The caller
    // sends it, then calls resent().
    SctpOutstanding* next_resend() noexcept;
    void resent(SctpOutstanding& c, std::uint64_t now_ms);

    [[nodiscard]] std::uint64_t t3_at_ms() const noexcept { return t3_at_ms_; }
    [[nodiscard]] bool idle() const noexcept { return count_ == 0; }
    [[nodiscard]] std::uint32_t cumulative_ack() const noexcept { return first_tsn_ - 1; }
    [[nodiscard]] std::uint32_t cwnd() const noexcept { return cwnd_; }
    [[nodiscard]] std::uint32_t ssthresh() const noexcept { return ssthresh_; }
    [[nodiscard]] std::uint32_t flight() const noexcept { return flight_; }
    [[nodiscard]] std::uint32_t peer_rwnd() const noexcept { return rwnd_; }
    [[nodiscard]] std::uint32_t srtt_ms() const noexcept { return rtt_.srtt_ms(); }
    [[nodiscard]] std::uint32_t rto_ms() const noexcept { return rtt_.rto_ms(); }
    [[nodiscard]] std::size_t outstanding() const noexcept { return count_; }
    [[nodiscard]] const SctpSenderCounters& counters() const noexcept { return counters_; }
    // Per stream: user data bytes the peer acknowledged.
    [[nodiscard]] const std::vector<std::uint64_t>& stream_bytes_acked() const noexcept { return stream_acked_; }

private:
    SctpOutstanding& at(std::uint32_t tsn) noexcept { return ring_[(head_ + (tsn - first_tsn_)) & (ring_.size() - 1)]; }
    void grow();
    void acked(SctpOutstanding& c);
    void drop_front();
    void arm_t3(std::uint64_t now_ms) noexcept { t3_at_ms_ = now_ms + rtt_.rto_ms(); }

    std::vector<SctpOutstanding> ring_;  // a power of two
    std::size_t head_ = 0;               // slot of first_tsn_
    std::size_t count_ = 0;              // TSNs first_tsn_ .. first_tsn_ + count_ - 1
    std::uint32_t first_tsn_ = 0;        // the oldest not cumulatively acknowledged

    std::uint32_t mtu_ = 1500;
    std::uint32_t cwnd_ = 0;
    std::uint32_t ssthresh_ = 0;
    std::uint32_t partial_bytes_acked_ = 0;
    std::uint32_t flight_ = 0;
    std::uint32_t rwnd_ = 0;
    std::uint32_t resend_pending_ = 0;  // chunks marked and not yet resent
    bool resend_any_ = false;           // the next resend may ignore cwnd
    bool fast_recovery_ = false;
    std::uint32_t recovery_exit_ = 0;

    RttEstimator rtt_;
    std::uint32_t errors_ = 0;  // consecutive T3 expiries
    std::uint64_t t3_at_ms_ = ~std::uint64_t{0};

    std::vector<std::uint64_t> stream_acked_;
    SctpSenderCounters counters_;
};

}  // namespace tg::proto
