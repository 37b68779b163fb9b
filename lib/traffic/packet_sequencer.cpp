#include "traffic/packet_sequencer.hpp"

namespace tg::traffic {

PacketSequencer::PacketSequencer(const TemplateSet& templates, const FlowSet& flows, std::uint16_t streams,
                                 std::uint32_t first, std::uint32_t step)
    : templates_(templates), streams_(streams == 0 ? 1 : streams), first_(first), step_(step == 0 ? 1 : step) {
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
}

bool PacketSequencer::bind_sctp(std::uint32_t flow, std::uint32_t vtag, std::uint32_t first_tsn) noexcept {
    if (flow < first_ || (flow - first_) % step_ != 0) return false;
    const std::size_t i = (flow - first_) / step_;
    if (i >= lanes_.size()) return false;
    lanes_[i].sctp_vtag = vtag;
    lanes_[i].sctp_tsn = first_tsn;
    return true;
}

std::uint32_t PacketSequencer::next_sctp_tsn(std::uint32_t flow) const noexcept {
    if (flow < first_ || (flow - first_) % step_ != 0) return 0;
    const std::size_t i = (flow - first_) / step_;
    return i < lanes_.size() ? lanes_[i].sctp_tsn : 0;
}

std::uint32_t PacketSequencer::sent(Protocol p, std::uint32_t flow, std::uint16_t stream) const noexcept {
    if (flow < first_ || (flow - first_) % step_ != 0) return 0;
    const std::size_t i = (flow - first_) / step_;
    if (i >= lanes_.size()) return 0;
    if (p == Protocol::sctp) return stream < streams_ ? sctp_seq_[i * streams_ + stream] : 0;
    return stream == 0 ? lanes_[i].seq[static_cast<std::size_t>(p)] : 0;
}

}  // namespace tg::traffic
