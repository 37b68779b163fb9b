// The generator's per-lcore state between templates and packets: which template (protocol
// and size) and which flow and stream each packet uses, and the sequence numbers each flow
// and stream has reached. Packet order: this lcore's flows round robin, each protocol
// its own round; an SCTP flow's
// stream advances each time its turn comes; each protocol steps through its own size
// cycle (IMIX).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "traffic/flow_lane.hpp"
#include "traffic/flows.hpp"
#include "traffic/frame_template.hpp"
#include "traffic/protocol.hpp"

namespace tg::traffic {

// The templates of one run, by protocol, in the order that protocol's size cycle sends them.
struct TemplateSet {
    std::vector<std::unique_ptr<FrameTemplate>> templates;
    std::array<std::vector<std::uint16_t>, protocol_count> cycle;  // per protocol: indexes into templates

    [[nodiscard]] bool has(Protocol p) const noexcept { return !cycle[static_cast<std::size_t>(p)].empty(); }
};

class PacketSequencer {
public:
    // This lcore sends flows first, first + step, ... (those below the set's size);
    // `streams` SCTP streams per flow.
    PacketSequencer(const TemplateSet& templates, const FlowSet& flows, std::uint16_t streams, std::uint32_t first,
                    std::uint32_t step);

    // The template the next packet of protocol `p` will use, without moving on.
    [[nodiscard]] std::uint16_t peek(Protocol p) const noexcept {
        const auto pi = static_cast<std::size_t>(p);
        return templates_.cycle[pi][size_pos_[pi]];
    }
    // The next packet of protocol `p`: its template, lane and per-packet values.
    const FrameTemplate& next(Protocol p, const FlowLane*& lane, PacketVars& v) noexcept;
    // The lane and values alone, for a protocol with a single template (one size).
    // Needs flows_here() > 0.
    template <Protocol P>
    const FlowLane& take(PacketVars& v, std::uint32_t payload_bytes) noexcept;
    // Gives back the last packet of protocol `p` taken (the port never took it): its lane,
    // stream and sequence numbers are as before it, so sent() counts only what went out.
    void untake(Protocol p, std::uint32_t payload_bytes) noexcept;
    // (flow, stream) pairs this lcore sends on per protocol: its last `keys()` packets are
    // each the last of their sequence.
    [[nodiscard]] std::uint64_t keys(Protocol p) const noexcept {
        return std::uint64_t{flows_here()} * (p == Protocol::sctp ? streams_ : 1u);
    }

    // A flow of this lcore runs over a real SCTP association: its DATA carries the
    // association's verification tag and TSNs from `first_tsn`. False for a flow not here.
    bool bind_sctp(std::uint32_t flow, std::uint32_t vtag, std::uint32_t first_tsn) noexcept;
    // Before the first packet (or while the engine holds its data): only the flows
    // `keep[flow]` says go on sending from this lcore (the others' sessions never came up).
    // A flow dropped here is no longer this lcore's: bind_sctp() and sent() do not find it.
    void keep_flows(const std::vector<bool>& keep);
    // Before the first packet: go on where `previous` stopped (the same lcore's share of the
    // same flows and streams, in an earlier trial): each flow's and stream's sequence
    // numbers, TCP sequence and SCTP TSN continue, so that a far sink sees one sequence
    // across trials rather than each trial's a duplicate of the last. False, and nothing
    // changed, when `previous` had other flows or streams.
    bool continue_from(const PacketSequencer& previous) noexcept;
    // The TSN the flow's next DATA takes.
    [[nodiscard]] std::uint32_t next_sctp_tsn(std::uint32_t flow) const noexcept;

    // Packets sent on a (protocol, flow, stream) so far (modulo 2^32), for reports.
    [[nodiscard]] std::uint32_t sent(Protocol p, std::uint32_t flow, std::uint16_t stream) const noexcept;
    [[nodiscard]] std::uint32_t first_flow() const noexcept { return first_; }
    [[nodiscard]] std::uint32_t flow_step() const noexcept { return step_; }
    [[nodiscard]] std::uint32_t flows_here() const noexcept { return static_cast<std::uint32_t>(lanes_.size()); }
    [[nodiscard]] std::uint16_t streams() const noexcept { return streams_; }

private:
    const TemplateSet& templates_;
    std::uint16_t streams_;
    std::uint32_t first_;
    std::uint32_t step_;
    std::array<std::uint32_t, protocol_count> size_pos_{};
    std::uint16_t dns_id_ = 0;  // the next DNS query's ID: this lcore's are first, first + step, ...
    std::vector<FlowLane> lanes_;         // this lcore's flows, in the order they send
    // Per protocol, the lane its next packet takes: in a mix each protocol goes round all
    // the flows (one cursor for all would tie each protocol to some of them).
    std::array<std::size_t, protocol_count> lane_{};
    std::vector<std::uint32_t> sctp_seq_;  // per (lane, stream)
    static constexpr std::uint32_t none = ~std::uint32_t{0};
    std::vector<std::uint32_t> lane_of_;   // per flow of this lcore, in flow order: its lane, or none
    [[nodiscard]] std::uint32_t lane_of(std::uint32_t flow) const noexcept;
};

// Defined here so that it inlines into the engine's burst loop.
template <Protocol P>
inline const FlowLane& PacketSequencer::take(PacketVars& v, std::uint32_t payload_bytes) noexcept {
    std::size_t& cursor = lane_[static_cast<std::size_t>(P)];
    const std::size_t i = cursor;
    cursor = i + 1 == lanes_.size() ? 0 : i + 1;
    FlowLane& l = lanes_[i];
    v.flags = 0;
    if constexpr (P == Protocol::sctp) {
        const std::uint16_t stream = l.sctp_next_stream;
        l.sctp_next_stream = static_cast<std::uint16_t>(stream + 1 == streams_ ? 0 : stream + 1);
        const std::uint32_t seq = sctp_seq_[i * streams_ + stream]++;
        v.seq = seq;
        v.stream = stream;
        v.ssn = static_cast<std::uint16_t>(seq);
        v.l4_seq = l.sctp_tsn++;
    } else {
        v.seq = l.seq[static_cast<std::size_t>(P)]++;
        v.stream = 0;
        v.ssn = 0;
        if constexpr (P == Protocol::tcp) {
            v.l4_seq = l.tcp_seq;
            l.tcp_seq += payload_bytes;
        } else if constexpr (P == Protocol::dns) {
            v.l4_seq = dns_id_;
            dns_id_ = static_cast<std::uint16_t>(dns_id_ + step_);
        } else {
            v.l4_seq = 0;
        }
    }
    return l;
}

inline const FrameTemplate& PacketSequencer::next(Protocol p, const FlowLane*& lane, PacketVars& v) noexcept {
    const auto pi = static_cast<std::size_t>(p);
    const auto& cycle = templates_.cycle[pi];
    const FrameTemplate& t = *templates_.templates[cycle[size_pos_[pi]]];
    if (++size_pos_[pi] == cycle.size()) size_pos_[pi] = 0;
    switch (p) {
        case Protocol::udp: lane = &take<Protocol::udp>(v, t.payload_bytes()); break;
        case Protocol::tcp: lane = &take<Protocol::tcp>(v, t.payload_bytes()); break;
        case Protocol::sctp: lane = &take<Protocol::sctp>(v, t.payload_bytes()); break;
        case Protocol::icmp: lane = &take<Protocol::icmp>(v, t.payload_bytes()); break;
        case Protocol::arp: lane = &take<Protocol::arp>(v, t.payload_bytes()); break;
        case Protocol::dns: lane = &take<Protocol::dns>(v, t.payload_bytes()); break;
        case Protocol::raw: lane = &take<Protocol::raw>(v, t.payload_bytes()); break;
    }
    return t;
}

}  // namespace tg::traffic
