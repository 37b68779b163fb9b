#include "traffic/sctp_clients.hpp"

#include <algorithm>
#include <random>

#include "proto/parse.hpp"
#include "proto/request.hpp"
#include "proto/test_header.hpp"

namespace tg::traffic {

SctpClientSet::SctpClientSet(const FlowSet& flows, std::uint16_t streams, const proto::L2Spec& l2,
                             const proto::SctpTimers& timers, const SctpSending& sending, std::uint64_t seed,
                             std::uint64_t now_ms)
    : l2_(l2), sending_(sending), streams_(streams), started_ms_(now_ms) {
    seq_.assign(std::size_t{flows.size()} * streams, 0);
    next_stream_.assign(flows.size(), 0);
    payload_.assign(std::max<std::uint32_t>(sending.payload_bytes, proto::test_header_size), 0);
    if (sending.request_response) {
        rr_ = std::make_unique<Transactions>(flows.size(), sending.rr);
        payload_.assign(std::max<std::size_t>(sending.rr.request_bytes, proto::request_min_bytes), 0);
    }
    for (std::size_t i = proto::test_header_size; i < payload_.size(); ++i) payload_[i] = static_cast<std::uint8_t>(i);
    std::mt19937_64 random(seed);
    associations_.reserve(flows.size());
    for (std::uint32_t f = 0; f < flows.size(); ++f) {
        const FlowTuple t = flows.at(f);
        proto::SctpEndpointConfig c;
        c.local_address = t.src;
        c.peer_address = t.dst;
        c.local_port = t.src_port;
        c.peer_port = t.dst_port;
        c.outbound_streams = streams;
        c.max_inbound_streams = streams;
        c.timers = timers;
        c.closed_loop = sending.closed_loop;
        c.mtu = sending.mtu;
        std::uint32_t tag = 0;
        while (tag == 0) tag = static_cast<std::uint32_t>(random());
        const auto tsn = static_cast<std::uint32_t>(random());
        initial_tsn_.push_back(tsn);
        associations_.push_back(proto::SctpAssociation::connect(c, tag, tsn, now_ms));
        flow_of_[flow_key(t.src, t.src_port, t.dst, t.dst_port)] = f;
    }
}

void SctpClientSet::offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms, std::uint64_t now_ns) {
    const proto::ParseResult r = proto::parse_frame(frame);
    const proto::PacketView& v = r.view;
    if (!r.status.ok() || v.sctp == nullptr || v.payload_length < 4) return;
    const auto it = flow_of_.find(flow_key(v.destination(), v.sctp->dst_port.get(), v.source(), v.sctp->src_port.get()));
    if (it == flow_of_.end()) return;
    proto::SctpAssociation& a = associations_[it->second];
    const bool was_established = a.established();
    a.receive(v.sctp->verification_tag.get(), v.payload(), now_ms);
    if (!was_established && a.established()) last_established_ms_ = now_ms;
    // The whole response is in: the transaction is done.
    if (rr_ && !rr_->idle(it->second) && a.counters().data_bytes_in >= rr_->complete_at(it->second)) {
        rr_->complete(it->second, now_ns);
    }
}

void SctpClientSet::tick(std::uint64_t now_ms) {
    for (auto& a : associations_) {
        if (a.next_timer_ms() <= now_ms) a.tick(now_ms);
    }
}

std::size_t SctpClientSet::next_frame(std::span<std::uint8_t> out) {
    for (std::size_t n = 0; n < associations_.size(); ++n) {
        const std::size_t i = (cursor_ + n) % associations_.size();
        proto::SctpAssociation& a = associations_[i];
        proto::SctpPacketOut p;
        if (!a.pop(p)) continue;
        cursor_ = i;  // it may have more
        proto::L3Spec l3;
        l3.src = a.config().local_address;
        l3.dst = a.config().peer_address;
        const proto::SctpSpec sctp{a.config().local_port, a.config().peer_port, p.vtag};
        const proto::BuildResult r = proto::build_sctp_frame(out, l2_, l3, sctp, p.chunks);
        if (r.ok()) return r.layout.length;
    }
    return 0;
}

std::uint64_t SctpClientSet::fill_requests(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) {
    std::uint64_t given = 0;
    const std::size_t n = associations_.size();
    for (std::size_t k = 0; k < n && given < budget; ++k) {
        const std::size_t f = (fill_cursor_ + k) % n;
        proto::SctpAssociation& a = associations_[f];
        if (!rr_->idle(f) || !a.can_send(payload_.size())) continue;
        const std::uint16_t st = next_stream_[f];
        proto::TestHeader h;
        h.flow_id = static_cast<std::uint32_t>(f);
        h.stream_id = st;
        h.seq = seq_[f * streams_ + st];
        h.tx_ns = now_ns;
        (void)proto::write_request(payload_, h, rr_->spec().response_bytes);
        if (!a.send(st, sending_.ppid, payload_, now_ms)) continue;
        ++seq_[f * streams_ + st];
        next_stream_[f] = static_cast<std::uint16_t>(st + 1 >= a.outbound_streams() ? 0 : st + 1);
        rr_->start(f, now_ns, a.counters().data_bytes_in + rr_->spec().response_bytes);
        ++given;
    }
    fill_cursor_ = n == 0 ? 0 : (fill_cursor_ + 1) % n;
    filled_ += given;
    filled_bytes_ += given * payload_.size();
    return given;
}

std::uint64_t SctpClientSet::fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) {
    if (rr_) return fill_requests(now_ms, now_ns, budget);
    std::uint64_t given = 0;
    const std::size_t n = associations_.size();
    // Round robin over the associations, one chunk each per turn, so none starves the rest.
    bool progress = true;
    while (given < budget && progress) {
        progress = false;
        for (std::size_t k = 0; k < n && given < budget; ++k) {
            const std::size_t f = (fill_cursor_ + k) % n;
            proto::SctpAssociation& a = associations_[f];
            if (!a.can_send(payload_.size())) continue;
            const std::uint16_t st = next_stream_[f];
            proto::TestHeader h;
            h.flow_id = static_cast<std::uint32_t>(f);
            h.stream_id = st;
            h.seq = seq_[f * streams_ + st];
            h.tx_ns = now_ns;
            (void)proto::write_test_header(payload_, h);
            if (!a.send(st, sending_.ppid, payload_, now_ms)) continue;
            // Only a chunk that went takes a sequence number, or the sink would see a gap.
            ++seq_[f * streams_ + st];
            next_stream_[f] = static_cast<std::uint16_t>(st + 1 >= a.outbound_streams() ? 0 : st + 1);
            ++given;
            progress = true;
        }
        fill_cursor_ = n == 0 ? 0 : (fill_cursor_ + 1) % n;
    }
    filled_ += given;
    filled_bytes_ += given * payload_.size();
    return given;
}

bool SctpClientSet::all_acknowledged() const noexcept {
    // An association that ended (failed) acknowledges nothing more: it is not waited for.
    for (std::size_t f = 0; f < associations_.size(); ++f) {
        const proto::SctpAssociation& a = associations_[f];
        if (a.state() != proto::SctpState::closed && (!a.sender().idle() || (rr_ && !rr_->idle(f)))) return false;
    }
    return true;
}

void SctpClientSet::abort_open(std::uint64_t now_ms) {
    for (auto& a : associations_) {
        if (a.state() != proto::SctpState::closed) a.abort(now_ms);
    }
}

bool SctpClientSet::any_established() const noexcept {
    return std::any_of(associations_.begin(), associations_.end(), [](const auto& a) { return a.established(); });
}

bool SctpClientSet::settled() const noexcept {
    return std::all_of(associations_.begin(), associations_.end(), [](const auto& a) {
        return a.established() || a.state() == proto::SctpState::closed;
    });
}

bool SctpClientSet::all_established() const noexcept {
    return std::all_of(associations_.begin(), associations_.end(), [](const auto& a) { return a.established(); });
}

bool SctpClientSet::ready() const noexcept {
    return std::all_of(associations_.begin(), associations_.end(),
                       [this](const auto& a) { return a.established() && a.outbound_streams() >= streams_; });
}

bool SctpClientSet::all_closed() const noexcept {
    return std::all_of(associations_.begin(), associations_.end(),
                       [](const auto& a) { return a.state() == proto::SctpState::closed; });
}

void SctpClientSet::shutdown(std::uint64_t now_ms) {
    for (auto& a : associations_) a.shutdown(now_ms);
}

const char* why_not_up(const proto::SctpAssociation& a) noexcept {
    switch (a.failure()) {
        case proto::SctpFailure::none:
        case proto::SctpFailure::abort_sent:  // given up by this side when the set-up time ran out
        case proto::SctpFailure::init_timeout:
        case proto::SctpFailure::cookie_timeout: return a.peer_tag() == 0 ? "no INIT ACK" : "no COOKIE ACK";
        default: return proto::to_string(a.failure());
    }
}

SctpClientSummary SctpClientSet::summary() const {
    SctpClientSummary s;
    s.requested = static_cast<std::uint32_t>(associations_.size());
    std::vector<std::uint64_t> setup;
    for (std::size_t i = 0; i < associations_.size(); ++i) {
        const auto& a = associations_[i];
        const auto& c = a.counters();
        s.inits_sent += 1 + c.init_retransmits + c.stale_cookie_errors;
        if (a.peer_tag() != 0) ++s.init_acks;
        s.sacks_in += c.sacks_in;
        if (sending_.closed_loop) {
            const proto::SctpSender& tx = a.sender();
            auto& cl = s.closed_loop;
            cl.chunks_acked += tx.counters().chunks_acked;
            cl.bytes_acked += tx.counters().bytes_acked;
            cl.retransmitted_chunks += tx.counters().retransmitted_chunks;
            cl.fast_retransmits += tx.counters().fast_retransmits;
            cl.t3_expiries += tx.counters().t3_expiries;
            cl.rtt_samples += tx.counters().rtt_samples;
            if (a.handshake_done()) {
                cl.cwnd_min = cl.cwnd_min == 0 ? tx.cwnd() : std::min(cl.cwnd_min, tx.cwnd());
                cl.cwnd_max = std::max(cl.cwnd_max, tx.cwnd());
            }
            cl.srtt_ms_max = std::max(cl.srtt_ms_max, tx.srtt_ms());
            const auto& per = tx.stream_bytes_acked();
            if (cl.stream_bytes_acked.size() < per.size()) cl.stream_bytes_acked.resize(per.size(), 0);
            for (std::size_t st = 0; st < per.size(); ++st) cl.stream_bytes_acked[st] += per[st];
        }
        s.data_acked += a.peer_cumulative_ack() - (initial_tsn_[i] - 1);
        const bool got_up = a.handshake_done();
        if (got_up) setup.push_back(a.setup_ms());
        if (got_up) ++s.established;
        if (a.established()) ++s.up_at_end;
        if (got_up) {
            const auto f = a.failure();
            const bool failed = f == proto::SctpFailure::abort_received || f == proto::SctpFailure::peer_unreachable;
            s.survival.add(static_cast<std::uint32_t>(i), failed, a.ack_progress());
        }
        if (!got_up) {
            ++s.failed[why_not_up(a)];
        } else if (a.state() == proto::SctpState::closed) {
            if (a.failure() == proto::SctpFailure::none) {
                ++s.shut_down;
            } else {
                ++s.failed[proto::to_string(a.failure())];
            }
        }
    }
    s.closed_loop.chunks_sent = filled_;
    s.closed_loop.bytes_sent = filled_bytes_;
    s.setup = SetupTimes::of(setup, last_established_ms_ > started_ms_ ? last_established_ms_ - started_ms_ : 0);
    if (s.init_acks == 0 && s.requested > 0) {
        s.verdict = "the peer never answered: " + std::to_string(s.inits_sent) + " INITs for " +
                    std::to_string(s.requested) + " associations, no INIT ACK (the path drops SCTP, or nothing listens)";
    } else if (setup.size() < s.requested) {
        s.verdict = std::to_string(s.requested - setup.size()) + " of " + std::to_string(s.requested) +
                    " associations were never established";
    }
    return s;
}

}  // namespace tg::traffic
