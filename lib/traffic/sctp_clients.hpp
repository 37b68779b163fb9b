// The generator's side of real SCTP associations: one client association per flow, set up
// before the data starts and shut down after it. Frames in through offer(), frames out
// through next_frame(), time through tick(), as the sink's SctpResponder; the data path
// then stamps each flow's DATA with its association's tag, TSNs and stream numbers.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "proto/build.hpp"
#include "proto/sctp_association.hpp"
#include "traffic/flows.hpp"

namespace tg::traffic {

struct SctpClientSummary {
    std::uint32_t requested = 0;
    std::uint32_t established = 0;
    std::uint32_t shut_down = 0;
    std::map<std::string, std::uint32_t> failed;  // by reason
    std::uint64_t inits_sent = 0;                 // first INITs and retransmissions
    std::uint64_t init_acks = 0;                  // associations that got past COOKIE WAIT
    std::uint64_t setup_ms_min = 0, setup_ms_median = 0, setup_ms_p99 = 0, setup_ms_max = 0;
    double setup_rate_per_s = 0;  // associations established per second of set-up
    std::uint64_t data_acked = 0;  // DATA chunks the peers' SACKs acknowledged
    std::uint64_t sacks_in = 0;
    // One sentence for the report when the path does not carry SCTP associations.
    std::string verdict;
};

class SctpClientSet {
public:
    // One association per flow of `flows`, each asking for `streams` outbound streams.
    SctpClientSet(const FlowSet& flows, std::uint16_t streams, const proto::L2Spec& l2, const proto::SctpTimers& timers,
                  std::uint64_t seed, std::uint64_t now_ms);

    // A received frame; ignored unless it is SCTP for one of these associations.
    void offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms);
    void tick(std::uint64_t now_ms);
    std::size_t next_frame(std::span<std::uint8_t> out);

    // Every association established or given up.
    [[nodiscard]] bool settled() const noexcept;
    [[nodiscard]] bool all_established() const noexcept;
    [[nodiscard]] bool all_closed() const noexcept;
    void shutdown(std::uint64_t now_ms);
    // The data path sends the DATA from here on (see SctpAssociation::data_sent_elsewhere).
    void data_sent_elsewhere() noexcept {
        for (auto& a : associations_) a.data_sent_elsewhere();
    }

    [[nodiscard]] const proto::SctpAssociation& of_flow(std::uint32_t flow) const { return associations_[flow]; }
    [[nodiscard]] std::size_t size() const noexcept { return associations_.size(); }
    [[nodiscard]] SctpClientSummary summary() const;

private:
    using Key = std::tuple<std::uint16_t, std::uint16_t, std::array<std::uint8_t, 16>>;  // our port, theirs, their address
    static Key key_of(std::uint16_t local_port, std::uint16_t peer_port, const proto::IpAddress& peer);

    proto::L2Spec l2_;
    std::vector<proto::SctpAssociation> associations_;  // by flow
    std::map<Key, std::uint32_t> flow_of_;
    std::vector<std::uint32_t> initial_tsn_;
    std::size_t cursor_ = 0;  // where next_frame() looks first
    std::uint64_t started_ms_ = 0;
    std::uint64_t last_established_ms_ = 0;
};

}  // namespace tg::traffic
