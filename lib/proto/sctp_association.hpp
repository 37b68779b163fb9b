// One SCTP association (RFC 9260) as a state machine with no I/O: packets go in through
// receive(), packets to send come out of pop(), and time moves through tick(). The
// caller wraps each outgoing packet in IP and an SCTP common header with the tag given,
// and computes the CRC32c. The client side starts with connect(); the server side is
// made by SctpServer from a COOKIE ECHO whose cookie checked out (sctp_server.hpp).
//
// It covers the handshake (INIT, INIT ACK with the cookie, COOKIE ECHO, COOKIE ACK, each
// retransmitted on its timer), verification tags, DATA on N streams with TSN, SSN and
// PPID, SACK with gap blocks and duplicates, HEARTBEAT, the SHUTDOWN sequence and ABORT.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "proto/ack_progress.hpp"
#include "proto/address.hpp"
#include "proto/sctp_cookie.hpp"
#include "proto/sctp_sender.hpp"
#include "proto/sctp_tsn.hpp"

namespace tg::proto {

struct SctpTimers {
    std::uint32_t rto_initial_ms = 1000;   // RTO.Initial (RFC 9260 section 16: 1 s)
    std::uint32_t rto_min_ms = 1000;       // RTO.Min
    std::uint32_t rto_max_ms = 60000;      // RTO.Max
    std::uint32_t max_init_retransmits = 8;
    std::uint32_t max_retransmits = 10;    // Association.Max.Retrans
    std::uint32_t cookie_life_ms = 60000;  // Valid.Cookie.Life
    std::uint32_t heartbeat_interval_ms = 30000;  // 0: no heartbeats
    std::uint32_t sack_delay_ms = 200;
};

struct SctpEndpointConfig {
    IpAddress local_address{};
    IpAddress peer_address{};
    std::uint16_t local_port = 0;
    std::uint16_t peer_port = 0;
    std::uint16_t outbound_streams = 1;       // asked for
    std::uint16_t max_inbound_streams = 65535;
    std::uint32_t a_rwnd = 1u << 20;
    // Closed loop: DATA waits for the peer's receive window and the congestion window,
    // and lost chunks are sent again (sctp_sender.hpp). Open loop: DATA goes when the
    // caller says, and loss shows at the peer as TSN gaps.
    bool closed_loop = false;
    std::uint32_t mtu = 1500;  // the path's, in IP bytes: the congestion window's unit
    SctpTimers timers{};
};

enum class SctpState : std::uint8_t {
    closed,
    cookie_wait,
    cookie_echoed,
    established,
    shutdown_pending,
    shutdown_sent,
    shutdown_received,
    shutdown_ack_sent,
};

// Why an association ended other than by a clean SHUTDOWN.
enum class SctpFailure : std::uint8_t {
    none,
    init_timeout,         // INIT never answered
    cookie_timeout,       // COOKIE ECHO never answered
    cookie_rejected,      // the peer said our cookie was stale, too often
    abort_received,
    peer_unreachable,     // retransmissions or heartbeats exhausted
    shutdown_timeout,
    abort_sent,           // we ended it (a SHUTDOWN that never completed, a stopped run)
};

[[nodiscard]] const char* to_string(SctpState s) noexcept;
[[nodiscard]] const char* to_string(SctpFailure f) noexcept;

struct SctpPacketOut {
    std::uint32_t vtag = 0;
    std::vector<std::uint8_t> chunks;  // padded, ready for the common header
};

struct SctpAssociationCounters {
    std::uint64_t packets_in = 0;
    std::uint64_t packets_out = 0;
    std::uint64_t bad_vtag = 0;            // packets discarded for their verification tag
    std::uint64_t init_retransmits = 0;
    std::uint64_t cookie_retransmits = 0;
    std::uint64_t stale_cookie_errors = 0;
    std::uint64_t data_in = 0;             // DATA chunks received, new ones
    std::uint64_t data_bytes_in = 0;
    std::uint64_t duplicate_tsns_in = 0;
    std::uint64_t data_out = 0;
    std::uint64_t sacks_in = 0;
    std::uint64_t sacks_out = 0;
    std::uint64_t heartbeats_answered = 0;
    std::uint64_t invalid_stream_in = 0;
};

class SctpAssociation {
public:
    // The client side: queues an INIT at `now_ms`.
    static SctpAssociation connect(const SctpEndpointConfig& config, std::uint32_t initiate_tag,
                                   std::uint32_t initial_tsn, std::uint64_t now_ms);
    // The server side, established from a cookie that checked out; queues COOKIE ACK.
    static SctpAssociation accept(const SctpEndpointConfig& config, const SctpCookieState& cookie,
                                  std::uint64_t now_ms);

    // A packet of this association's ports: its verification tag and chunks.
    void receive(std::uint32_t vtag, std::span<const std::uint8_t> chunks, std::uint64_t now_ms);
    // Runs the timers due at `now_ms`.
    void tick(std::uint64_t now_ms);
    // When tick() next has work; ~0 when no timer runs.
    [[nodiscard]] std::uint64_t next_timer_ms() const noexcept;
    // The next packet to send, if any.
    bool pop(SctpPacketOut& out);

    // Whether a DATA chunk of `bytes` user data would be taken now: established, and in
    // closed loop the windows have room and no retransmission waits.
    [[nodiscard]] bool can_send(std::size_t bytes) const noexcept;
    // Queues one DATA chunk on a stream (false when can_send() is false or for a stream
    // the peer did not grant). Open loop: no window is checked.
    bool send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> payload, std::uint64_t now_ms);
    // The caller's data path sends this association's DATA itself (TSNs from next_tsn()
    // on), so SACKs may acknowledge TSNs this object never handed out.
    void data_sent_elsewhere() noexcept { external_data_ = true; }
    // Starts the SHUTDOWN sequence (graceful: in closed loop, once all DATA is
    // acknowledged) or sends ABORT (immediate).
    void shutdown(std::uint64_t now_ms);
    void abort(std::uint64_t now_ms);

    [[nodiscard]] SctpState state() const noexcept { return state_; }
    [[nodiscard]] SctpFailure failure() const noexcept { return failure_; }
    [[nodiscard]] bool established() const noexcept { return state_ == SctpState::established; }
    [[nodiscard]] std::uint32_t local_tag() const noexcept { return local_tag_; }
    [[nodiscard]] std::uint32_t peer_tag() const noexcept { return peer_tag_; }
    [[nodiscard]] std::uint32_t next_tsn() const noexcept { return next_tsn_; }
    [[nodiscard]] std::uint32_t peer_cumulative_ack() const noexcept { return peer_cum_ack_; }
    // When the peer's cumulative TSN ack moved on, and the longest wait for it to.
    [[nodiscard]] const AckProgress& ack_progress() const noexcept { return ack_progress_; }
    [[nodiscard]] std::uint16_t outbound_streams() const noexcept { return out_streams_; }
    [[nodiscard]] std::uint16_t inbound_streams() const noexcept { return in_streams_; }
    [[nodiscard]] const SctpTsnTracker& received() const noexcept { return tsns_; }
    [[nodiscard]] const SctpAssociationCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const SctpEndpointConfig& config() const noexcept { return config_; }
    // Closed loop: windows, retransmissions, data acknowledged per stream.
    [[nodiscard]] const SctpSender& sender() const noexcept { return sender_; }
    // Time from connect() to COOKIE ACK (client) or from accept() (server: 0).
    [[nodiscard]] std::uint64_t setup_ms() const noexcept { return setup_ms_; }
    // The handshake completed (COOKIE ACK, or the server's accept), whatever came after.
    [[nodiscard]] bool handshake_done() const noexcept { return handshake_done_; }
    // Per inbound stream: new DATA chunks received, and their user-data bytes.
    [[nodiscard]] const std::vector<std::uint64_t>& stream_chunks_in() const noexcept { return stream_in_; }
    [[nodiscard]] const std::vector<std::uint64_t>& stream_bytes_in() const noexcept { return stream_bytes_in_; }
    // What the peer's ABORT or ERROR said, for reports ("" if nothing).
    [[nodiscard]] const std::string& peer_reason() const noexcept { return peer_reason_; }

private:
    explicit SctpAssociation(const SctpEndpointConfig& config) : config_(config) {}

    enum class Timer : std::uint8_t { none, init, cookie, shutdown, shutdown_ack };

    void queue(std::uint32_t vtag, std::vector<std::uint8_t> chunks);
    void send_init();
    void send_sack();
    void send_shutdown(std::uint64_t now_ms);
    void queue_data(std::uint32_t tsn, std::uint16_t stream, std::uint16_t ssn, std::uint32_t ppid,
                    std::span<const std::uint8_t> payload);
    void established_at(std::uint64_t now_ms);
    void resend_due(std::uint64_t now_ms);
    void arm(Timer t, std::uint64_t now_ms);
    void fail(SctpFailure f);
    void close_clean();
    void on_chunk_established(const SctpChunkView& c, std::uint64_t now_ms);
    bool vtag_ok(std::uint32_t vtag, std::span<const std::uint8_t> chunks) const noexcept;

    SctpEndpointConfig config_;
    SctpState state_ = SctpState::closed;
    SctpFailure failure_ = SctpFailure::none;
    std::uint32_t local_tag_ = 0;
    std::uint32_t peer_tag_ = 0;
    std::uint32_t local_initial_tsn_ = 0;
    std::uint32_t next_tsn_ = 0;
    std::uint32_t peer_cum_ack_ = 0;
    AckProgress ack_progress_;
    std::uint32_t peer_rwnd_ = 0;
    std::uint16_t out_streams_ = 0;
    std::uint16_t in_streams_ = 0;
    std::vector<std::uint16_t> next_ssn_;
    std::vector<std::uint64_t> stream_in_;
    std::vector<std::uint64_t> stream_bytes_in_;
    SctpTsnTracker tsns_;
    std::vector<std::uint8_t> cookie_;  // client: the cookie to echo

    Timer timer_ = Timer::none;
    std::uint64_t timer_at_ms_ = ~std::uint64_t{0};
    std::uint32_t rto_ms_ = 0;
    std::uint32_t retries_ = 0;
    std::uint64_t started_ms_ = 0;
    std::uint64_t setup_ms_ = 0;
    bool handshake_done_ = false;

    bool external_data_ = false;
    std::uint32_t unacked_packets_ = 0;  // DATA packets since our last SACK
    std::uint64_t sack_due_ms_ = ~std::uint64_t{0};
    std::uint64_t heartbeat_due_ms_ = ~std::uint64_t{0};
    std::uint32_t heartbeats_unanswered_ = 0;

    SctpSender sender_;
    std::deque<SctpPacketOut> out_;
    SctpAssociationCounters counters_;
    std::string peer_reason_;
};

}  // namespace tg::proto
