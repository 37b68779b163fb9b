// What a sink core has counted so far, per protocol, for a reader on another thread (the
// control thread's intervals and live line). The core's lcore publishes its running totals
// here after each burst that counted something; the reader loads them whenever it likes.
// One writer per instance: plain loads and stores, no locked instruction, except the
// jitter peak, which the reader takes (and clears) once per interval.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "traffic/protocol.hpp"

namespace tg::sink {

// One protocol's running totals at the time of the last publish.
struct LiveProtocolCounts {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;     // L2, FCS included
    std::uint64_t lost = 0;      // sequence numbers missing so far, over the streams
};

class LiveCounters {
public:
    // Writer (the core's lcore): one protocol's totals, and the highest RFC 3550 jitter
    // estimate any of its streams had since the last publish (0: none).
    void publish(traffic::Protocol p, const LiveProtocolCounts& c, std::uint64_t jitter_peak_ns) noexcept {
        Slot& s = slots_[static_cast<std::size_t>(p)];
        s.packets.store(c.packets, std::memory_order_relaxed);
        s.bytes.store(c.bytes, std::memory_order_relaxed);
        s.lost.store(c.lost, std::memory_order_relaxed);
        // The reader clears the peak: raise it only with compare-and-swap, so that a value
        // the reader has just taken is never written back over a smaller new one.
        std::uint64_t cur = s.jitter_peak_ns.load(std::memory_order_relaxed);
        while (jitter_peak_ns > cur &&
               !s.jitter_peak_ns.compare_exchange_weak(cur, jitter_peak_ns, std::memory_order_relaxed)) {
        }
    }

    // Reader: the protocol's totals as last published.
    [[nodiscard]] LiveProtocolCounts read(traffic::Protocol p) const noexcept {
        const Slot& s = slots_[static_cast<std::size_t>(p)];
        return {s.packets.load(std::memory_order_relaxed), s.bytes.load(std::memory_order_relaxed),
                s.lost.load(std::memory_order_relaxed)};
    }
    // Reader: the test packets of every protocol, as last published.
    [[nodiscard]] std::uint64_t packets() const noexcept {
        std::uint64_t n = 0;
        for (const Slot& s : slots_) n += s.packets.load(std::memory_order_relaxed);
        return n;
    }
    // Reader: the highest jitter estimate published since the last take, and clears it.
    [[nodiscard]] std::uint64_t take_jitter_peak(traffic::Protocol p) noexcept {
        return slots_[static_cast<std::size_t>(p)].jitter_peak_ns.exchange(0, std::memory_order_relaxed);
    }

private:
    struct alignas(64) Slot {
        std::atomic<std::uint64_t> packets{0};
        std::atomic<std::uint64_t> bytes{0};
        std::atomic<std::uint64_t> lost{0};
        std::atomic<std::uint64_t> jitter_peak_ns{0};
    };
    std::array<Slot, traffic::protocol_count> slots_{};
};

}  // namespace tg::sink
