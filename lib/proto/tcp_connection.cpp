#include "proto/tcp_connection.hpp"

#include <algorithm>

#include "proto/tcp.hpp"
#include "proto/tcp_seq.hpp"

namespace tg::proto {

namespace {

constexpr std::uint64_t never = ~std::uint64_t{0};
constexpr std::uint32_t default_mss = 536;  // RFC 9293 section 3.7.1, when the peer sends none
constexpr std::uint32_t timestamps_bytes = 12;  // the option, NOP-padded

}  // namespace

const char* to_string(TcpState s) noexcept {
    switch (s) {
        case TcpState::closed: return "closed";
        case TcpState::syn_sent: return "syn-sent";
        case TcpState::syn_received: return "syn-received";
        case TcpState::established: return "established";
        case TcpState::fin_wait_1: return "fin-wait-1";
        case TcpState::fin_wait_2: return "fin-wait-2";
        case TcpState::closing: return "closing";
        case TcpState::time_wait: return "time-wait";
        case TcpState::close_wait: return "close-wait";
        case TcpState::last_ack: return "last-ack";
    }
    return "?";
}

const char* to_string(TcpFailure f) noexcept {
    switch (f) {
        case TcpFailure::none: return "none";
        case TcpFailure::syn_timeout: return "SYN timeout";
        case TcpFailure::refused: return "connection refused (RST)";
        case TcpFailure::synack_timeout: return "SYN-ACK timeout";
        case TcpFailure::reset_received: return "RST received";
        case TcpFailure::peer_unreachable: return "peer unreachable";
        case TcpFailure::close_timeout: return "close timeout";
        case TcpFailure::reset_sent: return "RST sent";
    }
    return "?";
}

TcpConnection TcpConnection::connect(const TcpEndpointConfig& config, std::uint32_t iss, std::uint64_t now_ms) {
    TcpConnection c(config);
    c.state_ = TcpState::syn_sent;
    c.iss_ = iss;
    c.snd_una_ = iss;
    c.snd_nxt_ = iss + 1;
    c.syn_due_ = true;
    c.now_ms_ = c.started_ms_ = now_ms;
    c.timer_rto_ms_ = config.timers.rto.initial_ms;
    c.arm(now_ms + c.timer_rto_ms_);
    return c;
}

TcpConnection TcpConnection::accept(const TcpEndpointConfig& config, const TcpSegmentIn& syn, std::uint32_t iss,
                                    std::uint64_t now_ms) {
    TcpConnection c(config);
    c.state_ = TcpState::syn_received;
    c.iss_ = iss;
    c.snd_una_ = iss;
    c.snd_nxt_ = iss + 1;
    c.irs_ = syn.seq;
    c.rx_.start(syn.seq + 1);
    c.take_options(syn.options);
    c.snd_wnd_ = syn.window;  // never scaled in a SYN (RFC 7323 section 2.2)
    c.syn_due_ = true;
    c.now_ms_ = c.started_ms_ = now_ms;
    c.timer_rto_ms_ = config.timers.rto.initial_ms;
    c.arm(now_ms + c.timer_rto_ms_);
    return c;
}

void TcpConnection::take_options(const TcpOptions& peer) {
    send_mss_ = std::min<std::uint32_t>(peer.mss.value_or(default_mss), config_.mss);
    sack_on_ = config_.sack && peer.sack_permitted;
    ts_on_ = config_.timestamps && peer.timestamps.has_value();
    if (ts_on_) {
        ts_recent_ = peer.timestamps->value;
        send_mss_ -= std::min(send_mss_ - 1, timestamps_bytes);
    }
    if (peer.window_scale) {  // both sides must offer it; we always do
        ws_on_ = true;
        snd_shift_ = std::min(*peer.window_scale, tcp_max_window_scale);
        rcv_shift_ = std::min(config_.window_scale, tcp_max_window_scale);
    }
}

TcpOptions TcpConnection::syn_options() const {
    TcpOptions o;
    o.mss = config_.mss;
    const bool client = state_ == TcpState::syn_sent;
    if (client ? config_.sack : sack_on_) o.sack_permitted = true;
    if (client ? config_.timestamps : ts_on_) o.timestamps = TcpTimestamps{static_cast<std::uint32_t>(now_ms_), client ? 0 : ts_recent_};
    if (client || ws_on_) o.window_scale = std::min(config_.window_scale, tcp_max_window_scale);
    return o;
}

void TcpConnection::fill_options(TcpOptions& o) const {
    if (ts_on_) o.timestamps = TcpTimestamps{static_cast<std::uint32_t>(now_ms_), ts_recent_};
    if (sack_on_ && rx_.has_holes()) o.sack_block_count = rx_.sack_blocks(o.sack_blocks, ts_on_ ? 3 : 4);
}

std::uint16_t TcpConnection::window_field() const noexcept {
    const bool syn = state_ == TcpState::syn_sent || state_ == TcpState::syn_received;
    const std::uint32_t w = syn ? config_.receive_window : config_.receive_window >> rcv_shift_;
    return static_cast<std::uint16_t>(std::min<std::uint32_t>(w, 65535));
}

std::uint32_t TcpConnection::rcv_wnd() const noexcept {
    return std::min<std::uint32_t>(config_.receive_window, std::uint32_t{65535} << rcv_shift_);
}

bool TcpConnection::open() const noexcept {
    return state_ == TcpState::established || state_ == TcpState::close_wait;
}

bool TcpConnection::acceptable(const TcpSegmentIn& s) const noexcept {
    const std::uint32_t wnd = rcv_wnd();
    const std::uint32_t len = static_cast<std::uint32_t>(s.payload.size()) + ((s.flags & tcp_flag::syn) ? 1 : 0) +
                              ((s.flags & tcp_flag::fin) ? 1 : 0);
    const std::uint32_t nxt = rx_.next();
    if (len == 0) return wnd == 0 ? s.seq == nxt : seq_within(s.seq, nxt, nxt + wnd);
    if (wnd == 0) return false;
    return seq_within(s.seq, nxt, nxt + wnd) || seq_within(s.seq + len - 1, nxt, nxt + wnd);
}

void TcpConnection::fail(TcpFailure f) noexcept {
    failure_ = f;
    finish();
}

void TcpConnection::finish() noexcept {
    state_ = TcpState::closed;
    timer_at_ms_ = never;
    ack_at_ms_ = never;
    syn_due_ = ack_due_ = fin_due_ = false;
}

void TcpConnection::rst_for(const TcpSegmentIn& s) {
    rst_due_ = true;
    rst_seq_ = s.ack;
    rst_ack_ = 0;
    rst_with_ack_ = false;
}

void TcpConnection::established_at(std::uint64_t now_ms) {
    state_ = TcpState::established;
    handshake_done_ = true;
    setup_ms_ = now_ms - started_ms_;
    timer_at_ms_ = never;
    retries_ = 0;
    if (config_.closed_loop) sender_.start(snd_una_, snd_wnd_, send_mss_, config_.timers.rto);
}

void TcpConnection::receive_syn_sent(const TcpSegmentIn& s, std::uint64_t now_ms) {
    const bool has_ack = (s.flags & tcp_flag::ack) != 0;
    if (has_ack && s.ack != iss_ + 1) {
        if (!(s.flags & tcp_flag::rst)) rst_for(s);
        ++counters_.bad_ack_in;
        return;
    }
    if (s.flags & tcp_flag::rst) {
        if (has_ack) fail(TcpFailure::refused);
        return;
    }
    if (!(s.flags & tcp_flag::syn) || !has_ack) return;  // no simultaneous open
    irs_ = s.seq;
    rx_.start(s.seq + 1);
    take_options(s.options);
    snd_una_ = s.ack;
    snd_wnd_ = s.window;
    established_at(now_ms);
    ack_due_ = true;
}

void TcpConnection::receive(const TcpSegmentIn& s, std::uint64_t now_ms) {
    now_ms_ = now_ms;
    ++counters_.segments_in;
    if (state_ == TcpState::closed) return;
    if (state_ == TcpState::syn_sent) {
        receive_syn_sent(s, now_ms);
        return;
    }
    // Our SYN-ACK was lost and the peer sent its SYN again.
    if (state_ == TcpState::syn_received && (s.flags & tcp_flag::syn) && !(s.flags & tcp_flag::ack) && s.seq == irs_) {
        syn_due_ = true;
        return;
    }
    if (!acceptable(s)) {
        ++counters_.out_of_window_in;
        if (!(s.flags & tcp_flag::rst)) ack_due_ = true;
        return;
    }
    if (s.flags & tcp_flag::rst) {
        if (s.seq == rx_.next()) {
            fail(TcpFailure::reset_received);
        } else {  // RFC 5961 section 3.2: in the window but not exact
            ++counters_.challenge_acks;
            ack_due_ = true;
        }
        return;
    }
    if (s.flags & tcp_flag::syn) {  // RFC 5961 section 4.2
        ++counters_.challenge_acks;
        ack_due_ = true;
        return;
    }
    if (!(s.flags & tcp_flag::ack)) return;
    if (ts_on_ && s.options.timestamps && seq_at_or_before(s.seq, rx_.next()) &&
        !seq_before(s.options.timestamps->value, ts_recent_))
        ts_recent_ = s.options.timestamps->value;
    if (!on_ack(s, now_ms) || state_ == TcpState::closed) return;
    const bool takes_data = state_ == TcpState::established || state_ == TcpState::fin_wait_1 ||
                            state_ == TcpState::fin_wait_2;
    if (!takes_data) {
        if (!s.payload.empty() || (s.flags & tcp_flag::fin)) ack_due_ = true;
        return;
    }
    if (!s.payload.empty()) on_data(s, now_ms);
    if (!(s.flags & tcp_flag::fin)) return;
    if (s.seq + static_cast<std::uint32_t>(s.payload.size()) == rx_.next()) {
        on_fin(now_ms);
    } else {
        ack_due_ = true;  // a FIN beyond a hole waits for the sender to fill it
    }
}

bool TcpConnection::on_ack(const TcpSegmentIn& s, std::uint64_t now_ms) {
    if (state_ == TcpState::syn_received) {
        if (!seq_after(s.ack, snd_una_) || seq_after(s.ack, snd_nxt_)) {
            ++counters_.bad_ack_in;
            rst_for(s);
            return false;
        }
        snd_una_ = s.ack;
        snd_wnd_ = std::uint32_t{s.window} << snd_shift_;
        established_at(now_ms);
    }
    if (seq_after(s.ack, snd_nxt_)) {
        if (external_data_ && !fin_sent_) {
            snd_nxt_ = s.ack;
        } else {
            ++counters_.bad_ack_in;
            ack_due_ = true;
            return false;
        }
    }
    snd_wnd_ = std::uint32_t{s.window} << snd_shift_;
    const std::uint32_t data_end = fin_sent_ ? fin_seq_ : snd_nxt_;
    const std::uint32_t data_ack = seq_after(s.ack, data_end) ? data_end : s.ack;
    if (config_.closed_loop && sender_.snd_nxt() == data_end) {
        const bool may_be_duplicate = s.payload.empty() && !(s.flags & (tcp_flag::syn | tcp_flag::fin));
        sender_.on_ack(data_ack, snd_wnd_,
                       std::span<const TcpSackBlock>(s.options.sack_blocks.data(), s.options.sack_block_count),
                       may_be_duplicate, now_ms);
    }
    // How far the peer holds our data: the ACK, or past it the furthest SACK block.
    std::uint32_t highest = data_ack;
    for (std::size_t i = 0; i < s.options.sack_block_count; ++i) {
        const std::uint32_t right = s.options.sack_blocks[i].right;
        if (seq_after(right, highest) && (external_data_ || !seq_after(right, data_end))) highest = right;
    }
    const std::uint32_t data_acked_before = seq_after(snd_una_, data_end) ? data_end : snd_una_;
    if (seq_after(highest, data_acked_before)) ack_progress_.reached(highest, now_ms);
    if (seq_after(s.ack, snd_una_)) {
        const std::uint32_t old_data_ack = data_acked_before;
        if (seq_after(data_ack, old_data_ack)) bytes_acked_ += data_ack - old_data_ack;
        snd_una_ = s.ack;
    }
    if (!fin_sent_ || !seq_after(s.ack, fin_seq_)) return true;
    // Our FIN is acknowledged.
    retries_ = 0;
    switch (state_) {
        case TcpState::fin_wait_1:
            state_ = TcpState::fin_wait_2;
            arm(now_ms + config_.timers.fin_wait_2_ms);
            break;
        case TcpState::closing:
            state_ = TcpState::time_wait;
            arm(now_ms + config_.timers.time_wait_ms);
            break;
        case TcpState::last_ack: finish(); break;
        default: break;
    }
    return true;
}

void TcpConnection::on_data(const TcpSegmentIn& s, std::uint64_t now_ms) {
    const std::uint32_t right = rx_.next() + rcv_wnd();
    auto len = static_cast<std::uint32_t>(s.payload.size());
    if (seq_after(s.seq + len, right)) len = right - s.seq;
    const bool had_holes = rx_.has_holes();
    const TcpReceiveTracker::Added a = rx_.add(s.seq, len);
    if (a.refused) {  // no room to remember it: as if lost, and the sender learns it at once
        ++counters_.out_of_window_in;
        ack_due_ = true;
        return;
    }
    counters_.bytes_in += a.new_bytes;
    counters_.duplicate_bytes_in += static_cast<std::uint32_t>(s.payload.size()) - a.new_bytes;
    if (!a.in_order && a.new_bytes != 0) ++counters_.out_of_order_in;
    if (!a.in_order || had_holes || a.new_bytes < s.payload.size()) {
        ack_due_ = true;  // RFC 5681 section 4.2: at once for anything out of order
        return;
    }
    if (++unacked_segments_ >= 2) {
        ack_due_ = true;
    } else if (ack_at_ms_ == never) {
        ack_at_ms_ = now_ms + config_.timers.delayed_ack_ms;
    }
}

void TcpConnection::on_fin(std::uint64_t now_ms) {
    rx_.advance_one();
    ack_due_ = true;
    switch (state_) {
        case TcpState::established:
            state_ = TcpState::close_wait;
            if (config_.close_on_peer_fin) shutdown(now_ms);
            break;
        case TcpState::fin_wait_1: state_ = TcpState::closing; break;
        case TcpState::fin_wait_2:
            state_ = TcpState::time_wait;
            arm(now_ms + config_.timers.time_wait_ms);
            break;
        default: break;
    }
}

void TcpConnection::data_sent_elsewhere(std::uint64_t total_bytes) noexcept {
    external_data_ = true;
    if (fin_sent_) return;
    const std::uint32_t end = iss_ + 1 + static_cast<std::uint32_t>(total_bytes);
    if (seq_after(end, snd_nxt_)) snd_nxt_ = end;
}

bool TcpConnection::can_send(std::size_t bytes) const noexcept {
    if (!open() || fin_wanted_) return false;
    if (bytes > send_mss_) return false;
    return config_.closed_loop ? sender_.can_send(bytes) : open_count_ < open_loop_queue;
}

bool TcpConnection::send(std::span<const std::uint8_t> payload, std::uint64_t now_ms) {
    now_ms_ = now_ms;
    if (payload.empty() || !can_send(payload.size())) return false;
    if (config_.closed_loop) {
        sender_.sent(payload, now_ms);
    } else {
        if (open_queue_.size() < open_loop_queue) open_queue_.resize(open_loop_queue);
        if (open_count_ == 0) open_seq_ = snd_nxt_;
        open_queue_[(open_head_ + open_count_++) % open_loop_queue].assign(payload.begin(), payload.end());
    }
    snd_nxt_ += static_cast<std::uint32_t>(payload.size());
    ++counters_.data_segments_out;
    counters_.bytes_out += payload.size();
    return true;
}

void TcpConnection::shutdown(std::uint64_t now_ms) {
    now_ms_ = now_ms;
    if (fin_wanted_ || state_ == TcpState::closed) return;
    if (state_ == TcpState::syn_sent || state_ == TcpState::syn_received) {
        abort(now_ms);
        return;
    }
    fin_wanted_ = true;
    send_fin_if_ready(now_ms);
}

void TcpConnection::send_fin_if_ready(std::uint64_t now_ms) {
    if (!fin_wanted_ || fin_sent_) return;
    if (config_.closed_loop ? sender_.next_unsent() != nullptr : open_count_ != 0) return;
    fin_seq_ = snd_nxt_;
    snd_nxt_ = fin_seq_ + 1;
    fin_sent_ = fin_due_ = true;
    state_ = state_ == TcpState::close_wait ? TcpState::last_ack : TcpState::fin_wait_1;
    retries_ = 0;
    timer_rto_ms_ = config_.closed_loop ? sender_.rto_ms() : config_.timers.rto.initial_ms;
    arm(now_ms + timer_rto_ms_);
}

void TcpConnection::abort(std::uint64_t now_ms) {
    now_ms_ = now_ms;
    if (state_ == TcpState::closed) return;
    if (state_ != TcpState::syn_sent) {
        rst_due_ = true;
        rst_seq_ = snd_nxt_;
        rst_ack_ = rx_.next();
        rst_with_ack_ = true;
    }
    fail(TcpFailure::reset_sent);
}

std::uint64_t TcpConnection::next_timer_ms() const noexcept {
    std::uint64_t t = std::min(timer_at_ms_, ack_at_ms_);
    if (config_.closed_loop && open()) t = std::min(t, sender_.rto_at_ms());
    return t;
}

void TcpConnection::tick(std::uint64_t now_ms) {
    now_ms_ = now_ms;
    if (ack_at_ms_ <= now_ms) {
        ack_due_ = true;
        ack_at_ms_ = never;
    }
    const bool sending = state_ == TcpState::established || state_ == TcpState::close_wait ||
                         state_ == TcpState::fin_wait_1 || state_ == TcpState::closing || state_ == TcpState::last_ack;
    if (config_.closed_loop && sending && sender_.rto_at_ms() <= now_ms &&
        !sender_.on_rto(now_ms, config_.timers.max_retransmits)) {
        fail(TcpFailure::peer_unreachable);
        return;
    }
    if (timer_at_ms_ > now_ms) return;
    const auto backoff = [this, now_ms] {
        timer_rto_ms_ = std::min(timer_rto_ms_ * 2, config_.timers.rto.max_ms);
        arm(now_ms + timer_rto_ms_);
    };
    switch (state_) {
        case TcpState::syn_sent:
        case TcpState::syn_received: {
            const bool client = state_ == TcpState::syn_sent;
            if (++retries_ > (client ? config_.timers.syn_retries : config_.timers.synack_retries)) {
                fail(client ? TcpFailure::syn_timeout : TcpFailure::synack_timeout);
                return;
            }
            syn_due_ = true;
            ++counters_.syn_retransmits;
            backoff();
            break;
        }
        case TcpState::fin_wait_1:
        case TcpState::closing:
        case TcpState::last_ack:
            if (++retries_ > config_.timers.max_retransmits) {
                fail(TcpFailure::peer_unreachable);
                return;
            }
            fin_due_ = true;
            backoff();
            break;
        case TcpState::fin_wait_2: fail(TcpFailure::close_timeout); break;
        case TcpState::time_wait: finish(); break;
        default: timer_at_ms_ = never; break;
    }
}

bool TcpConnection::pop(TcpSegmentOut& out) {
    out = TcpSegmentOut{};
    if (rst_due_) {
        rst_due_ = false;
        out.seq = rst_seq_;
        out.ack = rst_ack_;
        out.flags = static_cast<std::uint8_t>(tcp_flag::rst | (rst_with_ack_ ? tcp_flag::ack : 0));
        ++counters_.segments_out;
        return true;
    }
    if (state_ == TcpState::closed) return false;
    out.ack = rx_.next();
    out.window = window_field();
    if (syn_due_) {
        syn_due_ = false;
        out.seq = iss_;
        out.flags = state_ == TcpState::syn_sent ? tcp_flag::syn : static_cast<std::uint8_t>(tcp_flag::syn | tcp_flag::ack);
        if (state_ == TcpState::syn_sent) out.ack = 0;
        out.options = syn_options();
        ++counters_.segments_out;
        return true;
    }
    if (state_ == TcpState::syn_sent || state_ == TcpState::syn_received) return false;
    out.flags = tcp_flag::ack;
    bool have = false;
    if (config_.closed_loop) {
        if (TcpOutstanding* r = sender_.next_resend()) {
            out.seq = r->seq;
            out.payload = r->data;
            out.flags |= tcp_flag::psh;
            sender_.resent(*r, now_ms_);
            have = true;
        } else if (const TcpOutstanding* n = sender_.next_unsent()) {
            out.seq = n->seq;
            out.payload = n->data;
            out.flags |= tcp_flag::psh;
            sender_.emitted();
            have = true;
        }
    } else if (open_count_ != 0) {
        out.seq = open_seq_;
        out.payload = open_queue_[open_head_];
        out.flags |= tcp_flag::psh;
        open_seq_ += static_cast<std::uint32_t>(out.payload.size());
        open_head_ = (open_head_ + 1) % open_loop_queue;
        --open_count_;
        have = true;
    }
    if (!have) send_fin_if_ready(now_ms_);
    if (!have && fin_due_) {
        fin_due_ = false;
        out.seq = fin_seq_;
        out.flags |= tcp_flag::fin;
        have = true;
    }
    if (!have && ack_due_) {
        out.seq = snd_nxt_;
        ++counters_.acks_out;
        have = true;
    }
    if (!have) return false;
    ack_due_ = false;
    ack_at_ms_ = never;
    unacked_segments_ = 0;
    fill_options(out.options);
    ++counters_.segments_out;
    return true;
}

}  // namespace tg::proto
