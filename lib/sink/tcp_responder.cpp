#include "sink/tcp_responder.hpp"

#include "proto/request.hpp"
#include "proto/tcp.hpp"
#include "proto/tcp_segment.hpp"

namespace tg::sink {

TcpResponder::TcpResponder(const proto::TcpListenerConfig& config, std::uint64_t seed) : listener_(config, seed) {}

bool TcpResponder::offer(const proto::PacketView& v, std::uint64_t now_ms) {
    if (v.tcp == nullptr || (v.ipv4 == nullptr && v.ipv6 == nullptr)) return false;
    const bool syn = (v.tcp->flags & (proto::tcp_flag::syn | proto::tcp_flag::ack)) == proto::tcp_flag::syn;
    const proto::IpAddress src = v.source();
    const std::uint16_t src_port = v.tcp->src_port.get();
    const std::uint16_t dst_port = v.tcp->dst_port.get();
    // A segment of no connection is stateless test traffic: not the listener's business.
    if (!syn && (listener_.size() == 0 || listener_.find(src, src_port, dst_port) == nullptr)) return false;
    proto::TcpSegmentIn s;
    if (proto::segment_of(v, s) != proto::ParseError::none) {
        ++counters_.bad_options;
        return true;
    }
    way_back_.learn(v);
    now_ms_ = now_ms;
    const proto::TcpConnection* c = listener_.find(src, src_port, dst_port);
    const std::uint64_t bytes_before = c != nullptr ? c->counters().bytes_in : 0;
    listener_.receive(src, src_port, v.destination(), dst_port, s, now_ms);
    // A request the connection took as new data (not a resend, not out of its window).
    if (const auto request = proto::read_request(s.payload)) {
        c = listener_.find(src, src_port, dst_port);
        if (c != nullptr && c->counters().bytes_in > bytes_before) answers_.owe(src, src_port, dst_port, *request);
    }
    next_timer_ms_ = now_ms;  // answer soon
    return true;
}

void TcpResponder::tick(std::uint64_t now_ms) {
    now_ms_ = now_ms;
    listener_.tick(now_ms);
    send_answers();
    next_timer_ms_ = listener_.size() != 0 ? now_ms + 1 : ~std::uint64_t{0};
}

void TcpResponder::send_answers() {
    if (answers_.empty()) return;
    answers_.drain(
        [&](const OwedAnswers::Owed& o) -> std::size_t {
            const proto::TcpConnection* c = listener_.find(o.peer, o.peer_port, o.local_port);
            return c != nullptr ? c->send_mss() : 0;
        },
        [&](const OwedAnswers::Owed& o, std::span<const std::uint8_t> payload) {
            return listener_.send(o.peer, o.peer_port, o.local_port, payload, now_ms_);
        },
        [&](const OwedAnswers::Owed& o) {
            const proto::TcpConnection* c = listener_.find(o.peer, o.peer_port, o.local_port);
            return c != nullptr && c->open();
        });
}

std::size_t TcpResponder::next_frame(std::span<std::uint8_t> out) {
    proto::TcpServerSegment p;
    while (listener_.pop(p)) {
        const proto::L2Spec* l2 = way_back_.find(p.peer);
        if (l2 == nullptr) continue;
        const proto::BuildResult r =
            proto::build_tcp_segment_frame(out, *l2, p.local, p.local_port, p.peer, p.peer_port, p.segment);
        if (r.ok()) return r.layout.length;
    }
    return 0;
}

}  // namespace tg::sink
