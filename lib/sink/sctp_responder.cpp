#include "sink/sctp_responder.hpp"

namespace tg::sink {

namespace {

proto::SctpCookieSigner fresh_signer() { return proto::SctpCookieSigner(); }

}  // namespace

SctpResponder::SctpResponder(const proto::SctpServerConfig& config, std::uint64_t seed)
    : server_(config, fresh_signer(), seed) {}

bool SctpResponder::offer(const proto::PacketView& v, std::uint64_t now_ms) {
    if (v.sctp == nullptr || v.payload_length < 4 || (v.ipv4 == nullptr && v.ipv6 == nullptr)) return false;
    const proto::IpAddress src = v.source();
    const proto::IpAddress dst = v.destination();
    const std::uint16_t src_port = v.sctp->src_port.get();
    const std::uint16_t dst_port = v.sctp->dst_port.get();
    const std::uint8_t first_chunk = v.frame[v.payload_offset];
    // DATA of no association is stateless test traffic: not the server's business.
    if (first_chunk == proto::sctp_chunk::data &&
        (server_.size() == 0 || server_.find(src, src_port, dst_port) == nullptr))
        return false;
    way_back_.learn(v);
    server_.receive(src, src_port, dst, dst_port, v.sctp->verification_tag.get(), v.payload(), now_ms);
    next_timer_ms_ = now_ms;  // look at the timers again soon
    return true;
}

void SctpResponder::tick(std::uint64_t now_ms) {
    server_.tick(now_ms);
    next_timer_ms_ = now_ms + 1;
}

std::size_t SctpResponder::next_frame(std::span<std::uint8_t> out) {
    proto::SctpServerPacket p;
    while (server_.pop(p)) {
        const proto::L2Spec* l2 = way_back_.find(p.peer);
        if (l2 == nullptr) continue;
        proto::L3Spec l3;
        l3.dst = p.peer;
        l3.src = p.local;
        const proto::SctpSpec sctp{p.local_port, p.peer_port, p.packet.vtag};
        const proto::BuildResult r = proto::build_sctp_frame(out, *l2, l3, sctp, p.packet.chunks);
        if (r.ok()) return r.layout.length;
    }
    return 0;
}

}  // namespace tg::sink
