// Per peer address, the L2 header the sink answers with: the peer's frame with its MACs
// swapped and its VLAN tags kept. Learnt from each frame that reaches a responder.
#pragma once

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "proto/build.hpp"
#include "proto/parse.hpp"

namespace tg::sink {

class WayBack {
public:
    void learn(const proto::PacketView& v) {
        proto::L2Spec& back = by_peer_[key_of(v.source())];
        std::copy_n(v.frame.data() + 6, 6, back.dst.bytes.begin());
        std::copy_n(v.frame.data(), 6, back.src.bytes.begin());
        back.vlan_count = v.vlan_count;
        for (std::uint8_t i = 0; i < v.vlan_count; ++i) back.vlans[i] = {v.vlan_tpid[i], v.vlan_tci[i]};
    }
    // Null for a peer never heard from: there is no way to reach it.
    [[nodiscard]] const proto::L2Spec* find(const proto::IpAddress& peer) const {
        const auto it = by_peer_.find(key_of(peer));
        return it == by_peer_.end() ? nullptr : &it->second;
    }

private:
    using Key = std::pair<proto::IpFamily, std::array<std::uint8_t, 16>>;
    static Key key_of(const proto::IpAddress& a) { return {a.family, a.bytes16()}; }

    std::map<Key, proto::L2Spec> by_peer_;
};

}  // namespace tg::sink
