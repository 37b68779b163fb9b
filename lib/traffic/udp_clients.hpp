// UDP request/response (UDP_RR): one flow is one session with no handshake. Each flow
// has at most one request in flight; the sink answers each (proto/request.hpp) with a
// datagram back to the flow's source port, and the next request of that flow goes once
// the answer is in, or once the previous request is counted lost (nothing resends UDP).
// Frames in through offer(), requests out through next_frame(), as the SCTP and TCP
// client sets, so the same control loop drives all three.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "proto/build.hpp"
#include "traffic/flows.hpp"
#include "traffic/session_clients.hpp"
#include "traffic/transactions.hpp"

namespace tg::traffic {

class UdpClientSet final : public SessionClients {
public:
    UdpClientSet(const FlowSet& flows, const proto::L2Spec& l2, std::uint8_t ttl, const TransactionSpec& spec);

    void offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms, std::uint64_t now_ns) override;
    // Counts requests unanswered past the timeout as lost (on the clock of the last fill()).
    void tick(std::uint64_t now_ms) override;
    std::size_t next_frame(std::span<std::uint8_t> out) override;
    // Sends the next request of each flow with none in flight, at most `budget` of them.
    std::uint64_t fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) override;
    [[nodiscard]] std::uint64_t filled() const noexcept override { return rr_.totals().started; }
    // No request in flight (answered or counted lost).
    [[nodiscard]] bool all_acknowledged() const noexcept override;
    [[nodiscard]] bool settled() const noexcept override { return true; }
    [[nodiscard]] bool ready() const noexcept override { return true; }
    [[nodiscard]] bool any_established() const noexcept override { return !flows_.empty(); }
    // After shutdown(): the requests in flight are answered or lost.
    [[nodiscard]] bool all_closed() const noexcept override { return aborted_ || (closed_ && all_acknowledged()); }
    void shutdown(std::uint64_t) override { closed_ = true; }
    void abort_open(std::uint64_t) override { aborted_ = true; }
    [[nodiscard]] std::size_t size() const noexcept override { return flows_.size(); }
    [[nodiscard]] bool closed_loop() const noexcept override { return false; }
    [[nodiscard]] std::string verdict() const override;
    [[nodiscard]] const Transactions* transactions() const noexcept override { return &rr_; }
    // Frames that came back but answered no request of this run.
    [[nodiscard]] std::uint64_t strays() const noexcept { return strays_; }

private:
    proto::L2Spec l2_;
    std::uint8_t ttl_;
    std::vector<FlowTuple> flows_;
    Transactions rr_;
    std::vector<std::uint64_t> sent_ns_;       // per flow: its request in flight, as stamped
    std::vector<std::uint32_t> queue_;         // flows whose request waits for next_frame()
    std::size_t queue_head_ = 0, queued_ = 0;
    std::vector<std::uint8_t> payload_;
    std::size_t cursor_ = 0;
    std::uint64_t strays_ = 0;
    bool closed_ = false, aborted_ = false;
    std::uint64_t fill_ms_ = 0, fill_ns_ = 0;  // the two clocks at the last fill()
};

}  // namespace tg::traffic
