#include "proto/tcp_listener.hpp"

#include "proto/tcp.hpp"

namespace tg::proto {

TcpListener::TcpListener(const TcpListenerConfig& config, std::uint64_t seed) : config_(config), random_(seed) {}

TcpListener::Key TcpListener::key_of(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port) {
    return {peer.family, peer.bytes16(), peer_port, local_port};
}

TcpConnection* TcpListener::find(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port) {
    const auto it = connections_.find(key_of(peer, peer_port, local_port));
    return it == connections_.end() ? nullptr : &it->second.connection;
}

bool TcpListener::send(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port,
                       std::span<const std::uint8_t> payload, std::uint64_t now_ms) {
    const Key k = key_of(peer, peer_port, local_port);
    const auto it = connections_.find(k);
    if (it == connections_.end() || !it->second.connection.send(payload, now_ms)) return false;
    mark(k, it->second);
    return true;
}

void TcpListener::mark(const Key& k, Entry& e) {
    if (e.pending) return;
    e.pending = true;
    pending_.push_back(k);
}

void TcpListener::fold(TcpServerTotals& t, const TcpConnection& c) {
    const TcpConnectionCounters& n = c.counters();
    if (c.handshake_done()) ++t.established;
    if (c.state() == TcpState::closed) {
        if (c.failure() == TcpFailure::none) {
            ++t.closed_clean;
        } else {
            ++t.failed[to_string(c.failure())];
        }
    }
    t.bytes_in += n.bytes_in;
    t.duplicate_bytes_in += n.duplicate_bytes_in;
    t.out_of_order_in += n.out_of_order_in;
    t.out_of_window_in += n.out_of_window_in;
    t.bad_ack_in += n.bad_ack_in;
    t.challenge_acks += n.challenge_acks;
    t.syn_retransmits += n.syn_retransmits;
    t.acks_out += n.acks_out;
}

TcpServerTotals TcpListener::totals() const {
    TcpServerTotals t = ended_;
    for (const auto& [k, e] : connections_) fold(t, e.connection);
    return t;
}

void TcpListener::reset_out_of_the_blue(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local,
                                        std::uint16_t local_port, const TcpSegmentIn& s) {
    ++counters_.out_of_the_blue;
    if (!config_.answer_out_of_the_blue || (s.flags & tcp_flag::rst)) return;
    TcpServerSegment r{peer, local, peer_port, local_port, {}};
    if (s.flags & tcp_flag::ack) {
        r.segment.seq = s.ack;
        r.segment.flags = tcp_flag::rst;
    } else {
        r.segment.ack = s.seq + static_cast<std::uint32_t>(s.payload.size()) + ((s.flags & tcp_flag::syn) ? 1 : 0) +
                        ((s.flags & tcp_flag::fin) ? 1 : 0);
        r.segment.flags = tcp_flag::rst | tcp_flag::ack;
    }
    ++counters_.resets_sent;
    resets_.push_back(r);
}

void TcpListener::receive(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local,
                          std::uint16_t local_port, const TcpSegmentIn& s, std::uint64_t now_ms) {
    const Key k = key_of(peer, peer_port, local_port);
    auto it = connections_.find(k);
    const bool syn_only = (s.flags & (tcp_flag::syn | tcp_flag::ack | tcp_flag::rst | tcp_flag::fin)) == tcp_flag::syn;
    if (it != connections_.end() && syn_only &&
        (it->second.connection.state() == TcpState::time_wait || it->second.connection.finished())) {
        fold(ended_, it->second.connection);  // RFC 9293 section 3.6.1: a new SYN may reopen
        ++counters_.reopened;
        it->second.connection = TcpConnection::accept(it->second.connection.config(), s,
                                                      static_cast<std::uint32_t>(random_()), now_ms);
        mark(k, it->second);
        return;
    }
    if (it != connections_.end()) {
        it->second.connection.receive(s, now_ms);
        mark(k, it->second);
        return;
    }
    if (!syn_only) {
        reset_out_of_the_blue(peer, peer_port, local, local_port, s);
        return;
    }
    if (connections_.size() >= config_.max_connections) {
        ++counters_.refused_full;
        const bool answer = config_.answer_out_of_the_blue;
        config_.answer_out_of_the_blue = true;
        reset_out_of_the_blue(peer, peer_port, local, local_port, s);
        config_.answer_out_of_the_blue = answer;
        --counters_.out_of_the_blue;
        return;
    }
    TcpEndpointConfig c;
    c.local_address = local;
    c.peer_address = peer;
    c.local_port = local_port;
    c.peer_port = peer_port;
    c.mss = config_.mss;
    c.window_scale = config_.window_scale;
    c.receive_window = config_.receive_window;
    c.sack = config_.sack;
    c.timestamps = config_.timestamps;
    c.close_on_peer_fin = true;
    c.closed_loop = true;  // what it sends (answers) must arrive
    c.timers = config_.timers;
    ++counters_.syns;
    auto [at, inserted] = connections_.emplace(
        k, Entry{TcpConnection::accept(c, s, static_cast<std::uint32_t>(random_()), now_ms), local, false});
    mark(k, at->second);
}

void TcpListener::tick(std::uint64_t now_ms) {
    for (auto it = connections_.begin(); it != connections_.end();) {
        Entry& e = it->second;
        if (e.connection.next_timer_ms() <= now_ms) {
            e.connection.tick(now_ms);
            mark(it->first, e);
        }
        if (e.connection.spent()) {
            fold(ended_, e.connection);
            it = connections_.erase(it);
        } else {
            ++it;
        }
    }
}

bool TcpListener::pop(TcpServerSegment& out) {
    if (!resets_.empty()) {
        out = resets_.front();
        resets_.pop_front();
        return true;
    }
    while (!pending_.empty()) {
        const auto it = connections_.find(pending_.front());
        if (it == connections_.end()) {
            pending_.pop_front();
            continue;
        }
        Entry& e = it->second;
        if (e.connection.pop(out.segment)) {
            const TcpEndpointConfig& c = e.connection.config();
            out.peer = c.peer_address;
            out.local = c.local_address;
            out.peer_port = c.peer_port;
            out.local_port = c.local_port;
            return true;
        }
        e.pending = false;
        pending_.pop_front();
    }
    return false;
}

}  // namespace tg::proto
