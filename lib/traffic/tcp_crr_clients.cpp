#include "traffic/tcp_crr_clients.hpp"

#include <algorithm>

#include "traffic/config_error.hpp"
#include "proto/parse.hpp"
#include "proto/request.hpp"
#include "proto/tcp_segment.hpp"
#include "proto/test_header.hpp"

namespace tg::traffic {

TcpCrrClientSet::TcpCrrClientSet(const FlowSet& flows, const PortRange& source_ports, const proto::L2Spec& l2,
                                 const proto::TcpTimers& timers, const TcpSending& sending, std::uint64_t seed,
                                 std::uint64_t now_ms, std::uint64_t now_ns)
    : l2_(l2), timers_(timers), sending_(sending), random_(seed), rr_(flows.size(), sending.rr), started_ms_(now_ms) {
    check_ports(flows, source_ports);
    ports_per_slot_ = source_ports.count / flows.size();
    payload_.assign(std::max<std::size_t>(sending.rr.request_bytes, proto::request_min_bytes), 0);
    for (std::size_t i = proto::test_header_size; i < payload_.size(); ++i) payload_[i] = static_cast<std::uint8_t>(i);
    slots_.resize(flows.size());
    requests_.assign(flows.size(), 0);
    for (std::uint32_t s = 0; s < flows.size(); ++s) {
        slots_[s].tuple = flows.at(s);
        slots_[s].first_port = source_ports.first + s * ports_per_slot_;
    }
    active_.reserve(flows.size() * 2);
    for (std::uint32_t s = 0; s < slots_.size(); ++s) (void)open(s, now_ms, now_ns);
}

void TcpCrrClientSet::check_ports(const FlowSet& flows, const PortRange& source_ports) {
    if (source_ports.count < flows.size()) {
        throw ConfigError("--src-port " + source_ports.to_string() + " gives " + std::to_string(source_ports.count) +
                          " ports for " + std::to_string(flows.size()) +
                          " connections at once: each needs a port of its own, give a wider range");
    }
}

bool TcpCrrClientSet::open(std::uint32_t slot, std::uint64_t now_ms, std::uint64_t now_ns) {
    Slot& sl = slots_[slot];
    const auto local = sl.tuple.src.bytes16();
    const auto peer = sl.tuple.dst.bytes16();
    for (std::uint32_t tries = 0; tries < ports_per_slot_; ++tries) {
        const auto port = static_cast<std::uint16_t>(sl.first_port + sl.next % ports_per_slot_);
        ++sl.next;
        const Key key{port, sl.tuple.dst_port, local, peer};
        if (const auto old = live_.find(key); old != live_.end()) {
            if (old->second.active_at != none) continue;  // still closing: the next port
            ++tw_reused_;
            forget(old);
        }
        proto::TcpEndpointConfig c;
        c.local_address = sl.tuple.src;
        c.peer_address = sl.tuple.dst;
        c.local_port = port;
        c.peer_port = sl.tuple.dst_port;
        c.mss = sending_.mss;
        c.closed_loop = true;
        c.timers = timers_;
        Live l{proto::TcpConnection::connect(c, static_cast<std::uint32_t>(random_()), now_ms)};
        l.id = next_id_++;
        l.slot = slot;
        l.syn_ns = now_ns;
        l.current = true;
        const auto it = live_.emplace(key, std::move(l)).first;
        active_.push_back(it);
        it->second.active_at = active_.size() - 1;
        sl.current = &it->second;
        ++opened_;
        // The transaction runs from the SYN; its response is the new connection's first bytes.
        rr_.start(slot, now_ns, rr_.spec().response_bytes);
        return true;
    }
    ++ports_busy_;
    return false;
}

void TcpCrrClientSet::send_request(Live& l, std::uint64_t now_ms, std::uint64_t now_ns) {
    if (!l.connection.can_send(payload_.size())) return;
    proto::TestHeader h;
    h.flow_id = l.slot;
    // The flow's requests are numbered as they go, so that the sink sees no gap where a
    // connection failed before its request.
    h.seq = requests_[l.slot];
    h.tx_ns = now_ns;
    (void)proto::write_request(payload_, h, rr_.spec().response_bytes);
    l.request_sent = l.connection.send(payload_, now_ms);
    if (l.request_sent) ++requests_[l.slot];
}

void TcpCrrClientSet::follow(Live& l, std::uint64_t now_ms, std::uint64_t now_ns) {
    if (!l.current) return;
    Slot& sl = slots_[l.slot];
    proto::TcpConnection& c = l.connection;
    if (c.finished()) {
        // Refused, reset, never answered: the transaction is lost and the slot dials again.
        rr_.abandon(l.slot);
        l.current = false;
        sl.current = nullptr;
        sl.first_done = true;
        return;
    }
    if (!c.handshake_done()) return;
    if (!sl.ever_up) sl.ever_up = true;
    if (!l.request_sent) {
        sl.first_done = true;
        setup_.record(now_ns > l.syn_ns ? now_ns - l.syn_ns : 0);
        last_established_ms_ = now_ms;
        if (shut_) {
            // Up after the run ended: no request, a clean close (an abort in SYN-SENT would
            // leave the peer half open).
            rr_.abandon(l.slot);
            c.shutdown(now_ms);
            l.current = false;
            sl.current = nullptr;
            return;
        }
        send_request(l, now_ms, now_ns);
        return;
    }
    if (c.counters().bytes_in >= rr_.complete_at(l.slot)) {
        rr_.complete(l.slot, now_ns);
        c.shutdown(now_ms);
        l.current = false;
        sl.current = nullptr;
    }
}

void TcpCrrClientSet::offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms, std::uint64_t now_ns) {
    const proto::ParseResult r = proto::parse_frame(frame);
    const proto::PacketView& v = r.view;
    if (!r.status.ok() || v.tcp == nullptr) return;
    const auto it = live_.find(Key{v.tcp->dst_port.get(), v.tcp->src_port.get(), v.destination().bytes16(),
                                   v.source().bytes16()});
    if (it == live_.end()) return;
    proto::TcpSegmentIn s;
    if (proto::segment_of(v, s) != proto::ParseError::none) return;
    last_ns_ = now_ns;
    Live& l = it->second;
    // A FIN sent again to a connection in TIME-WAIT: it answers, so it is walked again.
    if (l.active_at == none) activate(it);
    const bool had_request = l.request_sent;
    l.connection.receive(s, now_ms);
    follow(l, now_ms, now_ns);
    // The handshake and the request can both be done by one segment's arrival.
    if (!had_request && l.request_sent) follow(l, now_ms, now_ns);
}

void TcpCrrClientSet::tick(std::uint64_t now_ms) {
    for (const LiveMap::iterator& it : active_) {
        Live& l = it->second;
        if (l.connection.next_timer_ms() > now_ms) continue;
        l.connection.tick(now_ms);
        if (l.connection.finished()) follow(l, now_ms, last_ns_);
        // A request that found no room when the handshake ended.
        if (l.current && l.connection.handshake_done() && !l.request_sent && !l.connection.finished()) {
            send_request(l, now_ms, last_ns_);
        }
    }
    while (!time_wait_.empty() && std::get<0>(time_wait_.front()) <= now_ms) {
        const auto [due, id, key] = time_wait_.front();
        time_wait_.pop_front();
        const auto it = live_.find(key);
        // Its port may have been taken over since, or it may be answering a FIN again.
        if (it != live_.end() && it->second.id == id && it->second.active_at == none) forget(it);
    }
}

std::size_t TcpCrrClientSet::next_frame(std::span<std::uint8_t> out) {
    std::size_t looked = 0;
    while (looked < active_.size()) {
        if (cursor_ >= active_.size()) cursor_ = 0;
        const LiveMap::iterator it = active_[cursor_];
        proto::TcpConnection& c = it->second.connection;
        proto::TcpSegmentOut s;
        if (c.pop(s)) {
            const proto::BuildResult r = proto::build_tcp_segment_frame(
                out, l2_, c.config().local_address, c.config().local_port, c.config().peer_address,
                c.config().peer_port, s);
            if (r.ok()) return r.layout.length;
            continue;
        }
        // Nothing more to send: a connection in TIME-WAIT waits in the queue, one that
        // ended is forgotten. Either way the last of active_ takes its place.
        if (c.state() == proto::TcpState::time_wait) {
            to_time_wait(it);
        } else if (c.spent()) {
            forget(it);
        } else {
            ++cursor_;
            ++looked;
        }
    }
    return 0;
}

std::uint64_t TcpCrrClientSet::fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) {
    if (shut_) return 0;
    last_ns_ = now_ns;
    std::uint64_t given = 0;
    const std::size_t n = slots_.size();
    for (std::size_t k = 0; k < n && given < budget; ++k) {
        const auto s = static_cast<std::uint32_t>((fill_cursor_ + k) % n);
        if (slots_[s].current != nullptr || !rr_.idle(s)) continue;
        if (open(s, now_ms, now_ns)) ++given;
    }
    fill_cursor_ = n == 0 ? 0 : (fill_cursor_ + 1) % n;
    return given;
}

void TcpCrrClientSet::activate(LiveMap::iterator it) {
    active_.push_back(it);
    it->second.active_at = active_.size() - 1;
}

void TcpCrrClientSet::deactivate(Live& l) {
    if (l.active_at == none) return;
    const std::size_t at = l.active_at;
    active_[at] = active_.back();
    active_[at]->second.active_at = at;
    active_.pop_back();
    l.active_at = none;
}

void TcpCrrClientSet::to_time_wait(LiveMap::iterator it) {
    // Its TIME-WAIT timer says when it ends; they all last the same, so the queue stays in order.
    deactivate(it->second);
    time_wait_.emplace_back(it->second.connection.next_timer_ms(), it->second.id, it->first);
}

void TcpCrrClientSet::forget(LiveMap::iterator it) {
    Live& l = it->second;
    if (l.current) {
        rr_.abandon(l.slot);
        slots_[l.slot].current = nullptr;
    }
    deactivate(l);
    fold(ended_, l.connection);
    live_.erase(it);
}

void TcpCrrClientSet::fold(TcpClientSummary& s, const proto::TcpConnection& c) {
    s.syns_sent += 1 + c.counters().syn_retransmits;
    if (c.handshake_done()) {
        ++s.syn_acks;
        ++s.established;
    }
    if (c.established()) ++s.up_at_end;
    // TIME-WAIT is a clean end that only waits.
    if (!c.handshake_done()) {
        if (c.finished() || c.state() == proto::TcpState::syn_sent) ++s.failed[why_not_up(c)];
    } else if (c.failure() == proto::TcpFailure::none && (c.finished() || c.state() == proto::TcpState::time_wait)) {
        ++s.closed_clean;
    } else if (c.finished()) {
        ++s.failed[proto::to_string(c.failure())];
    }
    if (c.handshake_done()) {
        const proto::TcpSender& tx = c.sender();
        auto& cl = s.closed_loop;
        cl.bytes_acked += c.bytes_acked();
        cl.bytes_sent += c.counters().bytes_out;
        cl.segments_sent += c.counters().data_segments_out;
        cl.retransmitted_segments += tx.counters().retransmitted_segments;
        cl.fast_retransmits += tx.counters().fast_retransmits;
        cl.rto_expiries += tx.counters().rto_expiries;
        cl.rtt_samples += tx.counters().rtt_samples;
        cl.srtt_ms_max = std::max(cl.srtt_ms_max, tx.srtt_ms());
        cl.cwnd_min = cl.cwnd_min == 0 ? tx.cwnd() : std::min(cl.cwnd_min, tx.cwnd());
        cl.cwnd_max = std::max(cl.cwnd_max, tx.cwnd());
    }
}

bool TcpCrrClientSet::settled() const noexcept {
    return std::all_of(slots_.begin(), slots_.end(), [](const Slot& s) { return s.first_done; });
}

bool TcpCrrClientSet::ready() const noexcept {
    return std::all_of(slots_.begin(), slots_.end(), [](const Slot& s) { return s.ever_up; });
}

bool TcpCrrClientSet::any_established() const noexcept {
    return std::any_of(slots_.begin(), slots_.end(), [](const Slot& s) { return s.ever_up; });
}

bool TcpCrrClientSet::all_closed() const noexcept {
    if (!shut_) return false;
    return std::all_of(active_.begin(), active_.end(), [](const LiveMap::iterator& it) {
        const proto::TcpConnection& c = it->second.connection;
        return c.finished() || c.state() == proto::TcpState::time_wait;
    });
}

void TcpCrrClientSet::shutdown(std::uint64_t now_ms) {
    shut_ = true;
    // A transaction still in flight ends with its connection; one still in SYN-SENT
    // closes once it is up (follow()).
    for (const LiveMap::iterator& it : active_) {
        if (it->second.connection.state() != proto::TcpState::syn_sent) it->second.connection.shutdown(now_ms);
    }
}

void TcpCrrClientSet::abort_open(std::uint64_t now_ms) {
    for (const LiveMap::iterator& it : active_) {
        proto::TcpConnection& c = it->second.connection;
        if (!c.finished() && c.state() != proto::TcpState::time_wait) c.abort(now_ms);
    }
}

TcpCrrSummary TcpCrrClientSet::summary() const {
    TcpCrrSummary s;
    s.connections = ended_;
    for (const auto& [key, l] : live_) fold(s.connections, l.connection);
    s.connections.requested = static_cast<std::uint32_t>(slots_.size());
    s.connections.setup = setup_.times(last_established_ms_ > started_ms_ ? last_established_ms_ - started_ms_ : 0);
    s.opened = opened_;
    s.tw_reused = tw_reused_;
    s.ports_busy = ports_busy_;
    s.ports_per_slot = ports_per_slot_;
    const TcpClientSummary& c = s.connections;
    std::uint64_t refused = 0;
    if (const auto it = c.failed.find(proto::to_string(proto::TcpFailure::refused)); it != c.failed.end()) refused = it->second;
    if (refused == s.opened && s.opened > 0) {
        s.connections.verdict = "every connection was refused: " + std::to_string(refused) +
                                " SYNs answered with RST (nothing listens on the port)";
    } else if (c.syn_acks == 0 && s.opened > 0) {
        s.connections.verdict = "the peer never answered: " + std::to_string(c.syns_sent) + " SYNs for " +
                                std::to_string(s.opened) + " connections, no SYN-ACK (the path drops TCP, or nothing listens)";
    } else if (c.syn_acks < s.opened) {
        // The connections still in SYN-SENT at the end are not failures yet.
        std::uint64_t failed = 0;
        for (const auto& [reason, n] : c.failed) {
            if (reason == proto::to_string(proto::TcpFailure::syn_timeout) ||
                reason == proto::to_string(proto::TcpFailure::refused)) {
                failed += n;
            }
        }
        if (failed > 0) {
            s.connections.verdict = std::to_string(failed) + " of " + std::to_string(s.opened) +
                                    " connections were never established";
        }
    }
    return s;
}

std::string TcpCrrClientSet::verdict() const { return summary().connections.verdict; }

}  // namespace tg::traffic
