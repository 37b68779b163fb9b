#include "sink/sctp_responder.hpp"

#include <array>

#include "proto/request.hpp"
#include "proto/sctp.hpp"
#include "proto/sctp_parse.hpp"

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
    now_ms_ = now_ms;
    // Requests in DATA chunks the association has not had yet (a resent request is
    // answered once), taken only if the packet passed its checks (its tag).
    const proto::SctpAssociation* a = server_.find(src, src_port, dst_port);
    const std::uint64_t data_before = a != nullptr ? a->counters().data_in : 0;
    struct Asked {
        proto::Request request;
        std::uint32_t ppid;
    };
    std::array<Asked, 4> asked{};
    std::size_t n_asked = 0;
    if (first_chunk == proto::sctp_chunk::data || first_chunk == proto::sctp_chunk::cookie_echo) {
        proto::SctpChunkReader chunks(v.payload());
        proto::SctpChunkView c;
        while (chunks.next(c) && n_asked < asked.size()) {
            proto::SctpDataView d;
            if (c.type != proto::sctp_chunk::data || proto::parse_sctp_data(c, d) != proto::ParseError::none) continue;
            const auto request = proto::read_request(d.user_data);
            if (!request) continue;
            if (a != nullptr && a->received().has(d.tsn)) continue;
            asked[n_asked++] = {*request, d.ppid};
        }
    }
    server_.receive(src, src_port, dst, dst_port, v.sctp->verification_tag.get(), v.payload(), now_ms);
    a = server_.find(src, src_port, dst_port);
    if (n_asked > 0 && a != nullptr && a->counters().data_in > data_before) {
        for (std::size_t i = 0; i < n_asked; ++i) answers_.owe(src, src_port, dst_port, asked[i].request, asked[i].ppid);
    }
    next_timer_ms_ = now_ms;  // look at the timers again soon
    return true;
}

void SctpResponder::tick(std::uint64_t now_ms) {
    now_ms_ = now_ms;
    server_.tick(now_ms);
    send_answers();
    next_timer_ms_ = now_ms + 1;
}

void SctpResponder::send_answers() {
    if (answers_.empty()) return;
    answers_.drain(
        [&](const OwedAnswers::Owed& o) -> std::size_t {
            const proto::SctpAssociation* a = server_.find(o.peer, o.peer_port, o.local_port);
            if (a == nullptr) return 0;
            // One DATA chunk per packet: the path's MTU less IP, the common header and the chunk's.
            const std::uint32_t ip = o.peer.is_v4() ? 20 : 40;
            return a->config().mtu > ip + 28 ? a->config().mtu - ip - 28 : 0;
        },
        [&](const OwedAnswers::Owed& o, std::span<const std::uint8_t> payload) {
            proto::SctpAssociation* a = server_.find(o.peer, o.peer_port, o.local_port);
            if (a == nullptr || a->outbound_streams() == 0) return false;
            const auto stream = static_cast<std::uint16_t>(o.head.stream_id % a->outbound_streams());
            return a->send(stream, o.ppid, payload, now_ms_);
        },
        [&](const OwedAnswers::Owed& o) {
            const proto::SctpAssociation* a = server_.find(o.peer, o.peer_port, o.local_port);
            return a != nullptr && a->state() != proto::SctpState::closed;
        });
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
