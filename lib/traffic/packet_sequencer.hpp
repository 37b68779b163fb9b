// The generator's per-lcore state between templates and packets: which template (protocol
// and size) and which flow and stream each packet uses, and the sequence numbers each flow
// and stream has reached. Packet order: flows round robin; an SCTP flow's stream advances
// each time its turn comes; each protocol steps through its own size cycle (IMIX).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "traffic/flows.hpp"
#include "traffic/frame_template.hpp"
#include "traffic/protocol.hpp"

namespace tg::traffic {

// The templates of one run, by protocol, in the order that protocol's size cycle sends them.
struct TemplateSet {
    std::vector<std::unique_ptr<FrameTemplate>> templates;
    std::array<std::vector<std::uint16_t>, 3> cycle;  // per protocol: indexes into templates

    [[nodiscard]] bool has(Protocol p) const noexcept { return !cycle[static_cast<std::size_t>(p)].empty(); }
};

class PacketSequencer {
public:
    // This lcore sends flows first, first + step, ...; `streams` SCTP streams per flow.
    PacketSequencer(const TemplateSet& templates, const FlowSet& flows, std::uint16_t streams, std::uint32_t first,
                    std::uint32_t step);

    // The template the next packet of protocol `p` will use, without moving on.
    [[nodiscard]] std::uint16_t peek(Protocol p) const noexcept {
        const auto pi = static_cast<std::size_t>(p);
        return templates_.cycle[pi][size_pos_[pi]];
    }
    // Fills `f` for the next packet of protocol `p` and returns its template.
    const FrameTemplate& next(Protocol p, PacketFields& f) noexcept;
    // The per-packet fields alone, for a protocol with a single template (one size).
    template <Protocol P>
    void fields_as(PacketFields& f, std::uint32_t payload_bytes) noexcept;
    // (flow, stream) pairs this lcore sends on per protocol: its last `keys()` packets are
    // each the last of their sequence.
    [[nodiscard]] std::uint64_t keys(Protocol p) const noexcept {
        return std::uint64_t{flows_here_} * (p == Protocol::sctp ? streams_ : 1u);
    }

    // Packets sent on a (protocol, flow, stream) so far (modulo 2^32), for reports.
    [[nodiscard]] std::uint32_t sent(Protocol p, std::uint32_t flow, std::uint16_t stream) const noexcept {
        return seq_[slot(p, local(flow), stream)];
    }
    [[nodiscard]] std::uint32_t first_flow() const noexcept { return first_; }
    [[nodiscard]] std::uint32_t flow_step() const noexcept { return step_; }
    [[nodiscard]] std::uint32_t flows_here() const noexcept { return flows_here_; }
    [[nodiscard]] std::uint16_t streams() const noexcept { return streams_; }

private:
    [[nodiscard]] std::size_t local(std::uint32_t flow) const noexcept { return (flow - first_) / step_; }
    // Each protocol numbers its (flow, stream) sequences from 0: the sink keys them apart.
    [[nodiscard]] std::size_t slot(Protocol p, std::size_t local_flow, std::uint16_t stream) const noexcept {
        return (static_cast<std::size_t>(p) * flows_here_ + local_flow) * streams_ + stream;
    }

    const TemplateSet& templates_;
    FlowCursor cursor_;
    std::uint16_t streams_;
    std::uint32_t first_;
    std::uint32_t step_;
    std::uint32_t flows_here_;
    std::array<std::uint32_t, 3> size_pos_{};
    std::vector<std::uint32_t> seq_;       // per (protocol, local flow, stream)
    std::vector<std::uint16_t> stream_;    // per local flow: the next SCTP stream
    std::vector<std::uint32_t> tcp_seq_;   // per local flow
    std::vector<std::uint32_t> tsn_;       // per local flow
};

// Defined here so that they inline into the engine's burst loop.
template <Protocol P>
inline void PacketSequencer::fields_as(PacketFields& f, std::uint32_t payload_bytes) noexcept {
    const std::uint32_t flow = cursor_.id();
    const std::size_t lf = local(flow);
    std::uint16_t stream = 0;
    if constexpr (P == Protocol::sctp) stream = stream_[lf];
    std::uint32_t& seq = seq_[slot(P, lf, stream)];

    f.flow = &cursor_.tuple();
    f.flow_id = flow;
    f.stream_id = stream;
    f.seq = seq;
    f.flags = 0;
    if constexpr (P == Protocol::tcp) {
        f.tcp_seq = tcp_seq_[lf];
        tcp_seq_[lf] += payload_bytes;
    } else if constexpr (P == Protocol::sctp) {
        // A stateless association per flow: its tag is derived from the flow id.
        f.sctp_vtag = 0x7467'0000u ^ flow;
        f.sctp_tsn = tsn_[lf]++;
        f.sctp_ssn = static_cast<std::uint16_t>(seq);
        if (++stream_[lf] == streams_) stream_[lf] = 0;
    }
    ++seq;
    cursor_.advance();
}

inline const FrameTemplate& PacketSequencer::next(Protocol p, PacketFields& f) noexcept {
    const auto pi = static_cast<std::size_t>(p);
    const auto& cycle = templates_.cycle[pi];
    const FrameTemplate& t = *templates_.templates[cycle[size_pos_[pi]]];
    if (++size_pos_[pi] == cycle.size()) size_pos_[pi] = 0;
    switch (p) {
        case Protocol::udp: fields_as<Protocol::udp>(f, t.payload_bytes()); break;
        case Protocol::tcp: fields_as<Protocol::tcp>(f, t.payload_bytes()); break;
        case Protocol::sctp: fields_as<Protocol::sctp>(f, t.payload_bytes()); break;
    }
    return t;
}

}  // namespace tg::traffic
