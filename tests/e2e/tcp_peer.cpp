// The kernel's TCP as a peer for the end-to-end suite: whatever it accepts passed the
// kernel's own checks (checksums, sequence numbers, window), so it judges trafficgen's
// TCP independently.
//
//   tcp_peer server PORT SECS
//       listens on PORT, prints "tcp_peer: ready" on stderr, accepts every connection and
//       counts its bytes until SIGINT, SIGTERM or SECS; then prints one JSON line:
//       connections, closed_by_peer (FIN seen), reset (RST seen), bytes, per_connection.
//   tcp_peer client ADDR PORT CONNS BYTES
//       opens CONNS connections to ADDR:PORT, sends BYTES on each, closes its side and
//       waits for the peer to close; prints connected, bytes_sent, closed_by_peer, errors.
//   tcp_peer echo PORT SECS
//       as server, and writes every byte it reads back on its connection (a TCP_RR peer
//       whose responses are its requests); the JSON line's bytes are the bytes echoed.
//   tcp_peer rr ADDR PORT CONNS COUNT REQ RESP
//       request/response as a client: on each of CONNS connections, COUNT times, writes a
//       REQ-byte request in trafficgen's format (test header flagged "request", then the
//       response size RESP) and reads the RESP-byte answer; prints connected,
//       transactions, bytes_received, bad_answers (not starting with the test header
//       flagged "reflected" and the request's sequence number), errors.
// Bounded: every socket call times out after 10 s, and the whole run after 120 s.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace {

volatile sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

bool number(const char* s, long lo, long hi, long& out) {
    char* end = nullptr;
    errno = 0;
    out = std::strtol(s, &end, 10);
    return errno == 0 && end != s && *end == '\0' && out >= lo && out <= hi;
}

void time_out_after(int fd, int seconds) {
    const timeval tv{seconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Writes all of it on a non-blocking socket, waiting for room (10 s at most).
bool write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = write(fd, p, n);
        if (w > 0) {
            p += w;
            n -= static_cast<std::size_t>(w);
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
        pollfd pf{fd, POLLOUT, 0};
        if (poll(&pf, 1, 10000) <= 0) return false;
    }
    return true;
}

struct Conn {
    int fd = -1;
    unsigned long long bytes = 0;
    bool fin = false, reset = false;
};

// Reads what one connection has (echoing it back when `echo`) until it would block; its
// FIN is answered with ours.
void serve_one(Conn& c, std::vector<char>& buf, bool echo) {
    for (;;) {
        const ssize_t n = read(c.fd, buf.data(), buf.size());
        if (n > 0) {
            c.bytes += static_cast<unsigned long long>(n);
            if (echo && !write_all(c.fd, buf.data(), static_cast<std::size_t>(n))) c.reset = true;
            continue;
        }
        if (n == 0) {
            c.fin = true;
            close(c.fd);  // our FIN back
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            c.reset = true;
        }
        return;
    }
}

int serve(long port, long secs, bool echo) {
    const int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (l < 0 || bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(l, 1024) != 0) {
        std::fprintf(stderr, "tcp_peer: cannot listen on port %ld: %s\n", port, std::strerror(errno));
        return 1;
    }
    std::fprintf(stderr, "tcp_peer: ready\n");
    std::vector<Conn> conns;
    std::vector<char> buf(1 << 16);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(secs);
    // Only the connections still open are polled: poll() refuses more descriptors than
    // RLIMIT_NOFILE, which a run of tens of thousands of short connections passes.
    std::vector<std::size_t> open;
    std::vector<pollfd> fds;
    while (!stop_requested && std::chrono::steady_clock::now() < end) {
        fds.assign(1, {l, POLLIN, 0});
        for (std::size_t i : open) fds.push_back({conns[i].fd, POLLIN, 0});
        const int ready = poll(fds.data(), fds.size(), 100);
        if (ready < 0 && errno != EINTR) {
            std::fprintf(stderr, "tcp_peer: poll over %zu descriptors: %s\n", fds.size(), std::strerror(errno));
            return 1;
        }
        if (ready <= 0) continue;
        const std::size_t known = conns.size();
        if (fds[0].revents & POLLIN) {
            for (int fd; (fd = accept4(l, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) conns.push_back({fd});
        }
        std::vector<std::size_t> still_open;
        for (std::size_t k = 1; k < fds.size(); ++k) {
            Conn& c = conns[open[k - 1]];
            if (fds[k].revents != 0) serve_one(c, buf, echo);
            if (!c.fin && !c.reset) still_open.push_back(open[k - 1]);
        }
        for (std::size_t i = known; i < conns.size(); ++i) still_open.push_back(i);  // just accepted
        open.swap(still_open);
    }
    unsigned long long total = 0;
    std::size_t fins = 0, resets = 0;
    std::string per = "[";
    for (const Conn& c : conns) {
        total += c.bytes;
        fins += c.fin ? 1 : 0;
        resets += c.reset ? 1 : 0;
        per += (per.size() > 1 ? "," : "") + std::to_string(c.bytes);
    }
    std::printf("{\"connections\": %zu, \"closed_by_peer\": %zu, \"reset\": %zu, \"bytes\": %llu, \"per_connection\": %s]}\n",
                conns.size(), fins, resets, total, per.c_str());
    return 0;
}

int client(const char* addr, long port, long conns, long bytes) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
        std::fprintf(stderr, "tcp_peer: '%s' is not an IPv4 address\n", addr);
        return 2;
    }
    std::vector<int> fds;
    std::string errors;
    const auto note = [&](const char* what) {
        if (errors.size() < 400) errors += std::string(errors.empty() ? "" : "; ") + what + ": " + std::strerror(errno);
    };
    for (long i = 0; i < conns && !stop_requested; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        time_out_after(fd, 10);
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            note("connect");
            close(fd);
            continue;
        }
        fds.push_back(fd);
    }
    std::vector<char> data(1 << 16, 'x');
    unsigned long long sent = 0;
    for (int fd : fds) {
        for (long left = bytes; left > 0 && !stop_requested;) {
            const ssize_t n = write(fd, data.data(), static_cast<std::size_t>(std::min<long>(left, 1 << 16)));
            if (n <= 0) {
                note("write");
                break;
            }
            left -= n;
            sent += static_cast<unsigned long long>(n);
        }
        shutdown(fd, SHUT_WR);
    }
    std::size_t closed = 0;
    for (int fd : fds) {
        char c;
        const ssize_t n = read(fd, &c, 1);
        if (n == 0) {
            ++closed;
        } else {
            note("waiting for the peer's FIN");
        }
        close(fd);
    }
    std::printf("{\"connected\": %zu, \"bytes_sent\": %llu, \"closed_by_peer\": %zu, \"errors\": \"%s\"}\n", fds.size(),
                sent, closed, errors.c_str());
    return 0;
}

// A request as trafficgen's generator writes one (lib/proto/request.hpp): magic "TG",
// version 1 with the request flag, flow, stream 0, sequence, send time, response size.
void make_request(std::vector<unsigned char>& r, std::uint32_t flow, std::uint32_t seq, std::uint32_t resp) {
    std::fill(r.begin(), r.end(), 'r');
    const unsigned char head[] = {0x54, 0x47, 0x18, static_cast<unsigned char>(flow >> 16),
                                  static_cast<unsigned char>(flow >> 8), static_cast<unsigned char>(flow), 0, 0,
                                  static_cast<unsigned char>(seq >> 24), static_cast<unsigned char>(seq >> 16),
                                  static_cast<unsigned char>(seq >> 8), static_cast<unsigned char>(seq),
                                  0, 0, 0, 0, 0, 1,
                                  static_cast<unsigned char>(resp >> 24), static_cast<unsigned char>(resp >> 16),
                                  static_cast<unsigned char>(resp >> 8), static_cast<unsigned char>(resp)};
    std::memcpy(r.data(), head, sizeof head);
}

int request_response(const char* addr, long port, long conns, long count, long req, long resp) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
        std::fprintf(stderr, "tcp_peer: '%s' is not an IPv4 address\n", addr);
        return 2;
    }
    std::string errors;
    const auto note = [&](const char* what) {
        if (errors.size() < 400) errors += std::string(errors.empty() ? "" : "; ") + what + ": " + std::strerror(errno);
    };
    std::vector<int> fds;
    for (long i = 0; i < conns && !stop_requested; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        time_out_after(fd, 10);
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            note("connect");
            close(fd);
            continue;
        }
        fds.push_back(fd);
    }
    std::vector<unsigned char> request(static_cast<std::size_t>(req)), answer(static_cast<std::size_t>(resp));
    unsigned long long transactions = 0, received = 0, bad = 0;
    for (long t = 0; t < count && !stop_requested; ++t) {
        for (std::size_t c = 0; c < fds.size(); ++c) {
            make_request(request, static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(t), static_cast<std::uint32_t>(resp));
            if (write(fds[c], request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
                note("write");
                continue;
            }
            std::size_t got = 0;
            while (got < answer.size()) {
                const ssize_t n = read(fds[c], answer.data() + got, answer.size() - got);
                if (n <= 0) {
                    note("read");
                    break;
                }
                got += static_cast<std::size_t>(n);
            }
            received += got;
            if (got < answer.size()) continue;
            ++transactions;
            const bool ours = answer[0] == 0x54 && answer[1] == 0x47 && answer[2] == 0x12 &&
                              std::memcmp(answer.data() + 8, request.data() + 8, 4) == 0;
            if (!ours) ++bad;
        }
    }
    for (int fd : fds) {
        shutdown(fd, SHUT_WR);
        char c;
        (void)read(fd, &c, 1);
        close(fd);
    }
    std::printf("{\"connected\": %zu, \"transactions\": %llu, \"bytes_received\": %llu, \"bad_answers\": %llu, "
                "\"errors\": \"%s\"}\n",
                fds.size(), transactions, received, bad, errors.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    alarm(120);
    long port = 0, secs = 0, conns = 0, bytes = 0, count = 0, req = 0, resp = 0;
    const std::string mode = argc > 1 ? argv[1] : "";
    if ((mode == "server" || mode == "echo") && argc == 4 && number(argv[2], 1, 65535, port) &&
        number(argv[3], 1, 110, secs))
        return serve(port, secs, mode == "echo");
    if (mode == "rr" && argc == 8 && number(argv[3], 1, 65535, port) && number(argv[4], 1, 1000, conns) &&
        number(argv[5], 1, 1000000, count) && number(argv[6], 22, 65536, req) && number(argv[7], 18, 1 << 20, resp))
        return request_response(argv[2], port, conns, count, req, resp);
    if (mode == "client" && argc == 6 && number(argv[3], 1, 65535, port) && number(argv[4], 1, 10000, conns) &&
        number(argv[5], 0, 1L << 34, bytes))
        return client(argv[2], port, conns, bytes);
    std::fprintf(stderr, "usage: tcp_peer server|echo PORT SECS | tcp_peer client ADDR PORT CONNS BYTES | "
                         "tcp_peer rr ADDR PORT CONNS COUNT REQ RESP\n");
    return 2;
}
