// A client connection and the listener joined by an in-memory wire, under a clock the
// test moves; the test can watch every segment, drop any of them, and inject its own.
#pragma once

#include <functional>
#include <vector>

#include "proto/tcp.hpp"
#include "proto/tcp_connection.hpp"
#include "proto/tcp_listener.hpp"

namespace tg::proto::testing {

inline const IpAddress tcp_client_ip = *IpAddress::parse("198.18.0.1");
inline const IpAddress tcp_server_ip = *IpAddress::parse("198.19.0.1");
inline constexpr std::uint16_t tcp_server_port = 5201;

inline TcpTimers fast_tcp_timers() {
    TcpTimers t;
    t.rto = {100, 50, 800};
    t.syn_retries = 3;
    t.synack_retries = 3;
    t.max_retransmits = 4;
    t.delayed_ack_ms = 20;
    t.fin_wait_2_ms = 1000;
    t.time_wait_ms = 200;
    return t;
}

// A segment as it crossed the wire, with its own copy of the payload.
struct SeenSegment {
    bool from_client = false;
    TcpSegmentOut segment;
    std::vector<std::uint8_t> data;

    [[nodiscard]] TcpSegmentIn in() const {
        return {segment.seq, segment.ack, segment.flags, segment.window, segment.options, data};
    }
    [[nodiscard]] bool has(std::uint8_t flags) const { return (segment.flags & flags) == flags; }
};

struct TcpWire {
    std::uint64_t now = 1000;
    TcpListener server;
    TcpConnection client;
    // Return false to drop a segment.
    std::function<bool(const SeenSegment&)> pass = [](const SeenSegment&) { return true; };
    std::vector<SeenSegment> seen;

    explicit TcpWire(bool closed_loop = false, std::uint16_t client_port = 40000,
                     std::uint32_t server_window = 1u << 22, std::uint8_t server_shift = 7)
        : server(server_config(server_window, server_shift), 7), client(connect(client_port, now, closed_loop)) {}

    static TcpListenerConfig server_config(std::uint32_t window, std::uint8_t shift) {
        TcpListenerConfig c;
        c.receive_window = window;
        c.window_scale = shift;
        c.timers = fast_tcp_timers();
        return c;
    }
    static TcpConnection connect(std::uint16_t port, std::uint64_t now, bool closed_loop) {
        TcpEndpointConfig c;
        c.closed_loop = closed_loop;
        c.local_address = tcp_client_ip;
        c.peer_address = tcp_server_ip;
        c.local_port = port;
        c.peer_port = tcp_server_port;
        c.timers = fast_tcp_timers();
        return TcpConnection::connect(c, 0xfffff000u, now);  // wraps soon after the start
    }

    void to_server(const TcpSegmentIn& s) {
        server.receive(tcp_client_ip, client.config().local_port, tcp_server_ip, tcp_server_port, s, now);
    }
    // Moves segments both ways until neither side has any.
    void flush() {
        for (int round = 0; round < 10000; ++round) {
            bool moved = false;
            TcpSegmentOut o;
            while (client.pop(o)) {
                moved = true;
                seen.push_back({true, o, {o.payload.begin(), o.payload.end()}});
                if (pass(seen.back())) to_server(seen.back().in());
            }
            TcpServerSegment so;
            while (server.pop(so)) {
                moved = true;
                seen.push_back({false, so.segment, {so.segment.payload.begin(), so.segment.payload.end()}});
                if (so.peer_port == client.config().local_port && pass(seen.back())) client.receive(seen.back().in(), now);
            }
            if (!moved) return;
        }
    }
    void step(std::uint64_t ms = 5) {
        now += ms;
        client.tick(now);
        server.tick(now);
        flush();
    }
    void run_for(std::uint64_t ms) {
        const std::uint64_t end = now + ms;
        while (now < end) step();
    }
    TcpConnection* server_side() { return server.find(tcp_client_ip, client.config().local_port, tcp_server_port); }
    [[nodiscard]] std::size_t count(bool from_client, std::uint8_t flags) const {
        std::size_t n = 0;
        for (const auto& s : seen) n += (s.from_client == from_client && s.has(flags)) ? 1 : 0;
        return n;
    }
};

}  // namespace tg::proto::testing
