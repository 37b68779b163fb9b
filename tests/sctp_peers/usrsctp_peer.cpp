// A real SCTP stack to hold trafficgen's SCTP against: usrsctp (the stack in browsers'
// WebRTC), over raw IPv4, so it runs in a namespace with no kernel SCTP. One endpoint per
// namespace.
//
//   usrsctp_peer server PORT [SECONDS [abort]]
//       accepts associations on PORT and counts the messages and bytes it receives per
//       stream id; prints "usrsctp_peer: listening" on stderr when ready, and one JSON
//       object on stdout when SIGINT or SIGTERM arrives or SECONDS (60) pass:
//       {"associations": N, "messages": M, "bytes": B, "streams": {"0": {"messages":..,
//        "bytes":..}, ...}, "shutdowns": S, "aborts": A}. Packets for no association or
//       port of its own are dropped silently unless "abort" is given: then an INIT to a
//       port nobody listens on is answered with ABORT, as RFC 9260 section 8.4 has it.
//   usrsctp_peer client ADDRESS PORT STREAMS MESSAGES SIZE
//       associates with ADDRESS:PORT asking for STREAMS outbound streams, sends MESSAGES
//       messages of SIZE bytes over the streams in turn, shuts down gracefully and prints
//       {"connected": true|false, "streams": granted, "sent": n, "bytes": b}.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <unistd.h>
#include <usrsctp.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<bool> stop{false};
void on_signal(int) { stop = true; }

struct Tally {
    std::uint64_t messages = 0, bytes = 0;
};

std::mutex mutex;
std::map<std::uint16_t, Tally> per_stream;
std::uint64_t associations = 0, shutdowns = 0, aborts = 0;

int on_receive(struct socket*, union sctp_sockstore, void* data, size_t len, struct sctp_rcvinfo info, int flags,
               void*) {
    if (data == nullptr) return 1;
    std::lock_guard lock(mutex);
    if ((flags & MSG_NOTIFICATION) != 0) {
        const auto* n = static_cast<const union sctp_notification*>(data);
        if (n->sn_header.sn_type == SCTP_ASSOC_CHANGE) {
            const auto state = n->sn_assoc_change.sac_state;
            if (state == SCTP_COMM_UP) ++associations;
            if (state == SCTP_SHUTDOWN_COMP) ++shutdowns;
            if (state == SCTP_COMM_LOST) ++aborts;
        }
    } else {
        auto& t = per_stream[info.rcv_sid];
        ++t.messages;
        t.bytes += len;
    }
    std::free(data);
    return 1;
}

bool parse_number(const char* text, unsigned long max, unsigned long& out) {
    char* end = nullptr;
    out = std::strtoul(text, &end, 10);
    return *text != '\0' && *end == '\0' && out <= max;
}

int server(unsigned long port, unsigned long seconds) {
    struct socket* s = usrsctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, on_receive, nullptr, 0, nullptr);
    if (s == nullptr) {
        std::perror("usrsctp_peer: socket");
        return 3;
    }
    const int on = 1;
    usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
    struct sctp_event ev {};
    ev.se_assoc_id = SCTP_ALL_ASSOC;
    ev.se_on = 1;
    ev.se_type = SCTP_ASSOC_CHANGE;
    usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
    struct sctp_initmsg init {};
    init.sinit_num_ostreams = 1;
    init.sinit_max_instreams = 65535;
    usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof init);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (usrsctp_bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || usrsctp_listen(s, 128) != 0) {
        std::perror("usrsctp_peer: bind");
        return 3;
    }
    std::fprintf(stderr, "usrsctp_peer: listening on port %lu\n", port);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!stop && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard lock(mutex);
    std::uint64_t messages = 0, bytes = 0;
    std::string streams;
    for (const auto& [sid, t] : per_stream) {
        messages += t.messages;
        bytes += t.bytes;
        streams += (streams.empty() ? "" : ", ") + std::string("\"") + std::to_string(sid) + "\": {\"messages\": " +
                   std::to_string(t.messages) + ", \"bytes\": " + std::to_string(t.bytes) + "}";
    }
    std::printf("{\"associations\": %llu, \"messages\": %llu, \"bytes\": %llu, \"streams\": {%s}, \"shutdowns\": %llu, "
                "\"aborts\": %llu}\n",
                static_cast<unsigned long long>(associations), static_cast<unsigned long long>(messages),
                static_cast<unsigned long long>(bytes), streams.c_str(), static_cast<unsigned long long>(shutdowns),
                static_cast<unsigned long long>(aborts));
    std::fflush(stdout);
    usrsctp_close(s);
    return 0;
}

int client(const char* address, unsigned long port, unsigned long streams, unsigned long messages, unsigned long size) {
    struct socket* s = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
    if (s == nullptr) {
        std::perror("usrsctp_peer: socket");
        return 3;
    }
    struct sctp_initmsg init {};
    init.sinit_num_ostreams = static_cast<std::uint16_t>(streams);
    init.sinit_max_instreams = 65535;
    init.sinit_max_attempts = 4;
    usrsctp_setsockopt(s, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof init);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, address, &a.sin_addr) != 1) {
        std::fprintf(stderr, "usrsctp_peer: '%s' is not an IPv4 address\n", address);
        return 2;
    }
    bool connected = usrsctp_connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    unsigned long granted = 0, sent = 0, bytes = 0;
    if (connected) {
        struct sctp_status st {};
        socklen_t len = sizeof st;
        if (usrsctp_getsockopt(s, IPPROTO_SCTP, SCTP_STATUS, &st, &len) == 0) granted = st.sstat_outstrms;
        std::vector<char> payload(size, 'u');
        for (unsigned long i = 0; i < messages && granted > 0 && !stop; ++i) {
            struct sctp_sndinfo info {};
            info.snd_sid = static_cast<std::uint16_t>(i % granted);
            info.snd_ppid = htonl(46);
            if (usrsctp_sendv(s, payload.data(), payload.size(), nullptr, 0, &info, sizeof info, SCTP_SENDV_SNDINFO, 0) < 0) {
                std::perror("usrsctp_peer: send");
                break;
            }
            ++sent;
            bytes += size;
        }
        usrsctp_shutdown(s, SHUT_WR);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the SHUTDOWN exchange
    } else {
        std::perror("usrsctp_peer: connect");
    }
    usrsctp_close(s);
    std::printf("{\"connected\": %s, \"streams\": %lu, \"sent\": %lu, \"bytes\": %lu}\n", connected ? "true" : "false",
                granted, sent, bytes);
    std::fflush(stdout);
    return connected ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    const std::string role = argc > 1 ? argv[1] : "";
    unsigned long port = 0, seconds = 60, streams = 0, messages = 0, size = 0;
    const bool abort_strays = role == "server" && argc == 5 && std::string(argv[4]) == "abort";
    const bool server_args = role == "server" && (argc == 3 || argc == 4 || abort_strays) &&
                             parse_number(argv[2], 65535, port) && (argc == 3 || parse_number(argv[3], 3600, seconds));
    const bool client_args = role == "client" && argc == 7 && parse_number(argv[3], 65535, port) &&
                             parse_number(argv[4], 65535, streams) && streams > 0 &&
                             parse_number(argv[5], 100000000, messages) && parse_number(argv[6], 65000, size) && size > 0;
    if (!server_args && !client_args) {
        std::fprintf(stderr, "usage: usrsctp_peer server PORT [SECONDS [abort]] | client ADDRESS PORT STREAMS MESSAGES SIZE\n");
        return 2;
    }
    usrsctp_init(0, nullptr, nullptr);  // raw IPv4, no UDP encapsulation
    usrsctp_sysctl_set_sctp_blackhole(abort_strays ? 0 : 2);
    const int rc = server_args ? server(port, seconds) : client(argv[2], port, streams, messages, size);
    for (int i = 0; i < 50 && usrsctp_finish() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return rc;
}
