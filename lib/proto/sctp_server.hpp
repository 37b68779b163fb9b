// The listening side of SCTP: it answers INIT with an INIT ACK that carries a signed
// state cookie and keeps no state until a COOKIE ECHO returns a cookie that checks out
// (RFC 9260 section 5.1.3). Then it holds the association, keyed by the peer's address
// and port and its own port, and passes that association's packets to it. Packets that
// belong to no association are answered as RFC 9260 section 8.4 says.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <span>
#include <tuple>

#include "proto/sctp_association.hpp"
#include "proto/sctp_cookie.hpp"

namespace tg::proto {

struct SctpServerConfig {
    std::uint16_t outbound_streams = 65535;   // offered; the peer's inbound count caps it
    std::uint16_t max_inbound_streams = 65535;
    std::uint32_t a_rwnd = 1u << 20;
    std::size_t max_associations = 65536;
    // RFC 9260 section 8.4 answers most out-of-the-blue packets with ABORT. A sink that also
    // counts stateless test traffic turns this off: it would answer every such packet.
    bool answer_out_of_the_blue = true;
    SctpTimers timers{};
};

struct SctpServerCounters {
    std::uint64_t inits = 0;
    std::uint64_t cookies_accepted = 0;
    std::uint64_t cookies_forged = 0;     // bad signature: not ours, or altered
    std::uint64_t cookies_stale = 0;      // answered with a Stale Cookie error
    std::uint64_t cookies_malformed = 0;
    std::uint64_t cookies_mismatched = 0; // good cookie, wrong tag, address or port
    std::uint64_t duplicate_cookie_echoes = 0;
    std::uint64_t restarts = 0;           // a new cookie for a peer that had an association
    std::uint64_t out_of_the_blue = 0;
    std::uint64_t refused_full = 0;
};

struct SctpServerPacket {
    IpAddress peer{};
    IpAddress local{};
    std::uint16_t peer_port = 0;
    std::uint16_t local_port = 0;
    SctpPacketOut packet;
};

class SctpServer {
public:
    SctpServer(const SctpServerConfig& config, const SctpCookieSigner& signer, std::uint64_t seed);

    // A packet from `peer`:`peer_port` to our `local`:`local_port`.
    void receive(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local, std::uint16_t local_port,
                 std::uint32_t vtag, std::span<const std::uint8_t> chunks, std::uint64_t now_ms);
    void tick(std::uint64_t now_ms);
    bool pop(SctpServerPacket& out);

    [[nodiscard]] SctpAssociation* find(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port);
    template <typename F>
    void for_each(F f) const {
        for (const auto& [k, a] : associations_) f(a);
    }
    [[nodiscard]] std::size_t size() const noexcept { return associations_.size(); }
    [[nodiscard]] const SctpServerCounters& counters() const noexcept { return counters_; }

private:
    using Key = std::tuple<IpFamily, std::array<std::uint8_t, 16>, std::uint16_t, std::uint16_t>;
    static Key key_of(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port);
    void reply(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local, std::uint16_t local_port,
               std::uint32_t vtag, std::vector<std::uint8_t> chunks);
    void on_init(const IpAddress& peer, std::uint16_t peer_port, const IpAddress& local, std::uint16_t local_port,
                 const SctpChunkView& c, std::uint64_t now_ms);
    void on_cookie_echo(const IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port, std::uint32_t vtag,
                        const SctpChunkView& c, std::span<const std::uint8_t> all, std::uint64_t now_ms);
    std::uint32_t nonzero_random();

    SctpServerConfig config_;
    SctpCookieSigner signer_;
    std::mt19937_64 random_;
    std::map<Key, SctpAssociation> associations_;
    std::deque<SctpServerPacket> out_;
    SctpServerCounters counters_;
};

}  // namespace tg::proto
