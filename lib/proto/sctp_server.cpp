#include "proto/sctp_server.hpp"

#include <algorithm>

#include "proto/byte_order.hpp"
#include "proto/sctp_build.hpp"
#include "proto/sctp_parse.hpp"

namespace tg::proto {

SctpServer::SctpServer(const SctpServerConfig& config, const SctpCookieSigner& signer, std::uint64_t seed)
    : config_(config), signer_(signer), random_(seed) {}

SctpServer::Key SctpServer::key_of(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port) {
    return {peer.family, peer.bytes16(), peer_port, local_port};
}

std::uint32_t SctpServer::nonzero_random() {
    std::uint32_t v = 0;
    while (v == 0) v = static_cast<std::uint32_t>(random_());
    return v;
}

SctpAssociation* SctpServer::find(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port) {
    const auto it = associations_.find(key_of(peer, peer_port, local_port));
    return it == associations_.end() ? nullptr : &it->second;
}

void SctpServer::reply(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local, std::uint16_t local_port,
                       std::uint32_t vtag, std::vector<std::uint8_t> chunks) {
    out_.push_back({peer, local, peer_port, local_port, {vtag, std::move(chunks)}});
}

void SctpServer::receive(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local,
                         std::uint16_t local_port, std::uint32_t vtag, std::span<const std::uint8_t> chunks,
                         std::uint64_t now_ms) {
    SctpChunkReader r(chunks);
    SctpChunkView first;
    if (!r.next(first)) return;
    if (first.type == sctp_chunk::init) {
        // An INIT is alone in its packet, with tag 0 (RFC 9260 section 8.5.1).
        if (vtag == 0) on_init(peer, peer_port, local, local_port, first, now_ms);
        return;
    }
    if (first.type == sctp_chunk::cookie_echo) {
        on_cookie_echo(peer, peer_port, local_port, vtag, first, chunks, now_ms);
        return;
    }
    if (SctpAssociation* a = find(peer, peer_port, local_port); a != nullptr && a->state() != SctpState::closed) {
        a->receive(vtag, chunks, now_ms);
        return;
    }
    // Out of the blue (RFC 9260 section 8.4).
    ++counters_.out_of_the_blue;
    if (!config_.answer_out_of_the_blue) return;
    switch (first.type) {
        case sctp_chunk::abort:
        case sctp_chunk::shutdown_complete:
        case sctp_chunk::cookie_ack:
        case sctp_chunk::error: return;
        case sctp_chunk::shutdown_ack:
            reply(peer, peer_port, local, local_port, vtag, sctp_chunks(8, [](SctpChunkWriter& w) { w.shutdown_complete(true); }));
            return;
        default:
            reply(peer, peer_port, local, local_port, vtag, sctp_chunks(8, [](SctpChunkWriter& w) { w.abort(true, {}); }));
            return;
    }
}

void SctpServer::on_init(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local, std::uint16_t local_port,
                         const SctpChunkView& c, std::uint64_t now_ms) {
    SctpInitView init;
    if (parse_sctp_init(c, init) != ParseError::none) return;
    ++counters_.inits;
    SctpCookieState s;
    s.local_tag = nonzero_random();
    s.peer_tag = init.initiate_tag;
    s.local_tsn = static_cast<std::uint32_t>(random_());
    s.peer_tsn = init.initial_tsn;
    s.peer_rwnd = init.a_rwnd;
    s.outbound_streams = std::min(config_.outbound_streams, init.inbound_streams);
    s.inbound_streams = std::min(config_.max_inbound_streams, init.outbound_streams);
    s.local_port = local_port;
    s.peer_port = peer_port;
    s.local_address = local;
    s.peer_address = peer;
    s.created_ms = now_ms;
    s.lifetime_ms = config_.timers.cookie_life_ms;
    const std::vector<std::uint8_t> cookie = signer_.seal(s);
    SctpInitSpec spec;
    spec.initiate_tag = s.local_tag;
    spec.a_rwnd = config_.a_rwnd;
    spec.outbound_streams = s.outbound_streams;
    spec.inbound_streams = config_.max_inbound_streams;
    spec.initial_tsn = s.local_tsn;
    spec.state_cookie = cookie;
    reply(peer, peer_port, local, local_port, init.initiate_tag,
          sctp_chunks(cookie.size() + 64, [&](SctpChunkWriter& w) { w.init_ack(spec); }));
}

void SctpServer::on_cookie_echo(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port,
                                std::uint32_t vtag, const SctpChunkView& c, std::span<const std::uint8_t> all,
                                std::uint64_t now_ms) {
    const std::size_t used = 4 + sctp_padded(c.value.size());
    const auto rest = all.size() > used ? all.subspan(used) : std::span<const std::uint8_t>{};
    SctpCookieState s;
    std::uint32_t stale_by_us = 0;
    switch (signer_.open(c.value, now_ms, s, stale_by_us)) {
        case SctpCookieCheck::malformed: ++counters_.cookies_malformed; return;
        case SctpCookieCheck::forged: ++counters_.cookies_forged; return;
        case SctpCookieCheck::stale: {
            ++counters_.cookies_stale;
            std::uint8_t staleness[4];
            store_be32(staleness, stale_by_us);
            const SctpCause cause{sctp_cause::stale_cookie, staleness};
            reply(peer, peer_port, s.local_address, local_port, s.peer_tag,
                  sctp_chunks(16, [&](SctpChunkWriter& w) { w.error({&cause, 1}); }));
            return;
        }
        case SctpCookieCheck::ok: break;
    }
    // Signed by us, but it must also be this packet's: tag, address and ports.
    if (vtag != s.local_tag || !(s.peer_address == peer) || s.peer_port != peer_port || s.local_port != local_port) {
        ++counters_.cookies_mismatched;
        return;
    }
    const Key key = key_of(peer, peer_port, local_port);
    auto it = associations_.find(key);
    if (it != associations_.end() && it->second.state() != SctpState::closed &&
        it->second.local_tag() == s.local_tag && it->second.peer_tag() == s.peer_tag) {
        ++counters_.duplicate_cookie_echoes;
        it->second.receive(vtag, all, now_ms);  // it answers with COOKIE ACK again
        return;
    }
    if (it != associations_.end()) {
        ++counters_.restarts;
        associations_.erase(it);
    } else if (associations_.size() >= config_.max_associations) {
        ++counters_.refused_full;
        const SctpCause cause{sctp_cause::out_of_resource, {}};
        reply(peer, peer_port, s.local_address, local_port, s.peer_tag, sctp_chunks(16, [&](SctpChunkWriter& w) { w.abort(false, {&cause, 1}); }));
        return;
    }
    SctpEndpointConfig ec;
    ec.local_address = s.local_address;
    ec.peer_address = peer;
    ec.local_port = local_port;
    ec.peer_port = peer_port;
    ec.outbound_streams = s.outbound_streams;
    ec.max_inbound_streams = s.inbound_streams;
    ec.a_rwnd = config_.a_rwnd;
    ec.timers = config_.timers;
    ec.closed_loop = true;  // what it sends (answers to requests) must arrive
    auto [pos, inserted] = associations_.emplace(key, SctpAssociation::accept(ec, s, now_ms));
    ++counters_.cookies_accepted;
    if (!rest.empty()) pos->second.receive(vtag, rest, now_ms);  // DATA bundled with COOKIE ECHO
}

void SctpServer::tick(std::uint64_t now_ms) {
    for (auto& [k, a] : associations_) {
        if (a.next_timer_ms() <= now_ms) a.tick(now_ms);
    }
}

bool SctpServer::pop(SctpServerPacket& out) {
    if (!out_.empty()) {
        out = std::move(out_.front());
        out_.pop_front();
        return true;
    }
    for (auto& [k, a] : associations_) {
        if (a.pop(out.packet)) {
            out.peer = a.config().peer_address;
            out.local = a.config().local_address;
            out.peer_port = a.config().peer_port;
            out.local_port = a.config().local_port;
            return true;
        }
    }
    return false;
}

}  // namespace tg::proto
