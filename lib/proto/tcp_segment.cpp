#include "proto/tcp_segment.hpp"

namespace tg::proto {

ParseError segment_of(const PacketView& v, TcpSegmentIn& out) noexcept {
    out = TcpSegmentIn{};
    if (v.tcp == nullptr) return ParseError::truncated;
    const TcpHeader& h = *v.tcp;
    out.seq = h.seq.get();
    out.ack = h.ack.get();
    out.flags = h.flags;
    out.window = h.window.get();
    const std::size_t options = h.header_length() - sizeof(TcpHeader);
    const ParseError e = parse_tcp_options(v.frame.subspan(v.l4_offset + sizeof(TcpHeader), options), out.options);
    if (e != ParseError::none) return e;
    out.payload = v.payload();
    return ParseError::none;
}

BuildResult build_tcp_segment_frame(std::span<std::uint8_t> out, const L2Spec& l2, const IpAddress& from,
                                    std::uint16_t from_port, const IpAddress& to, std::uint16_t to_port,
                                    const TcpSegmentOut& segment) noexcept {
    L3Spec l3;
    l3.src = from;
    l3.dst = to;
    TcpSpec tcp;
    tcp.src_port = from_port;
    tcp.dst_port = to_port;
    tcp.seq = segment.seq;
    tcp.ack = segment.ack;
    tcp.flags = segment.flags;
    tcp.window = segment.window;
    tcp.options = segment.options;
    return build_tcp_frame(out, l2, l3, tcp, segment.payload);
}

}  // namespace tg::proto
