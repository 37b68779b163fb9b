// The listening side of TCP for a sink: it answers a SYN on any port with a SYN-ACK,
// holds each connection keyed by the peer's address and port and its own port, passes
// it that connection's segments, and answers the peer's FIN with its own. What the
// server sends (answers to requests) goes closed loop: windows, retransmission. Connections
// that ended are folded into totals and forgotten, so a run of many short connections
// (TCP_CRR) keeps only the live ones. Segments of no connection get a RST (RFC 9293
// section 3.10.7.1) unless the sink also counts stateless TCP test traffic.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <tuple>

#include "proto/tcp_connection.hpp"

namespace tg::proto {

struct TcpListenerConfig {
    std::uint16_t mss = 1460;
    std::uint8_t window_scale = 7;
    std::uint32_t receive_window = 1u << 22;
    bool sack = true;
    bool timestamps = true;
    std::size_t max_connections = 65536;
    bool answer_out_of_the_blue = true;
    TcpTimers timers{};
};

struct TcpListenerCounters {
    std::uint64_t syns = 0;             // SYNs that opened a connection
    std::uint64_t refused_full = 0;     // SYNs past max_connections: answered with RST
    std::uint64_t out_of_the_blue = 0;  // segments of no connection
    std::uint64_t resets_sent = 0;      // to those
    std::uint64_t reopened = 0;         // a SYN for a 4-tuple whose connection was ending
};

// Over every connection, the ended and the live ones.
struct TcpServerTotals {
    std::uint64_t established = 0;  // handshakes completed
    std::uint64_t closed_clean = 0;
    std::map<std::string, std::uint64_t> failed;  // by reason
    std::uint64_t bytes_in = 0;
    std::uint64_t duplicate_bytes_in = 0;
    std::uint64_t out_of_order_in = 0;
    std::uint64_t out_of_window_in = 0;
    std::uint64_t bad_ack_in = 0;
    std::uint64_t challenge_acks = 0;
    std::uint64_t syn_retransmits = 0;  // SYN-ACKs sent again
    std::uint64_t acks_out = 0;
};

struct TcpServerSegment {
    IpAddress peer{};
    IpAddress local{};
    std::uint16_t peer_port = 0;
    std::uint16_t local_port = 0;
    TcpSegmentOut segment;  // its payload stays valid until the listener is next called
};

class TcpListener {
public:
    TcpListener(const TcpListenerConfig& config, std::uint64_t seed);

    // A segment from `peer`:`peer_port` to our `local`:`local_port`.
    void receive(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local, std::uint16_t local_port,
                 const TcpSegmentIn& segment, std::uint64_t now_ms);
    void tick(std::uint64_t now_ms);
    bool pop(TcpServerSegment& out);

    [[nodiscard]] TcpConnection* find(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port);
    // Data to the peer on a live connection, one segment (at most its send_mss()); resent
    // until acknowledged. False when there is no such connection or no room in its windows.
    bool send(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port,
              std::span<const std::uint8_t> payload, std::uint64_t now_ms);
    template <typename F>
    void for_each(F f) const {
        for (const auto& [k, e] : connections_) f(e.connection);
    }
    [[nodiscard]] std::size_t size() const noexcept { return connections_.size(); }
    [[nodiscard]] const TcpListenerCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] TcpServerTotals totals() const;

private:
    using Key = std::tuple<IpFamily, std::array<std::uint8_t, 16>, std::uint16_t, std::uint16_t>;
    struct Entry {
        TcpConnection connection;
        IpAddress local;
        bool pending = false;  // may have segments to send
    };
    static Key key_of(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port);
    static void fold(TcpServerTotals& t, const TcpConnection& c);
    void mark(const Key& k, Entry& e);
    void reset_out_of_the_blue(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local,
                               std::uint16_t local_port, const TcpSegmentIn& s);

    TcpListenerConfig config_;
    std::mt19937_64 random_;
    std::map<Key, Entry> connections_;
    std::deque<Key> pending_;
    std::deque<TcpServerSegment> resets_;
    TcpListenerCounters counters_;
    TcpServerTotals ended_;
};

}  // namespace tg::proto
