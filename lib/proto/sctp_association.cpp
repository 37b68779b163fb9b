#include "proto/sctp_association.hpp"

#include <algorithm>

#include "proto/byte_order.hpp"
#include "proto/sctp_build.hpp"
#include "proto/sctp_parse.hpp"

namespace tg::proto {

namespace {

constexpr std::uint64_t never = ~std::uint64_t{0};
constexpr std::size_t max_gaps_per_sack = 32;

// The highest TSN a SACK says the peer holds: its cumulative ack, or past it the end of
// its furthest gap block.
std::uint32_t highest_acknowledged(const SctpSackView& s) noexcept {
    std::uint32_t highest = s.cumulative_tsn_ack;
    for (std::size_t i = 0; i < s.gap_count; ++i) {
        const SctpGap g = s.gap(i);
        if (g.start == 0 || g.end < g.start) continue;
        if (tsn_after(s.cumulative_tsn_ack + g.end, highest)) highest = s.cumulative_tsn_ack + g.end;
    }
    return highest;
}

std::string describe_causes(const char* what, std::span<const std::uint8_t> causes) {
    std::string s = what;
    SctpTlvReader r(causes);
    SctpTlvView c;
    while (r.next(c)) s += std::string(s.size() == std::string(what).size() ? ": " : ", ") + "cause " + std::to_string(c.type);
    return s;
}

}  // namespace

const char* to_string(SctpState s) noexcept {
    switch (s) {
        case SctpState::closed: return "closed";
        case SctpState::cookie_wait: return "cookie-wait";
        case SctpState::cookie_echoed: return "cookie-echoed";
        case SctpState::established: return "established";
        case SctpState::shutdown_pending: return "shutdown-pending";
        case SctpState::shutdown_sent: return "shutdown-sent";
        case SctpState::shutdown_received: return "shutdown-received";
        case SctpState::shutdown_ack_sent: return "shutdown-ack-sent";
    }
    return "unknown";
}

const char* to_string(SctpFailure f) noexcept {
    switch (f) {
        case SctpFailure::none: return "none";
        case SctpFailure::init_timeout: return "INIT timeout";
        case SctpFailure::cookie_timeout: return "COOKIE ECHO timeout";
        case SctpFailure::cookie_rejected: return "cookie rejected";
        case SctpFailure::abort_received: return "ABORT received";
        case SctpFailure::peer_unreachable: return "peer unreachable";
        case SctpFailure::shutdown_timeout: return "SHUTDOWN timeout";
        case SctpFailure::abort_sent: return "ABORT sent";
    }
    return "unknown";
}

SctpAssociation SctpAssociation::connect(const SctpEndpointConfig& config, std::uint32_t initiate_tag,
                                         std::uint32_t initial_tsn, std::uint64_t now_ms) {
    SctpAssociation a(config);
    a.local_tag_ = initiate_tag;
    a.local_initial_tsn_ = initial_tsn;
    a.next_tsn_ = initial_tsn;
    a.peer_cum_ack_ = initial_tsn - 1;
    a.started_ms_ = now_ms;
    a.state_ = SctpState::cookie_wait;
    a.rto_ms_ = config.timers.rto_initial_ms;
    a.send_init();
    a.arm(Timer::init, now_ms);
    return a;
}

SctpAssociation SctpAssociation::accept(const SctpEndpointConfig& config, const SctpCookieState& c,
                                        std::uint64_t now_ms) {
    SctpAssociation a(config);
    a.local_tag_ = c.local_tag;
    a.peer_tag_ = c.peer_tag;
    a.local_initial_tsn_ = c.local_tsn;
    a.next_tsn_ = c.local_tsn;
    a.peer_cum_ack_ = c.local_tsn - 1;
    a.peer_rwnd_ = c.peer_rwnd;
    a.out_streams_ = c.outbound_streams;
    a.in_streams_ = c.inbound_streams;
    a.next_ssn_.assign(a.out_streams_, 0);
    a.stream_in_.assign(a.in_streams_, 0);
    a.stream_bytes_in_.assign(a.in_streams_, 0);
    a.tsns_ = SctpTsnTracker(c.peer_tsn);
    a.started_ms_ = now_ms;
    a.state_ = SctpState::established;
    a.rto_ms_ = config.timers.rto_initial_ms;
    a.queue(a.peer_tag_, sctp_chunks(8, [](SctpChunkWriter& w) { w.cookie_ack(); }));
    a.established_at(now_ms);
    return a;
}

void SctpAssociation::established_at(std::uint64_t now_ms) {
    handshake_done_ = true;
    if (config_.timers.heartbeat_interval_ms > 0) heartbeat_due_ms_ = now_ms + config_.timers.heartbeat_interval_ms;
    if (config_.closed_loop) {
        sender_.start(next_tsn_, peer_rwnd_, config_.mtu, config_.timers.rto_initial_ms, config_.timers.rto_min_ms,
                      config_.timers.rto_max_ms);
    }
}

void SctpAssociation::queue(std::uint32_t vtag, std::vector<std::uint8_t> chunks) {
    out_.push_back({vtag, std::move(chunks)});
}

bool SctpAssociation::pop(SctpPacketOut& out) {
    if (out_.empty()) return false;
    out = std::move(out_.front());
    out_.pop_front();
    ++counters_.packets_out;
    return true;
}

void SctpAssociation::send_init() {
    const std::uint16_t types[] = {config_.local_address.is_v4() ? sctp_param::ipv4_address : sctp_param::ipv6_address};
    SctpInitSpec spec;
    spec.initiate_tag = local_tag_;
    spec.a_rwnd = config_.a_rwnd;
    spec.outbound_streams = config_.outbound_streams;
    spec.inbound_streams = config_.max_inbound_streams;
    spec.initial_tsn = local_initial_tsn_;
    spec.supported_address_types = types;
    queue(0, sctp_chunks(64, [&](SctpChunkWriter& w) { w.init(spec); }));
}

void SctpAssociation::arm(Timer t, std::uint64_t now_ms) {
    timer_ = t;
    timer_at_ms_ = t == Timer::none ? never : now_ms + rto_ms_;
}

void SctpAssociation::fail(SctpFailure f) {
    state_ = SctpState::closed;
    failure_ = f;
    arm(Timer::none, 0);
    sack_due_ms_ = never;
    heartbeat_due_ms_ = never;
}

void SctpAssociation::close_clean() { fail(SctpFailure::none); }

bool SctpAssociation::vtag_ok(std::uint32_t vtag, std::span<const std::uint8_t> chunks) const noexcept {
    SctpChunkReader r(chunks);
    SctpChunkView first;
    if (!r.next(first)) return false;
    if (first.type == sctp_chunk::init) return vtag == 0;
    // ABORT and SHUTDOWN COMPLETE with the T bit carry the tag of the side that sent them.
    const bool reflected = (first.type == sctp_chunk::abort || first.type == sctp_chunk::shutdown_complete) &&
                           (first.flags & sctp_flag_t) != 0;
    return reflected ? vtag == peer_tag_ && peer_tag_ != 0 : vtag == local_tag_;
}

void SctpAssociation::receive(std::uint32_t vtag, std::span<const std::uint8_t> chunks, std::uint64_t now_ms) {
    ++counters_.packets_in;
    if (state_ == SctpState::closed) return;
    if (!vtag_ok(vtag, chunks)) {
        ++counters_.bad_vtag;
        return;
    }
    SctpChunkReader r(chunks);
    SctpChunkView c;
    const std::uint64_t data_before = counters_.data_in + counters_.duplicate_tsns_in;
    bool urgent_sack = false;
    while (state_ != SctpState::closed && r.next(c)) {
        if (c.type == sctp_chunk::abort) {
            peer_reason_ = describe_causes("ABORT", c.value);
            fail(SctpFailure::abort_received);
            return;
        }
        switch (state_) {
            case SctpState::cookie_wait:
                if (c.type == sctp_chunk::init_ack) {
                    SctpInitView init;
                    if (parse_sctp_init(c, init) != ParseError::none) break;
                    SctpTlvReader params(init.params);
                    SctpTlvView p;
                    cookie_.clear();
                    while (params.next(p)) {
                        if (p.type == sctp_param::state_cookie) cookie_.assign(p.value.begin(), p.value.end());
                    }
                    if (cookie_.empty()) break;  // an INIT ACK without a cookie cannot go on
                    peer_tag_ = init.initiate_tag;
                    peer_rwnd_ = init.a_rwnd;
                    out_streams_ = std::min(config_.outbound_streams, init.inbound_streams);
                    in_streams_ = std::min(config_.max_inbound_streams, init.outbound_streams);
                    next_ssn_.assign(out_streams_, 0);
                    stream_in_.assign(in_streams_, 0);
                    stream_bytes_in_.assign(in_streams_, 0);
                    tsns_ = SctpTsnTracker(init.initial_tsn);
                    queue(peer_tag_, sctp_chunks(cookie_.size() + 8, [&](SctpChunkWriter& w) { w.cookie_echo(cookie_); }));
                    state_ = SctpState::cookie_echoed;
                    rto_ms_ = config_.timers.rto_initial_ms;
                    retries_ = 0;
                    arm(Timer::cookie, now_ms);
                }
                break;
            case SctpState::cookie_echoed:
                if (c.type == sctp_chunk::cookie_ack) {
                    state_ = SctpState::established;
                    setup_ms_ = now_ms - started_ms_;
                    arm(Timer::none, now_ms);
                    established_at(now_ms);
                } else if (c.type == sctp_chunk::error) {
                    SctpTlvReader causes(c.value);
                    SctpTlvView cause;
                    while (causes.next(cause)) {
                        if (cause.type != sctp_cause::stale_cookie) continue;
                        // RFC 9260 section 5.2.6: start over with a new INIT.
                        ++counters_.stale_cookie_errors;
                        if (++retries_ > config_.timers.max_init_retransmits) {
                            peer_reason_ = "the peer found every cookie stale";
                            fail(SctpFailure::cookie_rejected);
                            return;
                        }
                        state_ = SctpState::cookie_wait;
                        peer_tag_ = 0;
                        send_init();
                        arm(Timer::init, now_ms);
                        break;
                    }
                } else {
                    on_chunk_established(c, now_ms);  // DATA bundled early is not ours yet: ignored there
                }
                break;
            default:
                on_chunk_established(c, now_ms);
                if (c.type == sctp_chunk::data && tsns_.has_gaps()) urgent_sack = true;
                break;
        }
    }
    const std::uint64_t data_now = counters_.data_in + counters_.duplicate_tsns_in;
    if (data_now != data_before && state_ != SctpState::closed) {
        // RFC 9260 section 6.2: a SACK for every second packet with DATA, at once when
        // something is missing or repeated, else within the delay.
        if (!tsns_.duplicates().empty()) urgent_sack = true;
        if (urgent_sack || ++unacked_packets_ >= 2) send_sack();
        else if (sack_due_ms_ == never) sack_due_ms_ = now_ms + config_.timers.sack_delay_ms;
    }
}

void SctpAssociation::on_chunk_established(const SctpChunkView& c, std::uint64_t now_ms) {
    const bool open = state_ == SctpState::established || state_ == SctpState::shutdown_pending ||
                      state_ == SctpState::shutdown_sent;
    switch (c.type) {
        case sctp_chunk::data: {
            SctpDataView d;
            if (!open || parse_sctp_data(c, d) != ParseError::none) return;
            switch (tsns_.receive(d.tsn)) {
                case SctpTsnTracker::Arrival::in_order:
                case SctpTsnTracker::Arrival::out_of_order:
                    ++counters_.data_in;
                    counters_.data_bytes_in += d.user_data.size();
                    if (d.stream_id < in_streams_) {
                        ++stream_in_[d.stream_id];
                        stream_bytes_in_[d.stream_id] += d.user_data.size();
                    } else {
                        ++counters_.invalid_stream_in;
                        std::uint8_t info[4];
                        store_be16(info, d.stream_id);
                        store_be16(info + 2, 0);
                        const SctpCause cause{sctp_cause::invalid_stream_id, info};
                        queue(peer_tag_, sctp_chunks(16, [&](SctpChunkWriter& w) { w.error({&cause, 1}); }));
                    }
                    break;
                case SctpTsnTracker::Arrival::duplicate: ++counters_.duplicate_tsns_in; break;
                case SctpTsnTracker::Arrival::beyond_window: break;
            }
            return;
        }
        case sctp_chunk::sack: {
            SctpSackView s;
            if (parse_sctp_sack(c, s) != ParseError::none) return;
            ++counters_.sacks_in;
            ack_progress_.reached(highest_acknowledged(s), now_ms);
            if (config_.closed_loop) {
                sender_.on_sack(s, now_ms);
                peer_cum_ack_ = sender_.cumulative_ack();
                peer_rwnd_ = sender_.peer_rwnd();
                resend_due(now_ms);
                if (state_ == SctpState::shutdown_pending && sender_.idle()) send_shutdown(now_ms);
                return;
            }
            if (tsn_after(s.cumulative_tsn_ack, peer_cum_ack_) &&
                (external_data_ || !tsn_after(s.cumulative_tsn_ack, next_tsn_ - 1))) {
                peer_cum_ack_ = s.cumulative_tsn_ack;
            }
            peer_rwnd_ = s.a_rwnd;
            return;
        }
        case sctp_chunk::heartbeat: {
            std::span<const std::uint8_t> info;
            if (parse_sctp_heartbeat(c, info) != ParseError::none) return;
            ++counters_.heartbeats_answered;
            queue(peer_tag_, sctp_chunks(info.size() + 16, [&](SctpChunkWriter& w) { w.heartbeat_ack(info); }));
            return;
        }
        case sctp_chunk::heartbeat_ack: heartbeats_unanswered_ = 0; return;
        case sctp_chunk::cookie_echo:
            // A duplicate COOKIE ECHO of this association (its COOKIE ACK was lost): the
            // server checked the cookie already; answer again (RFC 9260 section 5.2.4 D).
            queue(peer_tag_, sctp_chunks(8, [](SctpChunkWriter& w) { w.cookie_ack(); }));
            return;
        case sctp_chunk::shutdown:
            if (state_ == SctpState::established || state_ == SctpState::shutdown_received) {
                state_ = SctpState::shutdown_ack_sent;
                queue(peer_tag_, sctp_chunks(8, [](SctpChunkWriter& w) { w.shutdown_ack(); }));
                retries_ = 0;
                rto_ms_ = config_.timers.rto_initial_ms;
                arm(Timer::shutdown_ack, now_ms);
                heartbeat_due_ms_ = never;
            } else if (state_ == SctpState::shutdown_sent) {
                // Both sides shut down at once (RFC 9260 section 9.2): answer with SHUTDOWN ACK.
                state_ = SctpState::shutdown_ack_sent;
                queue(peer_tag_, sctp_chunks(8, [](SctpChunkWriter& w) { w.shutdown_ack(); }));
                arm(Timer::shutdown_ack, now_ms);
            }
            return;
        case sctp_chunk::shutdown_ack:
            if (state_ == SctpState::shutdown_sent || state_ == SctpState::shutdown_ack_sent) {
                queue(peer_tag_, sctp_chunks(8, [](SctpChunkWriter& w) { w.shutdown_complete(false); }));
                close_clean();
            }
            return;
        case sctp_chunk::shutdown_complete:
            if (state_ == SctpState::shutdown_ack_sent) close_clean();
            return;
        case sctp_chunk::error: peer_reason_ = describe_causes("ERROR", c.value); return;
        default: return;  // INIT ACK, COOKIE ACK and the rest: nothing to do once established
    }
}

void SctpAssociation::send_sack() {
    std::array<SctpGap, max_gaps_per_sack> gaps{};
    const std::size_t n = tsns_.gaps(gaps);
    const auto dups = tsns_.duplicates();
    queue(peer_tag_, sctp_chunks(16 + 4 * n + 4 * dups.size(), [&](SctpChunkWriter& w) {
              w.sack(tsns_.cumulative(), config_.a_rwnd, {gaps.data(), n}, dups);
          }));
    tsns_.clear_duplicates();
    ++counters_.sacks_out;
    unacked_packets_ = 0;
    sack_due_ms_ = never;
}

bool SctpAssociation::can_send(std::size_t bytes) const noexcept {
    if (state_ != SctpState::established) return false;
    return !config_.closed_loop || sender_.can_send(bytes);
}

void SctpAssociation::queue_data(std::uint32_t tsn, std::uint16_t stream, std::uint16_t ssn, std::uint32_t ppid,
                                 std::span<const std::uint8_t> payload) {
    SctpDataSpec d;
    d.tsn = tsn;
    d.stream_id = stream;
    d.stream_seq = ssn;
    d.ppid = ppid;
    queue(peer_tag_, sctp_chunks(payload.size() + 20, [&](SctpChunkWriter& w) { w.data(d, payload); }));
}

bool SctpAssociation::send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> payload,
                           std::uint64_t now_ms) {
    if (stream >= out_streams_ || payload.empty() || !can_send(payload.size())) return false;
    const std::uint32_t tsn = next_tsn_++;
    const std::uint16_t ssn = next_ssn_[stream]++;
    queue_data(tsn, stream, ssn, ppid, payload);
    if (config_.closed_loop) sender_.sent(tsn, stream, ssn, ppid, payload, now_ms);
    ++counters_.data_out;
    return true;
}

void SctpAssociation::resend_due(std::uint64_t now_ms) {
    while (SctpOutstanding* c = sender_.next_resend()) {
        queue_data(c->tsn, c->stream, c->ssn, c->ppid, c->data);
        sender_.resent(*c, now_ms);
    }
}

void SctpAssociation::shutdown(std::uint64_t now_ms) {
    if (state_ == SctpState::cookie_wait || state_ == SctpState::cookie_echoed) {
        close_clean();
        return;
    }
    if (state_ != SctpState::established) return;
    // Open loop keeps nothing to retransmit; closed loop waits until every DATA chunk is
    // acknowledged (RFC 9260 section 9.2).
    if (config_.closed_loop && !sender_.idle()) {
        state_ = SctpState::shutdown_pending;
        return;
    }
    send_shutdown(now_ms);
}

void SctpAssociation::send_shutdown(std::uint64_t now_ms) {
    state_ = SctpState::shutdown_sent;
    queue(peer_tag_, sctp_chunks(8, [&](SctpChunkWriter& w) { w.shutdown(tsns_.cumulative()); }));
    retries_ = 0;
    rto_ms_ = config_.timers.rto_initial_ms;
    arm(Timer::shutdown, now_ms);
    heartbeat_due_ms_ = never;
}

void SctpAssociation::abort(std::uint64_t now_ms) {
    (void)now_ms;
    if (state_ == SctpState::closed) return;
    const SctpCause cause{sctp_cause::user_initiated_abort, {}};
    // Before the peer's tag is known, the ABORT reflects our own (T bit).
    const bool t = peer_tag_ == 0;
    queue(t ? local_tag_ : peer_tag_, sctp_chunks(16, [&](SctpChunkWriter& w) { w.abort(t, {&cause, 1}); }));
    fail(SctpFailure::abort_sent);
}

std::uint64_t SctpAssociation::next_timer_ms() const noexcept {
    const std::uint64_t t3 = config_.closed_loop && state_ != SctpState::closed ? sender_.t3_at_ms() : never;
    return std::min({timer_at_ms_, sack_due_ms_, heartbeat_due_ms_, t3});
}

void SctpAssociation::tick(std::uint64_t now_ms) {
    if (state_ == SctpState::closed) return;
    if (now_ms >= sack_due_ms_) send_sack();
    if (now_ms >= heartbeat_due_ms_) {
        if (heartbeats_unanswered_ >= config_.timers.max_retransmits) {
            peer_reason_ = std::to_string(heartbeats_unanswered_) + " heartbeats unanswered";
            fail(SctpFailure::peer_unreachable);
            return;
        }
        std::uint8_t info[8];
        store_be64(info, now_ms);
        queue(peer_tag_, sctp_chunks(24, [&](SctpChunkWriter& w) { w.heartbeat(info); }));
        ++heartbeats_unanswered_;
        heartbeat_due_ms_ = now_ms + config_.timers.heartbeat_interval_ms + rto_ms_;
    }
    if (config_.closed_loop && now_ms >= sender_.t3_at_ms()) {
        if (!sender_.on_t3(now_ms, config_.timers.max_retransmits)) {
            peer_reason_ = "DATA unacknowledged after " + std::to_string(config_.timers.max_retransmits) +
                           " retransmission timeouts";
            fail(SctpFailure::peer_unreachable);
            return;
        }
        resend_due(now_ms);
    }
    if (now_ms < timer_at_ms_) return;
    ++retries_;
    rto_ms_ = std::min(rto_ms_ * 2, config_.timers.rto_max_ms);
    switch (timer_) {
        case Timer::init:
            if (retries_ > config_.timers.max_init_retransmits) return fail(SctpFailure::init_timeout);
            ++counters_.init_retransmits;
            send_init();
            break;
        case Timer::cookie:
            if (retries_ > config_.timers.max_init_retransmits) return fail(SctpFailure::cookie_timeout);
            ++counters_.cookie_retransmits;
            queue(peer_tag_, sctp_chunks(cookie_.size() + 8, [&](SctpChunkWriter& w) { w.cookie_echo(cookie_); }));
            break;
        case Timer::shutdown:
            if (retries_ > config_.timers.max_retransmits) return fail(SctpFailure::shutdown_timeout);
            queue(peer_tag_, sctp_chunks(8, [&](SctpChunkWriter& w) { w.shutdown(tsns_.cumulative()); }));
            break;
        case Timer::shutdown_ack:
            if (retries_ > config_.timers.max_retransmits) return fail(SctpFailure::shutdown_timeout);
            queue(peer_tag_, sctp_chunks(8, [](SctpChunkWriter& w) { w.shutdown_ack(); }));
            break;
        case Timer::none: return;
    }
    arm(timer_, now_ms);
}

}  // namespace tg::proto
