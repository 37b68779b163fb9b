// What a sink answers to count requests (proto/counts.hpp): every receive core's live
// counters summed per protocol, and the sink's id. The run fills `cores` before the cores
// start and does not touch it after; a core that takes a count request reads every core's
// counters through it (LiveCounters: plain loads of what each core last published).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "proto/counts.hpp"
#include "sink/live_counters.hpp"
#include "traffic/protocol.hpp"

namespace tg::sink {

static_assert(traffic::protocol_count <= proto::counts_max_entries);

struct CountsBoard {
    std::uint64_t sink_id = 0;  // random per sink process: a restart shows as a new id
    std::vector<const LiveCounters*> cores;

    // Every core's counts, summed, in the order of traffic::Protocol.
    [[nodiscard]] std::array<proto::CountsEntry, traffic::protocol_count> sum() const noexcept {
        std::array<proto::CountsEntry, traffic::protocol_count> out{};
        for (const LiveCounters* c : cores) {
            for (std::size_t i = 0; i < traffic::protocol_count; ++i) {
                const LiveProtocolCounts n = c->read(static_cast<traffic::Protocol>(i));
                out[i].packets += n.packets;
                out[i].bytes += n.bytes;
                out[i].lost += n.lost;
            }
        }
        return out;
    }
};

}  // namespace tg::sink
