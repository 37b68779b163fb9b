// A client association and the stateless server joined by an in-memory wire, under a
// clock the test moves; the test can watch every packet and drop any of them.
#pragma once

#include <functional>
#include <vector>

#include "proto/sctp_association.hpp"
#include "proto/sctp_server.hpp"

namespace tg::proto::testing {

inline const IpAddress client_ip = *IpAddress::parse("198.18.0.1");
inline const IpAddress server_ip = *IpAddress::parse("198.19.0.1");
inline constexpr std::uint16_t server_port = 36412;  // S1AP's

inline SctpTimers fast_timers() {
    SctpTimers t;
    t.rto_initial_ms = 100;
    t.rto_min_ms = 50;
    t.rto_max_ms = 400;
    t.max_init_retransmits = 4;
    t.max_retransmits = 3;
    t.cookie_life_ms = 1000;
    t.heartbeat_interval_ms = 500;
    t.sack_delay_ms = 50;
    return t;
}

inline std::uint8_t first_chunk_type(const SctpPacketOut& p) {
    return p.chunks.empty() ? 0xff : p.chunks[0];
}

// A client and a server joined by a wire the test can watch and cut.
struct Wire {
    std::uint64_t now = 1000;  // first: the members below start at this time
    SctpCookieSigner signer{std::array<std::uint8_t, 32>{1, 2, 3}};
    SctpServer server;
    SctpAssociation client;
    // Return false to drop a packet: (from_client, packet).
    std::function<bool(bool, SctpPacketOut&)> pass = [](bool, SctpPacketOut&) { return true; };
    std::vector<std::pair<bool, SctpPacketOut>> seen;

    explicit Wire(std::uint16_t streams = 4, std::uint16_t client_port = 40000, bool closed_loop = false,
                  std::uint32_t server_rwnd = 1u << 20)
        : server(server_config(server_rwnd), signer, 7), client(connect(streams, client_port, now, closed_loop)) {}

    static SctpServerConfig server_config(std::uint32_t a_rwnd) {
        SctpServerConfig c;
        c.a_rwnd = a_rwnd;
        c.outbound_streams = 8;
        c.max_inbound_streams = 16;
        c.timers = fast_timers();
        return c;
    }
    static SctpAssociation connect(std::uint16_t streams, std::uint16_t port, std::uint64_t now, bool closed_loop) {
        SctpEndpointConfig c;
        c.closed_loop = closed_loop;
        c.local_address = client_ip;
        c.peer_address = server_ip;
        c.local_port = port;
        c.peer_port = server_port;
        c.outbound_streams = streams;
        c.max_inbound_streams = 10;
        c.timers = fast_timers();
        return SctpAssociation::connect(c, 0x11111111u + port, 5000, now);
    }

    // The server's first packet that starts with this chunk type is lost.
    void drop_first_from_server(std::uint8_t type) {
        pass = [type, dropped = false](bool from_client, SctpPacketOut& p) mutable {
            if (from_client || dropped || first_chunk_type(p) != type) return true;
            dropped = true;
            return false;
        };
    }
    // Moves packets both ways until neither side has any.
    void flush() {
        for (int round = 0; round < 100; ++round) {
            bool moved = false;
            SctpPacketOut p;
            while (client.pop(p)) {
                moved = true;
                seen.emplace_back(true, p);
                if (pass(true, p)) server.receive(client_ip, client.config().local_port, server_ip, server_port, p.vtag, p.chunks, now);
            }
            SctpServerPacket sp;
            while (server.pop(sp)) {
                moved = true;
                seen.emplace_back(false, sp.packet);
                if (sp.peer_port == client.config().local_port && pass(false, sp.packet)) {
                    client.receive(sp.packet.vtag, sp.packet.chunks, now);
                }
            }
            if (!moved) return;
        }
    }
    // Moves time forward in small steps, running timers and the wire.
    void run_for(std::uint64_t ms) {
        const std::uint64_t end = now + ms;
        while (now < end) {
            now += 10;
            client.tick(now);
            server.tick(now);
            flush();
        }
    }
    SctpAssociation* server_side() { return server.find(client_ip, client.config().local_port, server_port); }
    std::size_t count(bool from_client, std::uint8_t type) const {
        std::size_t n = 0;
        for (const auto& [c, p] : seen) n += (c == from_client && first_chunk_type(p) == type) ? 1 : 0;
        return n;
    }
};

}  // namespace tg::proto::testing
