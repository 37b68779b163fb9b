// A kernel UDP socket that counts what it receives, for the end-to-end suite: the kernel
// hands a socket only datagrams whose checksum it verified, so what arrives here is valid.
//
//   udp_counter PORT      binds 0.0.0.0:PORT, prints "udp_counter: ready" on stderr, counts
//                         until SIGINT or SIGTERM, then prints one JSON line on stdout:
//                         datagrams, bytes, test_headers (payloads that start with a valid
//                         trafficgen test header) and flows (distinct flow ids among them).
// Bounded: it stops by itself after 120 s.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "proto/test_header.hpp"

namespace {

volatile sig_atomic_t stop_requested = 0;

void on_signal(int) { stop_requested = 1; }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: udp_counter PORT\n");
        return 2;
    }
    char* end = nullptr;
    const long port = std::strtol(argv[1], &end, 10);
    if (*end != '\0' || port < 1 || port > 65535) {
        std::fprintf(stderr, "udp_counter: port '%s' is not a number from 1 to 65535\n", argv[1]);
        return 2;
    }
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const int rcvbuf = 32 << 20;
    // As root the buffer may exceed rmem_max: no datagram is lost to a full socket.
    if (fd < 0 || ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0) {
        std::perror("udp_counter: socket");
        return 3;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        std::perror("udp_counter: bind");
        return 3;
    }
    std::fprintf(stderr, "udp_counter: ready on port %ld\n", port);

    std::uint64_t datagrams = 0, bytes = 0, headers = 0;
    std::set<std::uint32_t> flows;
    static std::uint8_t buf[65536];
    const auto start = std::chrono::steady_clock::now();
    while (!stop_requested && std::chrono::steady_clock::now() - start < std::chrono::seconds(120)) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        for (;;) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n < 0) break;
            ++datagrams;
            bytes += static_cast<std::uint64_t>(n);
            tg::proto::TestHeader h;
            if (tg::proto::read_test_header({buf, static_cast<std::size_t>(n)}, h) == tg::proto::TestHeaderStatus::ok) {
                ++headers;
                flows.insert(h.flow_id);
            }
        }
    }
    std::printf("{\"datagrams\": %llu, \"bytes\": %llu, \"test_headers\": %llu, \"flows\": %zu}\n",
                static_cast<unsigned long long>(datagrams), static_cast<unsigned long long>(bytes),
                static_cast<unsigned long long>(headers), flows.size());
    return 0;
}
