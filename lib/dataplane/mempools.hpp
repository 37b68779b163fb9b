// Packet buffer pools. A template pool holds mbufs that already contain their template's
// frame (written once, when the pool is made), so sending a packet writes only the fields
// that change: the data of a freed mbuf stays as the last stamp left it, and the next
// stamp overwrites exactly those fields.
#pragma once

#include <cstdint>
#include <string>

#include "traffic/frame_template.hpp"

struct rte_mempool;

namespace tg::dataplane {

class Mempool {
public:
    Mempool(const std::string& name, std::uint32_t mbufs, std::uint32_t data_room);
    // A pool of mbufs that each hold `tmpl`'s frame.
    Mempool(const std::string& name, std::uint32_t mbufs, const traffic::FrameTemplate& tmpl);
    ~Mempool();
    Mempool(const Mempool&) = delete;
    Mempool& operator=(const Mempool&) = delete;

    [[nodiscard]] rte_mempool* get() const noexcept { return pool_; }

private:
    rte_mempool* pool_ = nullptr;
};

// Mbufs a pool needs: every descriptor of the rings it feeds, the per-lcore caches, and
// bursts in flight, because PMDs refill a ring before they free what they sent.
[[nodiscard]] std::uint32_t pool_size(std::uint32_t ring_descriptors, std::uint32_t queues, std::uint32_t lcores);

}  // namespace tg::dataplane
