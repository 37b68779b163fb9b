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

const FrameTemplate& PacketSequencer::next(Protocol p, PacketFields& f) noexcept {
    const auto pi = static_cast<std::size_t>(p);
    const auto& cycle = templates_.cycle[pi];
    const FrameTemplate& t = *templates_.templates[cycle[size_pos_[pi]]];
    if (++size_pos_[pi] == cycle.size()) size_pos_[pi] = 0;

    const std::uint32_t flow = cursor_.id();
    const std::size_t lf = local(flow);
    const std::uint16_t stream = p == Protocol::sctp ? stream_[lf] : 0;
    std::uint32_t& seq = seq_[slot(p, lf, stream)];

    f.flow = &cursor_.tuple();
    f.flow_id = flow;
    f.stream_id = stream;
    f.seq = seq;
    f.flags = 0;
    switch (p) {
        case Protocol::tcp:
            f.tcp_seq = tcp_seq_[lf];
            tcp_seq_[lf] += t.payload_bytes();
            break;
        case Protocol::sctp:
            // A stateless association per flow: its tag is derived from the flow id.
            f.sctp_vtag = 0x7467'0000u ^ flow;
            f.sctp_tsn = tsn_[lf]++;
            f.sctp_ssn = static_cast<std::uint16_t>(seq);
            if (++stream_[lf] == streams_) stream_[lf] = 0;
            break;
        case Protocol::udp:
            break;
    }
    ++seq;
    cursor_.advance();
    return t;
}

}  // namespace tg::traffic
