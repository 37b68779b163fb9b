// The generator's side of real SCTP associations: one client association per flow, set up
// before the data starts and shut down after it. Frames in through offer(), frames out
// through next_frame(), time through tick(), as the sink's SctpResponder; the data path
// then stamps each flow's DATA with its association's tag, TSNs and stream numbers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "proto/build.hpp"
#include "proto/sctp_association.hpp"
#include "traffic/flows.hpp"
#include "traffic/session_clients.hpp"
#include "traffic/setup_times.hpp"

namespace tg::traffic {

// How the associations carry data. Open loop: the data path stamps its DATA with each
// association's tag and TSNs (data_sent_elsewhere). Closed loop: fill() hands each
// association as much DATA as its windows take, and lost chunks are sent again.
struct SctpSending {
    bool closed_loop = false;
    std::uint32_t mtu = 1500;            // the path's, IP bytes
    std::uint32_t payload_bytes = 1400;  // user data per DATA chunk, test header first
    std::uint32_t ppid = 0;
    // Request/response: fill() sends one request per association at a time (closed
    // loop), its streams in turn, and the next once the whole response is in.
    bool request_response = false;
    TransactionSpec rr;
};

// Closed loop: what the associations sent and what the peers acknowledged.
struct SctpClosedLoopSummary {
    std::uint64_t chunks_sent = 0;  // first transmissions
    std::uint64_t bytes_sent = 0;
    std::uint64_t chunks_acked = 0;
    std::uint64_t bytes_acked = 0;
    std::uint64_t retransmitted_chunks = 0;
    std::uint64_t fast_retransmits = 0;
    std::uint64_t t3_expiries = 0;
    std::uint32_t cwnd_min = 0, cwnd_max = 0;  // over the associations, at the end
    std::uint32_t srtt_ms_max = 0;
    std::uint64_t rtt_samples = 0;
    std::vector<std::uint64_t> stream_bytes_acked;  // by stream id, over the associations
};

// Why an association never came up: how far its handshake got ("no INIT ACK", "no
// COOKIE ACK"), or what ended it first ("ABORT received", "cookie rejected", ...).
[[nodiscard]] const char* why_not_up(const proto::SctpAssociation& a) noexcept;

struct SctpClientSummary {
    std::uint32_t requested = 0;
    std::uint32_t established = 0;  // handshakes completed
    std::uint32_t up_at_end = 0;    // established when the summary was taken
    std::uint32_t shut_down = 0;
    std::map<std::string, std::uint32_t> failed;  // by reason
    std::uint64_t inits_sent = 0;                 // first INITs and retransmissions
    std::uint64_t init_acks = 0;                  // associations that got past COOKIE WAIT
    SetupTimes setup;  // of the sessions that came up
    std::uint64_t data_acked = 0;  // DATA chunks the peers' SACKs acknowledged
    std::uint64_t sacks_in = 0;
    SctpClosedLoopSummary closed_loop;
    SessionSurvival survival;
    // One sentence for the report when the path does not carry SCTP associations.
    std::string verdict;
};

class SctpClientSet final : public SessionClients {
public:
    // One association per flow of `flows`, each asking for `streams` outbound streams.
    SctpClientSet(const FlowSet& flows, std::uint16_t streams, const proto::L2Spec& l2, const proto::SctpTimers& timers,
                  const SctpSending& sending, std::uint64_t seed, std::uint64_t now_ms);

    // A received frame; ignored unless it is SCTP for one of these associations.
    void offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms, std::uint64_t now_ns) override;
    void tick(std::uint64_t now_ms) override;
    std::size_t next_frame(std::span<std::uint8_t> out) override;
    // Closed loop: gives each established association DATA while its windows take it,
    // its streams in turn, at most `budget` chunks in all; each chunk's user data starts
    // with the test header (flow, stream, sequence, `now_ns`). Returns the chunks given.
    std::uint64_t fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) override;
    [[nodiscard]] std::uint64_t filled() const noexcept override { return filled_; }
    // Closed loop: chunks first sent on a flow's stream.
    [[nodiscard]] std::uint32_t sent_on(std::uint32_t flow, std::uint16_t stream) const noexcept {
        return stream < streams_ && flow < next_stream_.size() ? seq_[std::size_t{flow} * streams_ + stream] : 0;
    }
    // Closed loop: every chunk given is acknowledged, or its association ended.
    [[nodiscard]] bool all_acknowledged() const noexcept override;
    [[nodiscard]] bool any_established() const noexcept override;

    // Every association established or given up.
    [[nodiscard]] bool settled() const noexcept override;
    [[nodiscard]] bool all_established() const noexcept;
    // Every association up with every stream asked for.
    [[nodiscard]] bool ready() const noexcept override;
    [[nodiscard]] bool all_closed() const noexcept override;
    void shutdown(std::uint64_t now_ms) override;
    // Ends what is still open with an ABORT (a SHUTDOWN that took too long).
    void abort_open(std::uint64_t now_ms) override;
    // The data path sends the DATA from here on (see SctpAssociation::data_sent_elsewhere).
    void data_sent_elsewhere() noexcept {
        for (auto& a : associations_) a.data_sent_elsewhere();
    }

    [[nodiscard]] const proto::SctpAssociation& of_flow(std::uint32_t flow) const { return associations_[flow]; }
    [[nodiscard]] std::size_t size() const noexcept override { return associations_.size(); }
    [[nodiscard]] SctpClientSummary summary() const;
    [[nodiscard]] std::string verdict() const override { return summary().verdict; }
    [[nodiscard]] bool closed_loop() const noexcept override { return sending_.closed_loop; }
    [[nodiscard]] const Transactions* transactions() const noexcept override { return rr_.get(); }
    [[nodiscard]] std::uint16_t streams() const noexcept { return streams_; }

private:
    std::uint64_t fill_requests(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget);

    proto::L2Spec l2_;
    SctpSending sending_;
    std::uint16_t streams_ = 1;
    std::vector<std::uint32_t> seq_;         // closed loop: per (flow, stream), the test header's
    std::vector<std::uint16_t> next_stream_; // closed loop: per flow
    std::vector<std::uint8_t> payload_;      // closed loop: the chunk being made
    std::uint64_t filled_ = 0, filled_bytes_ = 0;
    std::size_t fill_cursor_ = 0;
    std::vector<proto::SctpAssociation> associations_;  // by flow
    std::map<FlowKey, std::uint32_t> flow_of_;
    std::vector<std::uint32_t> initial_tsn_;
    std::size_t cursor_ = 0;  // where next_frame() looks first
    std::uint64_t started_ms_ = 0;
    std::uint64_t last_established_ms_ = 0;
    std::unique_ptr<Transactions> rr_;  // request/response only
};

}  // namespace tg::traffic
