// One TCP connection (RFC 9293) as a state machine with no I/O: segments go in through
// receive(), segments to send come out of pop(), and time moves through tick(). The
// caller wraps each outgoing segment in IP and a TCP header and computes the checksum.
// The client side starts with connect(); the server side is made by TcpListener from a
// SYN (tcp_listener.hpp).
//
// It covers the three-way handshake with MSS, window scale, SACK-permitted and timestamps
// (RFC 7323), each side's timers; sequence and acknowledgement numbers, the receive
// window's acceptability test, RST and SYN checks against blind attacks (RFC 5961:
// challenge ACKs), delayed ACKs and SACK blocks; FIN in both directions with TIME-WAIT;
// RST to abort. Data goes two ways: closed loop (tcp_sender.hpp: windows and
// retransmission) or open loop, where each segment goes when the caller says and loss
// stays loss (sent here, or by a data path of the caller's own).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "proto/ack_progress.hpp"
#include "proto/address.hpp"
#include "proto/tcp_options.hpp"
#include "proto/tcp_receive.hpp"
#include "proto/tcp_sender.hpp"

namespace tg::proto {

struct TcpTimers {
    TcpRtoLimits rto{};                  // RFC 6298's, with Linux's 200 ms floor
    std::uint32_t syn_retries = 6;       // Linux tcp_syn_retries
    std::uint32_t synack_retries = 5;    // Linux tcp_synack_retries
    std::uint32_t max_retransmits = 15;  // Linux tcp_retries2: then the peer is gone
    std::uint32_t delayed_ack_ms = 40;
    std::uint32_t fin_wait_2_ms = 60000; // Linux tcp_fin_timeout
    std::uint32_t time_wait_ms = 1000;   // far below 2 MSL: the generator never reuses a port soon
};

struct TcpEndpointConfig {
    IpAddress local_address{};
    IpAddress peer_address{};
    std::uint16_t local_port = 0;
    std::uint16_t peer_port = 0;
    std::uint16_t mss = 1460;           // offered: the largest segment we take
    std::uint8_t window_scale = 7;      // offered shift
    std::uint32_t receive_window = 1u << 22;  // bytes; a counting endpoint keeps nothing
    bool sack = true;
    bool timestamps = true;
    // Closed loop: data waits for the windows and lost segments are resent. Open loop:
    // data goes when the caller says, and loss stays loss.
    bool closed_loop = false;
    // The server answers the peer's FIN with its own at once (a sink has nothing to send).
    bool close_on_peer_fin = false;
    TcpTimers timers{};
};

enum class TcpState : std::uint8_t {
    closed,
    syn_sent,
    syn_received,
    established,
    fin_wait_1,
    fin_wait_2,
    closing,
    time_wait,
    close_wait,
    last_ack,
};

// Why a connection ended other than by a clean close.
enum class TcpFailure : std::uint8_t {
    none,
    syn_timeout,       // SYN never answered
    refused,           // RST in answer to our SYN
    synack_timeout,    // (server) SYN-ACK never acknowledged
    reset_received,    // RST on an open connection
    peer_unreachable,  // data or FIN retransmitted until we gave up
    close_timeout,     // the peer never sent its FIN
    reset_sent,        // we ended it (a close that never completed, a stopped run)
};

[[nodiscard]] const char* to_string(TcpState s) noexcept;
[[nodiscard]] const char* to_string(TcpFailure f) noexcept;

// A received segment, its header fields in host order.
struct TcpSegmentIn {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::uint16_t window = 0;  // as on the wire, unscaled
    TcpOptions options{};
    std::span<const std::uint8_t> payload;
};

// A segment to send. `payload` points into the connection and stays valid until the
// connection is next called.
struct TcpSegmentOut {
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::uint16_t window = 0;
    TcpOptions options{};
    std::span<const std::uint8_t> payload;
};

struct TcpConnectionCounters {
    std::uint64_t segments_in = 0;
    std::uint64_t segments_out = 0;
    std::uint64_t syn_retransmits = 0;     // SYN or SYN-ACK sent again
    std::uint64_t bytes_in = 0;            // new data bytes, each once
    std::uint64_t duplicate_bytes_in = 0;
    std::uint64_t out_of_order_in = 0;     // segments that arrived ahead of a hole
    std::uint64_t out_of_window_in = 0;    // failed the acceptability test: dropped, ACKed
    std::uint64_t bad_ack_in = 0;          // acknowledged what was never sent: dropped
    std::uint64_t challenge_acks = 0;      // RFC 5961: an in-window RST or SYN
    std::uint64_t ignored_rst = 0;         // RST outside the window
    std::uint64_t acks_out = 0;            // segments that carried only an ACK
    std::uint64_t data_segments_out = 0;   // first transmissions
    std::uint64_t bytes_out = 0;           // first transmissions
};

class TcpConnection {
public:
    // The client side: queues a SYN at `now_ms` with initial sequence number `iss`.
    static TcpConnection connect(const TcpEndpointConfig& config, std::uint32_t iss, std::uint64_t now_ms);
    // The server side, from the peer's SYN: queues a SYN-ACK.
    static TcpConnection accept(const TcpEndpointConfig& config, const TcpSegmentIn& syn, std::uint32_t iss,
                                std::uint64_t now_ms);

    void receive(const TcpSegmentIn& segment, std::uint64_t now_ms);
    void tick(std::uint64_t now_ms);
    // When tick() next has work; ~0 when no timer runs.
    [[nodiscard]] std::uint64_t next_timer_ms() const noexcept;
    // The next segment to send, if any.
    bool pop(TcpSegmentOut& out);

    // The largest payload one segment carries (the peer's MSS, less the timestamps option).
    [[nodiscard]] std::uint32_t send_mss() const noexcept { return send_mss_; }
    // A segment of `bytes` would go now. Closed loop: the windows have room. Open loop:
    // established, and fewer than open_loop_queue segments wait for pop().
    [[nodiscard]] bool can_send(std::size_t bytes) const noexcept;
    // Sends one segment (at most send_mss() bytes). False when can_send() is.
    bool send(std::span<const std::uint8_t> payload, std::uint64_t now_ms);
    // Open loop: the caller's data path sends the data from SND.NXT on, so ACKs may cover
    // bytes this object was not told of yet; data_sent_elsewhere(total) says how many
    // it sent in all, before shutdown().
    void data_sent_elsewhere() noexcept { external_data_ = true; }
    void data_sent_elsewhere(std::uint64_t total_bytes) noexcept;
    // Starts the close: FIN after the data (sent at once in open loop; in closed loop
    // once every byte given is out).
    void shutdown(std::uint64_t now_ms);
    // Sends RST and ends the connection.
    void abort(std::uint64_t now_ms);

    [[nodiscard]] TcpState state() const noexcept { return state_; }
    [[nodiscard]] TcpFailure failure() const noexcept { return failure_; }
    [[nodiscard]] bool established() const noexcept { return state_ == TcpState::established; }
    // Ended: cleanly (TIME-WAIT over, or closed from LAST-ACK) or by a failure.
    [[nodiscard]] bool finished() const noexcept { return state_ == TcpState::closed; }
    // Ended, and its last RST (if any) is out: nothing more will come of it.
    [[nodiscard]] bool spent() const noexcept { return state_ == TcpState::closed && !rst_due_; }
    // Data may flow: ESTABLISHED or CLOSE-WAIT.
    [[nodiscard]] bool open() const noexcept;
    [[nodiscard]] std::uint32_t snd_nxt() const noexcept { return snd_nxt_; }
    [[nodiscard]] std::uint32_t snd_una() const noexcept { return snd_una_; }
    [[nodiscard]] std::uint32_t rcv_nxt() const noexcept { return rx_.next(); }
    [[nodiscard]] std::uint32_t iss() const noexcept { return iss_; }
    [[nodiscard]] std::uint32_t irs() const noexcept { return irs_; }
    // The window field to send now, and the shift the peer applies to it.
    [[nodiscard]] std::uint16_t window_field() const noexcept;
    [[nodiscard]] std::uint8_t send_shift() const noexcept { return snd_shift_; }
    [[nodiscard]] bool timestamps_on() const noexcept { return ts_on_; }
    [[nodiscard]] bool sack_on() const noexcept { return sack_on_; }
    [[nodiscard]] const TcpSender& sender() const noexcept { return sender_; }
    [[nodiscard]] const TcpConnectionCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const TcpEndpointConfig& config() const noexcept { return config_; }
    // The three-way handshake completed at some point (the connection may have ended since).
    [[nodiscard]] bool handshake_done() const noexcept { return handshake_done_; }
    // Time from connect() to ESTABLISHED (client), or from the SYN to the ACK (server).
    [[nodiscard]] std::uint64_t setup_ms() const noexcept { return setup_ms_; }
    // Bytes the peer acknowledged of what we sent (data, not SYN or FIN).
    [[nodiscard]] std::uint64_t bytes_acked() const noexcept { return bytes_acked_; }
    // When the peer's ACK last moved past data, and the longest wait for it to.
    [[nodiscard]] const AckProgress& ack_progress() const noexcept { return ack_progress_; }

private:
    explicit TcpConnection(const TcpEndpointConfig& config) : config_(config) {}

    void take_options(const TcpOptions& peer);
    [[nodiscard]] std::uint32_t rcv_wnd() const noexcept;
    [[nodiscard]] TcpOptions syn_options() const;
    void fill_options(TcpOptions& o) const;
    bool acceptable(const TcpSegmentIn& s) const noexcept;
    bool on_ack(const TcpSegmentIn& s, std::uint64_t now_ms);  // false: drop the segment
    void on_data(const TcpSegmentIn& s, std::uint64_t now_ms);
    void on_fin(std::uint64_t now_ms);
    void send_fin_if_ready(std::uint64_t now_ms);
    void receive_syn_sent(const TcpSegmentIn& s, std::uint64_t now_ms);
    void established_at(std::uint64_t now_ms);
    void arm(std::uint64_t at_ms) noexcept { timer_at_ms_ = at_ms; }
    void fail(TcpFailure f) noexcept;
    void finish() noexcept;
    void rst_for(const TcpSegmentIn& s);

    TcpEndpointConfig config_;
    TcpState state_ = TcpState::closed;
    TcpFailure failure_ = TcpFailure::none;
    std::uint32_t iss_ = 0, irs_ = 0;
    std::uint32_t snd_una_ = 0, snd_nxt_ = 0;
    std::uint32_t snd_wnd_ = 0;
    std::uint8_t snd_shift_ = 0, rcv_shift_ = 0;
    std::uint32_t send_mss_ = 536;
    bool sack_on_ = false, ts_on_ = false, ws_on_ = false;
    std::uint32_t ts_recent_ = 0;
    TcpReceiveTracker rx_;
    TcpSender sender_;

    // What pop() owes: a SYN or SYN-ACK, a RST, an ACK, our FIN.
    bool syn_due_ = false;
    bool ack_due_ = false;
    bool fin_wanted_ = false;  // shutdown() asked
    bool fin_sent_ = false;
    bool fin_due_ = false;     // (re)send the FIN
    std::uint32_t fin_seq_ = 0;
    bool rst_due_ = false;
    std::uint32_t rst_seq_ = 0, rst_ack_ = 0;
    bool rst_with_ack_ = false;
    bool external_data_ = false;
    // Open loop: segments given to send() and not yet popped, in a ring of reused buffers.
    static constexpr std::size_t open_loop_queue = 64;
    std::vector<std::vector<std::uint8_t>> open_queue_;
    std::size_t open_head_ = 0, open_count_ = 0;
    std::uint32_t open_seq_ = 0;  // the sequence number of the segment at open_head_

    std::uint64_t now_ms_ = 0;
    std::uint64_t timer_at_ms_ = ~std::uint64_t{0};  // handshake, FIN, FIN-WAIT-2, TIME-WAIT
    std::uint32_t timer_rto_ms_ = 0;
    std::uint32_t retries_ = 0;
    std::uint64_t ack_at_ms_ = ~std::uint64_t{0};    // delayed ACK
    std::uint32_t unacked_segments_ = 0;
    std::uint64_t started_ms_ = 0;
    std::uint64_t setup_ms_ = 0;
    bool handshake_done_ = false;
    std::uint64_t bytes_acked_ = 0;
    AckProgress ack_progress_;
    TcpConnectionCounters counters_;
};

}  // namespace tg::proto
