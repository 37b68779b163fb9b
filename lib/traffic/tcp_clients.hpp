// The generator's side of real TCP connections: one client connection per flow, set up
// before the data starts and closed after it. Closed loop: fill() hands each connection
// segments while its windows take them, each starting with the test header, and lost
// segments are sent again (proto/tcp_sender.hpp). Request/response: fill() sends each
// connection's next request (proto/request.hpp) once the last response is in.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "proto/build.hpp"
#include "proto/tcp_connection.hpp"
#include "traffic/flows.hpp"
#include "traffic/session_clients.hpp"
#include "traffic/setup_times.hpp"

namespace tg::traffic {

struct TcpSending {
    bool closed_loop = false;
    std::uint16_t mss = 1460;            // offered: the path's MTU less 40
    std::uint32_t payload_bytes = 1400;  // per segment at most, test header first
    // TCP_RR: fill() sends one request per connection at a time (closed loop), and the
    // next once the whole response is in.
    bool request_response = false;
    TransactionSpec rr;
};

struct TcpClosedLoopSummary {
    std::uint64_t segments_sent = 0;  // first transmissions
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_acked = 0;
    std::uint64_t retransmitted_segments = 0;
    std::uint64_t fast_retransmits = 0;
    std::uint64_t rto_expiries = 0;
    std::uint32_t cwnd_min = 0, cwnd_max = 0;  // over the connections, at the end
    std::uint32_t srtt_ms_max = 0;
    std::uint64_t rtt_samples = 0;
};

// Why a connection never came up: "SYN timeout" (no SYN-ACK), "refused" (RST in answer),
// or what else ended it first.
[[nodiscard]] const char* why_not_up(const proto::TcpConnection& c) noexcept;

struct TcpClientSummary {
    std::uint32_t requested = 0;
    std::uint32_t established = 0;  // handshakes completed
    std::uint32_t up_at_end = 0;    // established when the summary was taken
    std::uint32_t closed_clean = 0;
    std::map<std::string, std::uint32_t> failed;  // by reason
    std::uint64_t syns_sent = 0;                  // first SYNs and retransmissions
    std::uint64_t syn_acks = 0;                   // connections that got past SYN-SENT
    SetupTimes setup;  // of the sessions that came up
    TcpClosedLoopSummary closed_loop;
    SessionSurvival survival;
    std::string verdict;  // one sentence when the path does not carry TCP connections
};

class TcpClientSet final : public SessionClients {
public:
    TcpClientSet(const FlowSet& flows, const proto::L2Spec& l2, const proto::TcpTimers& timers,
                 const TcpSending& sending, std::uint64_t seed, std::uint64_t now_ms);

    void offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms, std::uint64_t now_ns) override;
    void tick(std::uint64_t now_ms) override;
    std::size_t next_frame(std::span<std::uint8_t> out) override;
    std::uint64_t fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) override;
    [[nodiscard]] std::uint64_t filled() const noexcept override { return filled_; }
    [[nodiscard]] bool all_acknowledged() const noexcept override;
    [[nodiscard]] bool settled() const noexcept override;
    [[nodiscard]] bool ready() const noexcept override;
    [[nodiscard]] bool any_established() const noexcept override;
    [[nodiscard]] bool all_closed() const noexcept override;
    void shutdown(std::uint64_t now_ms) override;
    void abort_open(std::uint64_t now_ms) override;
    [[nodiscard]] std::size_t size() const noexcept override { return connections_.size(); }
    [[nodiscard]] std::string verdict() const override { return summary().verdict; }
    [[nodiscard]] bool closed_loop() const noexcept override { return sending_.closed_loop; }
    [[nodiscard]] const Transactions* transactions() const noexcept override { return rr_.get(); }

    [[nodiscard]] const proto::TcpConnection& of_flow(std::uint32_t flow) const { return connections_[flow]; }
    // Closed loop: segments first sent on a flow.
    [[nodiscard]] std::uint32_t sent_on(std::uint32_t flow) const noexcept {
        return flow < seq_.size() ? seq_[flow] : 0;
    }
    [[nodiscard]] TcpClientSummary summary() const;

private:
    std::uint64_t fill_requests(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget);

    proto::L2Spec l2_;
    TcpSending sending_;
    std::vector<proto::TcpConnection> connections_;  // by flow
    std::map<FlowKey, std::uint32_t> flow_of_;
    std::vector<std::uint32_t> seq_;     // closed loop: per flow, the test header's
    std::vector<std::uint8_t> payload_;  // closed loop: the segment being made
    std::uint64_t filled_ = 0, filled_bytes_ = 0;
    std::size_t fill_cursor_ = 0;
    std::size_t cursor_ = 0;
    std::uint64_t started_ms_ = 0;
    std::uint64_t last_established_ms_ = 0;
    std::unique_ptr<Transactions> rr_;  // request/response only
};

}  // namespace tg::traffic
