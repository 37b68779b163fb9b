// The generator's control frames (ARP, neighbour discovery, echo, the sessions'
// handshakes and acknowledgements) between its control thread and the port. Before the
// engines run, the control thread owns queue 0 and uses it directly; while they run,
// engine 0 alone touches queue 0 (af_xdp loses frames when a second thread sends or
// receives on a queue pair) and carries the frames through two rings: `outbound` it
// sends, `inbound` it fills with what it received.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

struct rte_mempool;
struct rte_ring;

namespace tg::dataplane {

class ControlPath {
public:
    ControlPath(std::uint16_t port, std::uint16_t queue, rte_mempool* pool);
    ~ControlPath();
    ControlPath(const ControlPath&) = delete;
    ControlPath& operator=(const ControlPath&) = delete;

    // From here on engine 0 carries the frames (the rings); before, this thread does.
    void engines_started() noexcept { through_rings_ = true; }

    [[nodiscard]] rte_ring* outbound() const noexcept { return outbound_; }
    [[nodiscard]] rte_ring* inbound() const noexcept { return inbound_; }

    // Hands every frame that has arrived to `take` (frames of several segments are skipped).
    void receive(const std::function<void(std::span<const std::uint8_t>)>& take);
    // Sends what `produce` writes (its length; 0 when it has nothing more), while there
    // is room. Returns how many went.
    std::size_t send(const std::function<std::size_t(std::span<std::uint8_t>)>& produce);
    // Frames send() may still hand over before the next round.
    [[nodiscard]] std::size_t room() const noexcept;
    // Waits (up to `ms`) for engine 0 to put what is queued on the wire.
    void flush(std::uint64_t ms) const;

    // Frames handed to engine 0's ring, and those dropped for want of an mbuf, ring room
    // or port room.
    [[nodiscard]] std::uint64_t sent() const noexcept { return sent_; }
    [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
    // What this thread sent and received on the port itself, before the engines ran.
    [[nodiscard]] std::uint64_t direct_sent() const noexcept { return direct_sent_; }
    [[nodiscard]] std::uint64_t direct_received() const noexcept { return direct_received_; }

private:
    std::uint16_t port_;
    std::uint16_t queue_;
    rte_mempool* pool_;
    rte_ring* outbound_ = nullptr;
    rte_ring* inbound_ = nullptr;
    bool through_rings_ = false;
    std::uint64_t sent_ = 0, dropped_ = 0, direct_sent_ = 0, direct_received_ = 0;
};

}  // namespace tg::dataplane
