// The answers a sink owes to requests on its sessions (proto/request.hpp), per session:
// how many bytes are still to go, and the header the first of them starts with. The
// responders pass only requests their sessions took as new data, so a resent request is
// answered once.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <tuple>
#include <vector>

#include "proto/address.hpp"
#include "proto/request.hpp"

namespace tg::sink {

struct RequestCounters {
    std::uint64_t requests = 0;        // requests answered (each once)
    std::uint64_t response_bytes = 0;  // payload bytes of the answers, handed to their sessions
};

class OwedAnswers {
public:
    using Key = std::tuple<proto::IpFamily, std::array<std::uint8_t, 16>, std::uint16_t, std::uint16_t>;
    struct Owed {
        proto::IpAddress peer{};
        std::uint16_t peer_port = 0;
        std::uint16_t local_port = 0;
        std::uint64_t remaining = 0;
        proto::TestHeader head;  // the request's, for the answer's first bytes
        bool head_due = false;
        std::uint32_t ppid = 0;  // SCTP: the request's
    };

    OwedAnswers() : chunk_(std::size_t{64} * 1024, 0x5a) {}

    // A request taken by the session of `peer`:`peer_port` and our `local_port`.
    void owe(const proto::IpAddress& peer, std::uint16_t peer_port, std::uint16_t local_port, const proto::Request& r,
             std::uint32_t ppid = 0) {
        Owed& o = owed_[Key{peer.family, peer.bytes16(), peer_port, local_port}];
        o.peer = peer;
        o.peer_port = peer_port;
        o.local_port = local_port;
        if (o.remaining == 0) ++owing_;
        o.remaining += std::clamp(r.response_bytes, proto::response_min_bytes, proto::response_max_bytes);
        o.head = r.header;
        o.head_due = true;
        o.ppid = ppid;
        ++counters_.requests;
    }
    // Some session still has answer bytes to send.
    [[nodiscard]] bool owing() const noexcept { return owing_ > 0; }
    [[nodiscard]] bool empty() const noexcept { return owed_.empty(); }
    // Hands each session what its windows take: `send(owed, payload)` says whether the
    // session took the payload (at most `max_payload(owed)` bytes). Sessions that are
    // gone (`alive(owed)` false) are forgotten.
    template <typename Max, typename Send, typename Alive>
    void drain(Max max_payload, Send send, Alive alive) {
        for (auto it = owed_.begin(); it != owed_.end();) {
            Owed& o = it->second;
            while (o.remaining > 0) {
                const std::size_t len = std::min<std::uint64_t>({o.remaining, max_payload(o), chunk_.size()});
                if (len == 0) break;
                std::span<std::uint8_t> payload(chunk_.data(), len);
                if (o.head_due && len >= proto::response_min_bytes) (void)proto::write_response_head(payload, o.head);
                const bool took = send(o, std::span<const std::uint8_t>(payload));
                if (o.head_due) std::fill_n(chunk_.begin(), proto::response_min_bytes, std::uint8_t{0x5a});
                if (!took) break;
                o.head_due = false;
                o.remaining -= len;
                counters_.response_bytes += len;
                if (o.remaining == 0) --owing_;
            }
            if (!alive(o)) {
                if (o.remaining > 0) --owing_;
                it = owed_.erase(it);
            } else {
                ++it;
            }
        }
    }
    [[nodiscard]] const RequestCounters& counters() const noexcept { return counters_; }

private:
    std::map<Key, Owed> owed_;
    std::vector<std::uint8_t> chunk_;  // filler, with the header written over its start when due
    std::size_t owing_ = 0;  // sessions with remaining > 0
    RequestCounters counters_;
};

}  // namespace tg::sink
