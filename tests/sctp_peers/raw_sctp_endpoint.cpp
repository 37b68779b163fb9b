// trafficgen's SCTP endpoint (lib/proto: SctpAssociation, SctpServer) over a raw IPv4
// socket, so that it can be held against a real SCTP stack (usrsctp_peer) in the lab
// without DPDK in the way. The kernel adds the IP header; this program writes the SCTP
// common header and the CRC32c, and checks the CRC32c of what it receives.
//
//   raw_sctp_endpoint client SOURCE DESTINATION PORT STREAMS MESSAGES SIZE
//       associates (from port 45000), sends MESSAGES messages of SIZE bytes over STREAMS
//       streams in turn, never more than 32 unacknowledged, shuts down, and prints
//       {"established": .., "setup_ms": .., "streams": granted, "sent": .., "bytes": ..,
//        "acked": .., "state": "..", "failure": ".."}
//   raw_sctp_endpoint server ADDRESS PORT [SECONDS]
//       answers associations on PORT, prints "raw_sctp_endpoint: listening" on stderr,
//       and on SIGINT, SIGTERM or after SECONDS (60) prints {"associations": ..,
//       "messages": .., "bytes": .., "streams": {"0": n, ...}, "shutdowns": .., "bad_crc": ..}
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "proto/byte_order.hpp"
#include "proto/crc32c.hpp"
#include "proto/sctp_association.hpp"
#include "proto/sctp_server.hpp"

namespace {

using namespace tg::proto;

volatile sig_atomic_t stop = 0;
void on_signal(int) { stop = 1; }

std::uint64_t now_ms() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

struct Received {
    Ipv4Address from{};
    std::uint16_t src_port = 0, dst_port = 0;
    std::uint32_t vtag = 0;
    std::vector<std::uint8_t> chunks;
};

class RawSctp {
public:
    RawSctp() : fd_(::socket(AF_INET, SOCK_RAW, IPPROTO_SCTP)) {
        if (fd_ < 0) {
            std::perror("raw_sctp_endpoint: raw socket");
            std::exit(3);
        }
    }
    void send(const Ipv4Address& to, std::uint16_t src_port, std::uint16_t dst_port, const SctpPacketOut& p) {
        std::vector<std::uint8_t> b(12 + p.chunks.size());
        store_be16(b.data(), src_port);
        store_be16(b.data() + 2, dst_port);
        store_be32(b.data() + 4, p.vtag);
        std::copy(p.chunks.begin(), p.chunks.end(), b.begin() + 12);
        sctp_set_checksum(b);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        std::memcpy(&a.sin_addr, to.bytes.data(), 4);
        ::sendto(fd_, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    // Waits up to `timeout_ms` for an SCTP packet with a good CRC32c.
    bool receive(Received& r, int timeout_ms) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return false;
        std::uint8_t buf[65536];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n < 20) return false;
        const std::size_t ihl = (buf[0] & 0x0f) * 4u;
        if (static_cast<std::size_t>(n) < ihl + 12) return false;
        const std::span<const std::uint8_t> sctp(buf + ihl, static_cast<std::size_t>(n) - ihl);
        if (!sctp_checksum_ok(sctp)) {
            ++bad_crc;
            return false;
        }
        std::memcpy(r.from.bytes.data(), buf + 12, 4);
        r.src_port = load_be16(sctp.data());
        r.dst_port = load_be16(sctp.data() + 2);
        r.vtag = load_be32(sctp.data() + 4);
        r.chunks.assign(sctp.begin() + 12, sctp.end());
        return true;
    }
    std::uint64_t bad_crc = 0;

private:
    int fd_;
};

Ipv4Address v4(const char* text) {
    const auto a = IpAddress::parse(text);
    if (!a || !a->is_v4()) {
        std::fprintf(stderr, "raw_sctp_endpoint: '%s' is not an IPv4 address\n", text);
        std::exit(2);
    }
    return a->v4;
}

int client(const char* src, const char* dst, std::uint16_t port, std::uint16_t streams, unsigned long messages,
           unsigned long size) {
    RawSctp raw;
    SctpEndpointConfig c;
    c.local_address = v4(src);
    c.peer_address = v4(dst);
    c.local_port = 45000;
    c.peer_port = port;
    c.outbound_streams = streams;
    c.max_inbound_streams = 16;
    c.timers.rto_initial_ms = 300;
    c.timers.max_init_retransmits = 5;
    std::srand(static_cast<unsigned>(::getpid()));
    SctpAssociation a = SctpAssociation::connect(c, static_cast<std::uint32_t>(std::rand()) | 1u,
                                                 static_cast<std::uint32_t>(std::rand()), now_ms());
    const std::vector<std::uint8_t> payload(size, 't');
    unsigned long sent = 0;
    bool shutting = false;
    std::uint64_t last_progress = now_ms();
    std::uint32_t last_ack = a.peer_cumulative_ack();
    while (!stop && a.state() != SctpState::closed) {
        SctpPacketOut out;
        while (a.pop(out)) raw.send(c.peer_address.v4, c.local_port, c.peer_port, out);
        Received r;
        if (raw.receive(r, 5) && r.src_port == c.peer_port && r.dst_port == c.local_port) a.receive(r.vtag, r.chunks, now_ms());
        a.tick(now_ms());
        if (a.peer_cumulative_ack() != last_ack) {
            last_ack = a.peer_cumulative_ack();
            last_progress = now_ms();
        }
        if (!a.established()) continue;
        while (sent < messages && a.next_tsn() - 1 - a.peer_cumulative_ack() < 32) {
            if (!a.send(static_cast<std::uint16_t>(sent % a.outbound_streams()), 46, payload, now_ms())) break;
            ++sent;
        }
        const bool all_acked = a.peer_cumulative_ack() == a.next_tsn() - 1;
        if (!shutting && sent == messages && all_acked) {
            shutting = true;
            a.shutdown(now_ms());
        }
        if (now_ms() - last_progress > 10000) break;  // the peer stopped acknowledging
    }
    const bool acked = a.peer_cumulative_ack() == a.next_tsn() - 1;
    std::printf("{\"established\": %s, \"setup_ms\": %llu, \"streams\": %u, \"sent\": %lu, \"bytes\": %lu, "
                "\"acked\": %s, \"state\": \"%s\", \"failure\": \"%s\", \"bad_crc\": %llu}\n",
                a.setup_ms() > 0 || sent > 0 ? "true" : "false", static_cast<unsigned long long>(a.setup_ms()),
                a.outbound_streams(), sent, sent * size, acked ? "true" : "false", to_string(a.state()),
                to_string(a.failure()), static_cast<unsigned long long>(raw.bad_crc));
    return a.failure() == SctpFailure::none && acked && sent == messages ? 0 : 1;
}

int server(const char* address, std::uint16_t port, unsigned long seconds) {
    RawSctp raw;
    SctpServerConfig c;
    const IpAddress local = v4(address);
    SctpServer s(c, SctpCookieSigner(), static_cast<std::uint64_t>(::getpid()));
    std::fprintf(stderr, "raw_sctp_endpoint: listening on port %u\n", port);
    const std::uint64_t end = now_ms() + seconds * 1000;
    while (!stop && now_ms() < end) {
        Received r;
        if (raw.receive(r, 5) && r.dst_port == port) s.receive(r.from, r.src_port, local, r.dst_port, r.vtag, r.chunks, now_ms());
        s.tick(now_ms());
        SctpServerPacket out;
        while (s.pop(out)) raw.send(out.peer.v4, out.local_port, out.peer_port, out.packet);
    }
    std::map<std::uint16_t, std::uint64_t> streams;
    std::uint64_t messages = 0, bytes = 0, shutdowns = 0;
    s.for_each([&](const SctpAssociation& a) {
        for (std::size_t i = 0; i < a.stream_chunks_in().size(); ++i) {
            if (a.stream_chunks_in()[i] > 0) streams[static_cast<std::uint16_t>(i)] += a.stream_chunks_in()[i];
        }
        messages += a.counters().data_in;
        bytes += a.counters().data_bytes_in;
        if (a.state() == SctpState::closed && a.failure() == SctpFailure::none) ++shutdowns;
    });
    std::string list;
    for (const auto& [sid, n] : streams) list += (list.empty() ? "\"" : ", \"") + std::to_string(sid) + "\": " + std::to_string(n);
    std::printf("{\"associations\": %zu, \"messages\": %llu, \"bytes\": %llu, \"streams\": {%s}, \"shutdowns\": %llu, "
                "\"bad_crc\": %llu}\n",
                s.size(), static_cast<unsigned long long>(messages), static_cast<unsigned long long>(bytes), list.c_str(),
                static_cast<unsigned long long>(shutdowns), static_cast<unsigned long long>(raw.bad_crc));
    return 0;
}

bool number(const char* text, unsigned long max, unsigned long& out) {
    char* end = nullptr;
    out = std::strtoul(text, &end, 10);
    return *text != '\0' && *end == '\0' && out <= max;
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    const std::string role = argc > 1 ? argv[1] : "";
    unsigned long port = 0, streams = 0, messages = 0, size = 0, seconds = 60;
    if (role == "client" && argc == 8 && number(argv[4], 65535, port) && number(argv[5], 65535, streams) && streams > 0 &&
        number(argv[6], 100000000, messages) && number(argv[7], 65000, size) && size > 0) {
        return client(argv[2], argv[3], static_cast<std::uint16_t>(port), static_cast<std::uint16_t>(streams), messages, size);
    }
    if (role == "server" && (argc == 4 || argc == 5) && number(argv[3], 65535, port) &&
        (argc == 4 || number(argv[4], 3600, seconds))) {
        return server(argv[2], static_cast<std::uint16_t>(port), seconds);
    }
    std::fprintf(stderr,
                 "usage: raw_sctp_endpoint client SOURCE DESTINATION PORT STREAMS MESSAGES SIZE | server ADDRESS PORT [SECONDS]\n");
    return 2;
}
