#include "traffic/packet_sequencer.hpp"

namespace tg::traffic {

PacketSequencer::PacketSequencer(const TemplateSet& templates, const FlowSet& flows, std::uint16_t streams,
                                 std::uint32_t first, std::uint32_t step)
    : templates_(templates),
      streams_(streams == 0 ? 1 : streams),
      first_(first),
      step_(step == 0 ? 1 : step),
      dns_id_(static_cast<std::uint16_t>(first)) {
    const std::uint32_t here = first < flows.size() ? (flows.size() - first + step_ - 1) / step_ : 0;
    lanes_.reserve(here);
    if (here > 0) {
        // Each lcore walks only its own flows; the cursor moves by `step` without the
        // divisions of FlowSet::at().
        FlowCursor cursor(flows, first, step_);
        for (std::uint32_t k = 0; k < here; ++k) {
            lanes_.push_back(FlowLane::make(cursor.tuple(), cursor.id()));
            cursor.advance();
        }
    }
    sctp_seq_.assign(std::size_t{here} * streams_, 0);
    lane_of_.resize(here);
    for (std::uint32_t k = 0; k < here; ++k) lane_of_[k] = k;
}

bool PacketSequencer::continue_from(const PacketSequencer& previous) noexcept {
    if (previous.lanes_.size() != lanes_.size() || previous.streams_ != streams_ || previous.first_ != first_ ||
        previous.step_ != step_) {
        return false;
    }
    for (std::size_t k = 0; k < lanes_.size(); ++k) {
        if (previous.lanes_[k].flow_id != lanes_[k].flow_id) return false;
    }
    for (std::size_t k = 0; k < lanes_.size(); ++k) {
        const FlowLane& from = previous.lanes_[k];
        FlowLane& to = lanes_[k];
        to.seq = from.seq;
        to.tcp_seq = from.tcp_seq;
        to.sctp_tsn = from.sctp_tsn;
        to.sctp_next_stream = from.sctp_next_stream;
    }
    sctp_seq_ = previous.sctp_seq_;
    lane_ = previous.lane_;
    return true;
}

std::uint32_t PacketSequencer::lane_of(std::uint32_t flow) const noexcept {
    if (flow < first_ || (flow - first_) % step_ != 0) return none;
    const std::size_t k = (flow - first_) / step_;
    return k < lane_of_.size() ? lane_of_[k] : none;
}

void PacketSequencer::keep_flows(const std::vector<bool>& keep) {
    std::vector<FlowLane> kept;
    std::vector<std::uint32_t> seq;
    for (std::size_t k = 0; k < lane_of_.size(); ++k) {
        const std::uint32_t i = lane_of_[k];
        if (i == none) continue;
        const std::uint32_t flow = lanes_[i].flow_id;
        if (flow >= keep.size() || !keep[flow]) {
            lane_of_[k] = none;
            continue;
        }
        lane_of_[k] = static_cast<std::uint32_t>(kept.size());
        kept.push_back(lanes_[i]);
        seq.insert(seq.end(), sctp_seq_.begin() + std::ptrdiff_t{i} * streams_,
                   sctp_seq_.begin() + (std::ptrdiff_t{i} + 1) * streams_);
    }
    lanes_.swap(kept);
    sctp_seq_.swap(seq);
    lane_.fill(0);
}

void PacketSequencer::untake(Protocol p, std::uint32_t payload_bytes) noexcept {
    if (lanes_.empty()) return;
    const auto pi = static_cast<std::size_t>(p);
    std::size_t& cursor = lane_[pi];
    cursor = cursor == 0 ? lanes_.size() - 1 : cursor - 1;
    FlowLane& l = lanes_[cursor];
    switch (p) {
        case Protocol::sctp: {
            const std::uint16_t stream = l.sctp_next_stream == 0 ? static_cast<std::uint16_t>(streams_ - 1)
                                                                 : static_cast<std::uint16_t>(l.sctp_next_stream - 1);
            l.sctp_next_stream = stream;
            --sctp_seq_[cursor * streams_ + stream];
            --l.sctp_tsn;
            break;
        }
        case Protocol::tcp:
            --l.seq[pi];
            l.tcp_seq -= payload_bytes;
            break;
        case Protocol::dns:
            --l.seq[pi];
            dns_id_ = static_cast<std::uint16_t>(dns_id_ - step_);
            break;
        default: --l.seq[pi]; break;
    }
    const auto& cycle = templates_.cycle[pi];
    if (!cycle.empty()) size_pos_[pi] = size_pos_[pi] == 0 ? static_cast<std::uint32_t>(cycle.size() - 1) : size_pos_[pi] - 1;
}

bool PacketSequencer::bind_sctp(std::uint32_t flow, std::uint32_t vtag, std::uint32_t first_tsn) noexcept {
    const std::uint32_t i = lane_of(flow);
    if (i == none) return false;
    lanes_[i].sctp_vtag = vtag;
    lanes_[i].sctp_tsn = first_tsn;
    return true;
}

std::uint32_t PacketSequencer::next_sctp_tsn(std::uint32_t flow) const noexcept {
    const std::uint32_t i = lane_of(flow);
    return i == none ? 0 : lanes_[i].sctp_tsn;
}

std::uint32_t PacketSequencer::sent(Protocol p, std::uint32_t flow, std::uint16_t stream) const noexcept {
    const std::uint32_t i = lane_of(flow);
    if (i == none) return 0;
    if (p == Protocol::sctp) return stream < streams_ ? sctp_seq_[i * streams_ + stream] : 0;
    return stream == 0 ? lanes_[i].seq[static_cast<std::size_t>(p)] : 0;
}

}  // namespace tg::traffic
