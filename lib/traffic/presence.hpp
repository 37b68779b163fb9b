// A host's presence on its link: it answers ARP requests, IPv6 neighbour solicitations
// and ICMP/ICMPv6 echo requests for the addresses it owns, announces them at start
// (gratuitous ARP, unsolicited neighbour advertisement) so that bridges and switches
// learn its MAC, and resolves the MAC of its next hop (the destination on the link, or
// the gateway) before it sends. Frames in through offer(), out through next_frame(),
// time through tick(): no I/O here, and after construction nothing allocates but
// resolve(). Both roles hold one: the sink in its RX lcore's answers, the generator on
// its control thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proto/address.hpp"
#include "proto/build.hpp"
#include "proto/parse.hpp"
#include "traffic/flows.hpp"

namespace tg::traffic {

// The addresses a host owns: one or more ranges, IPv4 or IPv6.
class OwnedAddresses {
public:
    OwnedAddresses() = default;
    explicit OwnedAddresses(std::vector<IpRange> ranges) : ranges_(std::move(ranges)) {}
    // "198.19.0.1", "198.19.0.1-198.19.0.4,2001:2:0:1::1"; throws ConfigError naming `what`.
    [[nodiscard]] static OwnedAddresses parse(std::string_view list, std::string_view what);

    [[nodiscard]] bool contains(const proto::IpAddress& a) const noexcept;
    [[nodiscard]] bool empty() const noexcept { return ranges_.empty(); }
    [[nodiscard]] const std::vector<IpRange>& ranges() const noexcept { return ranges_; }
    [[nodiscard]] std::string to_string() const;  // as parse() takes it

private:
    std::vector<IpRange> ranges_;
};

struct PresenceCounters {
    std::uint64_t arp_requests_answered = 0;
    std::uint64_t neighbour_solicitations_answered = 0;
    std::uint64_t echo_requests_answered = 0;
    std::uint64_t announcements = 0;        // gratuitous ARP and unsolicited advertisements sent
    std::uint64_t resolution_requests = 0;  // ARP requests and solicitations sent for next hops
    std::uint64_t next_hops_resolved = 0;
    std::uint64_t next_hops_unanswered = 0;  // asked every time, never answered
    std::uint64_t not_ours = 0;              // asked about, or pinged at, an address this host does not own
    std::uint64_t answers_dropped = 0;       // no room in the answer queue, or an echo too large to answer
    std::uint64_t malformed = 0;             // ARP or neighbour discovery this host cannot read or must refuse
    std::uint64_t frames_sent = 0;           // everything next_frame() handed out
};

struct PresenceConfig {
    proto::MacAddress mac{};
    OwnedAddresses owned;
    proto::L2Spec l2{};                     // tags for what this host sends first (announcements, requests)
    std::uint32_t announce_max = 64;        // addresses announced at start, from the first of each range
    std::uint64_t retry_ms = 1000;          // between requests for a next hop
    std::uint32_t tries = 3;                // requests before a next hop counts as unanswered
};

struct NextHop {
    proto::IpAddress address;
    proto::IpAddress asked_from;            // the source address of our requests
    std::optional<proto::MacAddress> mac;   // once resolved
    std::uint32_t tries = 0;                // requests sent
    std::uint64_t first_asked_ms = 0;
    std::uint64_t resolved_ms = 0;
    std::uint64_t next_try_ms = 0;
    bool gave_up = false;
};

// Cheap look at a raw frame: ARP, ICMP or ICMPv6 (what a HostPresence takes), read from
// the EtherType and the IP protocol only. Lets a data path hand just those on.
[[nodiscard]] bool wants_presence(std::span<const std::uint8_t> frame) noexcept;
// An ARP reply or an ICMP/ICMPv6 echo reply: the answers to --proto arp and icmp, which
// the generator counts itself. Read the same cheap way.
[[nodiscard]] bool is_echo_or_arp_reply(std::span<const std::uint8_t> frame) noexcept;

class HostPresence {
public:
    explicit HostPresence(PresenceConfig config);

    // A parsed frame, received at `now_ms`: true when it was ARP, neighbour discovery or
    // ICMP echo (answered when it asks about an address owned here; learned from when it
    // tells a next hop's MAC), false when it is for someone else to count.
    bool offer(const proto::PacketView& v, std::uint64_t now_ms) noexcept;

    // Queues a gratuitous ARP for each owned IPv4 address and an unsolicited
    // advertisement for each IPv6 one (up to announce_max).
    void announce() noexcept;

    // Starts resolving `address`, asking from `from` (an owned address of its family);
    // the first request goes at the next tick().
    void resolve(const proto::IpAddress& address, const proto::IpAddress& from, std::uint64_t now_ms);
    [[nodiscard]] const std::vector<NextHop>& next_hops() const noexcept { return hops_; }
    [[nodiscard]] const NextHop* next_hop(const proto::IpAddress& address) const noexcept;
    // Some next hop is neither resolved nor given up.
    [[nodiscard]] bool resolving() const noexcept;

    [[nodiscard]] std::uint64_t next_timer_ms() const noexcept;
    void tick(std::uint64_t now_ms) noexcept;
    // The next frame to send into `out`: its length, or 0 when there is none.
    std::size_t next_frame(std::span<std::uint8_t> out) noexcept;
    [[nodiscard]] bool pending() const noexcept { return queued_ > 0 || announce_next_ < announce_total_; }

    [[nodiscard]] const PresenceCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const PresenceConfig& config() const noexcept { return c_; }

private:
    // Two receive bursts (32 frames each) of requests: a core that fell behind and takes a
    // whole burst of pings at once answers every one (16 slots lost half of such a burst).
    static constexpr std::size_t queue_slots = 64;
    static constexpr std::size_t slot_bytes = 1536;

    bool on_arp(const proto::PacketView& v, std::uint64_t now_ms) noexcept;
    bool on_neighbour_discovery(const proto::PacketView& v, std::uint64_t now_ms) noexcept;
    bool on_echo(const proto::PacketView& v) noexcept;
    void learn(const proto::IpAddress& address, const proto::MacAddress& mac, std::uint64_t now_ms) noexcept;
    // The answer's L2: to `dst`, with the tags the request came with.
    [[nodiscard]] proto::L2Spec reply_l2(const proto::PacketView& v, const proto::MacAddress& dst) const noexcept;
    // Builds an answer into the queue's next slot and counts it in `answered`; a full
    // queue or a frame that does not fit a slot counts as dropped.
    // `build(span)` returns a proto::BuildResult. Defined (and used) in presence.cpp only.
    template <typename Build>
    void answer(const Build& build, std::uint64_t& answered) noexcept;
    [[nodiscard]] std::size_t build_announcement(std::uint32_t i, std::span<std::uint8_t> out) const noexcept;
    [[nodiscard]] std::size_t build_request(const NextHop& h, std::span<std::uint8_t> out) const noexcept;

    PresenceConfig c_;
    PresenceCounters counters_;
    std::vector<NextHop> hops_;
    std::vector<std::uint8_t> frames_;            // queue_slots frames of slot_bytes
    std::array<std::uint16_t, queue_slots> lengths_{};
    std::size_t head_ = 0, queued_ = 0;
    std::vector<proto::IpAddress> announced_;     // the addresses announce() names, in order
    std::uint32_t announce_total_ = 0, announce_next_ = 0;
    std::vector<std::size_t> requests_due_;       // next hops whose request is to go out (reserved)
};

}  // namespace tg::traffic
