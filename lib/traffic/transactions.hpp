// Request/response transactions (TCP_RR, UDP_RR, and SCTP the same way) on a set of
// sessions: at most one request in flight per session (a TCP connection, an SCTP
// association, a UDP flow), the next sent once the whole response is in, like netperf's
// *_RR tests. It keeps the time each request went and records the latency when its
// response is complete; a request with no response within the timeout (UDP: nothing
// resends it) is counted lost and its session moves on.
#pragma once

#include <cstdint>
#include <vector>

#include "stats/latency_histogram.hpp"

namespace tg::traffic {

struct TransactionSpec {
    std::uint32_t request_bytes = 64;   // payload of a request
    std::uint32_t response_bytes = 64;  // payload of its response
    std::uint64_t timeout_ns = 0;       // 0: wait as long as it takes (the transport resends)
};

struct TransactionTotals {
    std::uint64_t started = 0;
    std::uint64_t completed = 0;
    std::uint64_t lost = 0;          // no response within the timeout
    std::uint64_t late = 0;          // responses that came after their request was counted lost
    std::uint64_t outstanding = 0;   // in flight when asked
    std::uint64_t first_ns = 0;      // the first request
    std::uint64_t last_ns = 0;       // the last completion
};

class Transactions {
public:
    Transactions(std::size_t sessions, const TransactionSpec& spec);

    [[nodiscard]] const TransactionSpec& spec() const noexcept { return spec_; }
    [[nodiscard]] std::size_t sessions() const noexcept { return slots_.size(); }
    // No request in flight on the session: the next may go.
    [[nodiscard]] bool idle(std::size_t session) const noexcept { return !slots_[session].busy; }
    // The sequence number the session's next request carries.
    [[nodiscard]] std::uint32_t next_seq(std::size_t session) const noexcept { return slots_[session].seq; }
    // A request went at `now_ns`; its response is complete when the session has received
    // `complete_at` bytes in all (TCP, SCTP) or its answer arrives (UDP).
    void start(std::size_t session, std::uint64_t now_ns, std::uint64_t complete_at = 0) noexcept;
    // The byte count at which the session's response is complete.
    [[nodiscard]] std::uint64_t complete_at(std::size_t session) const noexcept { return slots_[session].complete_at; }
    // The response to the request in flight is complete.
    void complete(std::size_t session, std::uint64_t now_ns) noexcept;
    // The answer to request `seq` of the session arrived: completes it if it is the one in
    // flight; an answer to a request already counted lost is counted late. False when it
    // answers nothing.
    bool answer(std::size_t session, std::uint32_t seq, std::uint64_t now_ns) noexcept;
    // The request in flight can have no answer any more (its connection failed): it is
    // lost, and the session idle again.
    void abandon(std::size_t session) noexcept;
    // Requests in flight longer than the timeout are lost; their sessions are idle again.
    void expire(std::uint64_t now_ns) noexcept;

    [[nodiscard]] TransactionTotals totals() const noexcept;
    [[nodiscard]] const stats::LatencyHistogram& latency() const noexcept { return latency_; }

private:
    struct Slot {
        bool busy = false;
        std::uint32_t seq = 0;  // the next request's; the one in flight is seq - 1
        std::uint64_t sent_ns = 0;
        std::uint64_t complete_at = 0;
    };

    TransactionSpec spec_;
    std::vector<Slot> slots_;
    std::uint64_t started_ = 0, completed_ = 0, lost_ = 0, late_ = 0;
    std::uint64_t first_ns_ = 0, last_ns_ = 0;
    std::uint64_t oldest_due_ns_ = ~std::uint64_t{0};  // no expiry scan before this
    stats::LatencyHistogram latency_;
};

}  // namespace tg::traffic
