// Address and port ranges, and the flows stepped through them. Flow i takes the source
// port that steps fastest, then the source address, the destination address and the
// destination port, like an odometer:
//
//   --src-ip 198.18.0.1-198.18.0.4 --src-port 1024-1025   -> 8 flows
//   --flows 100 with single addresses and ports            -> source ports base..base+99
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <string_view>

#include "proto/address.hpp"

namespace tg::traffic {

inline constexpr std::uint32_t max_flows = 1u << 24;  // the test header's flow id

struct IpRange {
    proto::IpAddress first;
    std::uint32_t count = 1;

    // "198.18.0.1", "198.18.0.1-198.18.0.100", "2001:2::1-2001:2::ff"
    [[nodiscard]] static IpRange parse(std::string_view text, std::string_view what);
    [[nodiscard]] proto::IpAddress at(std::uint32_t i) const noexcept;
    [[nodiscard]] std::string to_string() const;
};

struct PortRange {
    std::uint16_t first = 0;
    std::uint32_t count = 1;

    // "5201", "1024-2047"
    [[nodiscard]] static PortRange parse(std::string_view text, std::string_view what);
    [[nodiscard]] std::uint16_t at(std::uint32_t i) const noexcept {
        return static_cast<std::uint16_t>(first + i % count);
    }
    [[nodiscard]] std::string to_string() const;
};

struct FlowTuple {
    proto::IpAddress src;
    proto::IpAddress dst;
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
};

// One end's view of a flow: its own address and port, then the peer's. A session's
// frames are matched to it by all four, so that flows over an address range that share
// ports stay apart.
using FlowKey = std::tuple<std::array<std::uint8_t, 16>, std::uint16_t, std::array<std::uint8_t, 16>, std::uint16_t>;
[[nodiscard]] inline FlowKey flow_key(const proto::IpAddress& local, std::uint16_t local_port,
                                      const proto::IpAddress& peer, std::uint16_t peer_port) {
    return {local.bytes16(), local_port, peer.bytes16(), peer_port};
}

class FlowCursor;

class FlowSet {
public:
    // `flows` 0 means one flow per combination of the ranges. Throws ConfigError when the
    // families differ or there are more flows than the test header can name.
    FlowSet(IpRange src, IpRange dst, PortRange src_port, PortRange dst_port, std::uint32_t flows);

    [[nodiscard]] std::uint32_t size() const noexcept { return flows_; }
    [[nodiscard]] FlowTuple at(std::uint32_t flow) const noexcept;
    [[nodiscard]] bool ipv6() const noexcept { return !src_.first.is_v4(); }

private:
    friend class FlowCursor;
    IpRange src_;
    IpRange dst_;
    PortRange src_port_;
    PortRange dst_port_;
    std::uint32_t flows_ = 1;
};

// Walks flows first, first + step, first + 2*step, ... (wrapping), keeping the current
// tuple so that moving on costs an add, not the divisions of FlowSet::at().
class FlowCursor {
public:
    FlowCursor(const FlowSet& set, std::uint32_t first, std::uint32_t step) noexcept
        : set_(&set), id_(first % set.size()), step_(step % set.size() == 0 ? set.size() : step % set.size()),
          tuple_(set.at(id_)) {}

    [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
    [[nodiscard]] const FlowTuple& tuple() const noexcept { return tuple_; }
    void advance() noexcept {
        if (step_ == set_->size()) return;  // one flow here: nothing changes
        const std::uint32_t next = id_ + step_;
        id_ = next >= set_->size() ? next - set_->size() : next;
        // One dimension turning over needs the full mapping; that is rare.
        if (step_ == 1 && id_ % set_->src_port_.count != 0) {
            tuple_.src_port = static_cast<std::uint16_t>(tuple_.src_port + 1);
        } else {
            tuple_ = set_->at(id_);
        }
    }

private:
    const FlowSet* set_;
    std::uint32_t id_;
    std::uint32_t step_;
    FlowTuple tuple_;
};

}  // namespace tg::traffic
