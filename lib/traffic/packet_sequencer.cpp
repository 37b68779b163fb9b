#include "traffic/packet_sequencer.hpp"

namespace tg::traffic {

PacketSequencer::PacketSequencer(const TemplateSet& templates, const FlowSet& flows, std::uint16_t streams,
                                 std::uint32_t first, std::uint32_t step)
    : templates_(templates),
      cursor_(flows, first, step),
      streams_(streams == 0 ? 1 : streams),
      first_(first),
      step_(step == 0 ? 1 : step),
      flows_here_(first < flows.size() ? (flows.size() - first + step_ - 1) / step_ : 0) {
    seq_.assign(3 * std::size_t{flows_here_} * streams_, 0);
    stream_.assign(flows_here_, 0);
    tcp_seq_.assign(flows_here_, 0);
    tsn_.assign(flows_here_, 0);
}

}  // namespace tg::traffic
