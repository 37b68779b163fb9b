#include "traffic/tcp_clients.hpp"

#include <algorithm>
#include <random>

#include "proto/parse.hpp"
#include "proto/request.hpp"
#include "proto/tcp_segment.hpp"
#include "proto/test_header.hpp"

namespace tg::traffic {

TcpClientSet::TcpClientSet(const FlowSet& flows, const proto::L2Spec& l2, const proto::TcpTimers& timers,
                           const TcpSending& sending, std::uint64_t seed, std::uint64_t now_ms)
    : l2_(l2), sending_(sending), started_ms_(now_ms) {
    seq_.assign(flows.size(), 0);
    payload_.assign(std::max<std::uint32_t>(sending.payload_bytes, proto::test_header_size), 0);
    if (sending.request_response) {
        rr_ = std::make_unique<Transactions>(flows.size(), sending.rr);
        payload_.assign(std::max<std::size_t>(sending.rr.request_bytes, proto::request_min_bytes), 0);
    }
    for (std::size_t i = proto::test_header_size; i < payload_.size(); ++i) payload_[i] = static_cast<std::uint8_t>(i);
    std::mt19937_64 random(seed);
    connections_.reserve(flows.size());
    for (std::uint32_t f = 0; f < flows.size(); ++f) {
        const FlowTuple t = flows.at(f);
        proto::TcpEndpointConfig c;
        c.local_address = t.src;
        c.peer_address = t.dst;
        c.local_port = t.src_port;
        c.peer_port = t.dst_port;
        c.mss = sending.mss;
        c.closed_loop = sending.closed_loop;
        c.timers = timers;
        connections_.push_back(proto::TcpConnection::connect(c, static_cast<std::uint32_t>(random()), now_ms));
        flow_of_[flow_key(t.src, t.src_port, t.dst, t.dst_port)] = f;
    }
}

void TcpClientSet::offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms, std::uint64_t now_ns) {
    const proto::ParseResult r = proto::parse_frame(frame);
    const proto::PacketView& v = r.view;
    if (!r.status.ok() || v.tcp == nullptr) return;
    const auto it = flow_of_.find(flow_key(v.destination(), v.tcp->dst_port.get(), v.source(), v.tcp->src_port.get()));
    if (it == flow_of_.end()) return;
    proto::TcpSegmentIn s;
    if (proto::segment_of(v, s) != proto::ParseError::none) return;
    proto::TcpConnection& c = connections_[it->second];
    const bool was_established = c.established();
    c.receive(s, now_ms);
    if (!was_established && c.established()) last_established_ms_ = now_ms;
    // The whole response is in: the transaction is done.
    if (rr_ && !rr_->idle(it->second) && c.counters().bytes_in >= rr_->complete_at(it->second)) {
        rr_->complete(it->second, now_ns);
    }
}

void TcpClientSet::tick(std::uint64_t now_ms) {
    for (auto& c : connections_) {
        if (c.next_timer_ms() <= now_ms) c.tick(now_ms);
    }
}

std::size_t TcpClientSet::next_frame(std::span<std::uint8_t> out) {
    for (std::size_t n = 0; n < connections_.size(); ++n) {
        const std::size_t i = (cursor_ + n) % connections_.size();
        proto::TcpConnection& c = connections_[i];
        proto::TcpSegmentOut s;
        if (!c.pop(s)) continue;
        cursor_ = i;  // it may have more
        const proto::BuildResult r = proto::build_tcp_segment_frame(
            out, l2_, c.config().local_address, c.config().local_port, c.config().peer_address, c.config().peer_port, s);
        if (r.ok()) return r.layout.length;
    }
    return 0;
}

std::uint64_t TcpClientSet::fill_requests(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) {
    std::uint64_t given = 0;
    const std::size_t n = connections_.size();
    for (std::size_t k = 0; k < n && given < budget; ++k) {
        const std::size_t f = (fill_cursor_ + k) % n;
        proto::TcpConnection& c = connections_[f];
        if (!rr_->idle(f) || !c.can_send(payload_.size())) continue;
        proto::TestHeader h;
        h.flow_id = static_cast<std::uint32_t>(f);
        h.seq = seq_[f];
        h.tx_ns = now_ns;
        (void)proto::write_request(payload_, h, rr_->spec().response_bytes);
        if (!c.send(payload_, now_ms)) continue;
        ++seq_[f];
        rr_->start(f, now_ns, c.counters().bytes_in + rr_->spec().response_bytes);
        ++given;
        filled_bytes_ += payload_.size();
    }
    fill_cursor_ = n == 0 ? 0 : (fill_cursor_ + 1) % n;
    filled_ += given;
    return given;
}

std::uint64_t TcpClientSet::fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) {
    if (rr_) return fill_requests(now_ms, now_ns, budget);
    std::uint64_t given = 0;
    const std::size_t n = connections_.size();
    bool progress = true;
    while (given < budget && progress) {
        progress = false;
        for (std::size_t k = 0; k < n && given < budget; ++k) {
            const std::size_t f = (fill_cursor_ + k) % n;
            proto::TcpConnection& c = connections_[f];
            // The frames keep the size asked for: the options each segment carries come
            // out of its payload.
            const std::size_t options = c.timestamps_on() ? 12 : 0;
            const std::size_t len = std::min<std::size_t>(payload_.size() - std::min(options, payload_.size()), c.send_mss());
            if (len < proto::test_header_size || !c.can_send(len)) continue;
            proto::TestHeader h;
            h.flow_id = static_cast<std::uint32_t>(f);
            h.seq = seq_[f];
            h.tx_ns = now_ns;
            (void)proto::write_test_header(payload_, h);
            if (!c.send(std::span(payload_).first(len), now_ms)) continue;
            ++seq_[f];
            ++given;
            filled_bytes_ += len;
            progress = true;
        }
        fill_cursor_ = n == 0 ? 0 : (fill_cursor_ + 1) % n;
    }
    filled_ += given;
    return given;
}

bool TcpClientSet::all_acknowledged() const noexcept {
    for (std::size_t f = 0; f < connections_.size(); ++f) {
        const proto::TcpConnection& c = connections_[f];
        if (!c.finished() && (!c.sender().idle() || (rr_ && !rr_->idle(f)))) return false;
    }
    return true;
}

bool TcpClientSet::settled() const noexcept {
    return std::all_of(connections_.begin(), connections_.end(),
                       [](const auto& c) { return c.established() || c.finished(); });
}

bool TcpClientSet::ready() const noexcept {
    return std::all_of(connections_.begin(), connections_.end(), [](const auto& c) { return c.established(); });
}

bool TcpClientSet::any_established() const noexcept {
    return std::any_of(connections_.begin(), connections_.end(), [](const auto& c) { return c.established(); });
}

bool TcpClientSet::all_closed() const noexcept {
    return std::all_of(connections_.begin(), connections_.end(), [](const auto& c) { return c.finished(); });
}

void TcpClientSet::shutdown(std::uint64_t now_ms) {
    for (auto& c : connections_) c.shutdown(now_ms);
}

void TcpClientSet::abort_open(std::uint64_t now_ms) {
    // TIME-WAIT is a clean end that only waits: let it be.
    for (auto& c : connections_) {
        if (!c.finished() && c.state() != proto::TcpState::time_wait) c.abort(now_ms);
    }
}

const char* why_not_up(const proto::TcpConnection& c) noexcept {
    switch (c.failure()) {
        case proto::TcpFailure::none:
        case proto::TcpFailure::reset_sent:  // given up by this side when the set-up time ran out
        case proto::TcpFailure::syn_timeout: return "SYN timeout";
        default: return proto::to_string(c.failure());
    }
}

TcpClientSummary TcpClientSet::summary() const {
    TcpClientSummary s;
    s.requested = static_cast<std::uint32_t>(connections_.size());
    std::vector<std::uint64_t> setup;
    std::uint32_t refused = 0, flow = 0;
    for (const auto& c : connections_) {
        s.syns_sent += 1 + c.counters().syn_retransmits;
        const bool up = c.handshake_done();
        if (up) {
            ++s.syn_acks;
            setup.push_back(c.setup_ms());
            const auto f = c.failure();
            s.survival.add(flow, f == proto::TcpFailure::reset_received || f == proto::TcpFailure::peer_unreachable,
                           c.ack_progress());
        }
        ++flow;
        if (up) ++s.established;
        if (c.established()) ++s.up_at_end;
        if (!up) {
            ++s.failed[why_not_up(c)];
            if (c.failure() == proto::TcpFailure::refused) ++refused;
        } else if (c.finished()) {
            if (c.failure() == proto::TcpFailure::none) {
                ++s.closed_clean;
            } else {
                ++s.failed[proto::to_string(c.failure())];
            }
        }
        if (sending_.closed_loop && up) {
            const proto::TcpSender& tx = c.sender();
            auto& cl = s.closed_loop;
            cl.bytes_acked += c.bytes_acked();
            cl.retransmitted_segments += tx.counters().retransmitted_segments;
            cl.fast_retransmits += tx.counters().fast_retransmits;
            cl.rto_expiries += tx.counters().rto_expiries;
            cl.rtt_samples += tx.counters().rtt_samples;
            cl.cwnd_min = cl.cwnd_min == 0 ? tx.cwnd() : std::min(cl.cwnd_min, tx.cwnd());
            cl.cwnd_max = std::max(cl.cwnd_max, tx.cwnd());
            cl.srtt_ms_max = std::max(cl.srtt_ms_max, tx.srtt_ms());
        }
    }
    s.closed_loop.segments_sent = filled_;
    s.closed_loop.bytes_sent = filled_bytes_;
    s.setup = SetupTimes::of(setup, last_established_ms_ > started_ms_ ? last_established_ms_ - started_ms_ : 0);
    if (refused == s.requested && s.requested > 0) {
        s.verdict = "every connection was refused: " + std::to_string(refused) + " SYNs answered with RST (nothing listens on the port)";
    } else if (s.syn_acks == 0 && s.requested > 0) {
        s.verdict = "the peer never answered: " + std::to_string(s.syns_sent) + " SYNs for " +
                    std::to_string(s.requested) + " connections, no SYN-ACK (the path drops TCP, or nothing listens)";
    } else if (setup.size() < s.requested) {
        s.verdict = std::to_string(s.requested - setup.size()) + " of " + std::to_string(s.requested) +
                    " connections were never established";
    }
    return s;
}

}  // namespace tg::traffic
