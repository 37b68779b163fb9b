// What the generator's control thread drives, whichever the protocol: a set of client
// sessions (SCTP associations, TCP connections), one per flow, with frames in through
// offer(), frames out through next_frame(), time through tick(), and in closed loop data
// handed over through fill() as the sessions' windows take it (or, request/response, one
// request per session at a time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "traffic/transactions.hpp"

namespace tg::traffic {

// Whether the sessions outlived what the path did to them, and the longest time one of
// them waited for its data to be acknowledged (proto/ack_progress.hpp).
struct SessionSurvival {
    // Established, and not ended by the peer or the path: up at the end, closed cleanly,
    // or ended by this side when a close did not complete (open loop never resends what
    // was lost, so a TCP FIN after a hole is never acknowledged).
    std::uint32_t survived = 0;
    // Established, then ended by the peer (RST, ABORT) or the path (retransmissions or
    // heartbeats exhausted).
    std::uint32_t lost_after_up = 0;
    std::uint64_t longest_wait_ms = 0;
    std::uint32_t longest_wait_flow = 0;
    std::uint64_t longest_wait_from_ms = ~std::uint64_t{0};  // the sessions' clock

    // One established session's record of it.
    template <typename AckProgress>
    void add(std::uint32_t flow, bool failed, const AckProgress& p) noexcept {
        ++(failed ? lost_after_up : survived);
        if (p.longest_ms() > longest_wait_ms) {
            longest_wait_ms = p.longest_ms();
            longest_wait_flow = flow;
            longest_wait_from_ms = p.longest_from_ms();
        }
    }
};

class SessionClients {
public:
    virtual ~SessionClients() = default;

    // A received frame, at `now_ms` (the sessions' clock) and `now_ns` (the clock the
    // test headers are stamped with); ignored unless it belongs to one of these sessions.
    virtual void offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms, std::uint64_t now_ns) = 0;
    virtual void tick(std::uint64_t now_ms) = 0;
    // The next frame to send into `out`: its length, or 0 when there is none.
    virtual std::size_t next_frame(std::span<std::uint8_t> out) = 0;
    // Closed loop: hands the sessions that are up at most `budget` messages, each
    // starting with the test header stamped `now_ns`; returns how many they took.
    virtual std::uint64_t fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) = 0;
    // Closed loop: messages handed over so far.
    [[nodiscard]] virtual std::uint64_t filled() const noexcept = 0;
    // Closed loop: everything handed over is acknowledged, or its session ended.
    [[nodiscard]] virtual bool all_acknowledged() const noexcept = 0;

    // Every session up, or given up.
    [[nodiscard]] virtual bool settled() const noexcept = 0;
    // Every session up, with all it asked for (SCTP: every stream).
    [[nodiscard]] virtual bool ready() const noexcept = 0;
    [[nodiscard]] virtual bool any_established() const noexcept = 0;
    [[nodiscard]] virtual bool all_closed() const noexcept = 0;
    // A graceful end (SHUTDOWN, FIN), once each session's data is out.
    virtual void shutdown(std::uint64_t now_ms) = 0;
    // Ends what is still open at once (ABORT, RST).
    virtual void abort_open(std::uint64_t now_ms) = 0;
    [[nodiscard]] virtual std::size_t size() const noexcept = 0;
    // The sessions send by their windows and resend what is lost.
    [[nodiscard]] virtual bool closed_loop() const noexcept = 0;
    // One sentence when the path does not carry these sessions ("" when it does).
    [[nodiscard]] virtual std::string verdict() const = 0;
    // Request/response: the transactions, when fill() sends requests rather than data.
    [[nodiscard]] virtual const Transactions* transactions() const noexcept { return nullptr; }
};

}  // namespace tg::traffic
