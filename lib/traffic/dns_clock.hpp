// When each outstanding DNS query went out, by its ID: written by the generator's engine
// that sends the query, taken by whichever engine receives the answer (RSS decides which).
// One slot per ID, 65,536 in all; engine i of n gives IDs i, i + n, ..., so no slot has
// two writers. A slot holds the send time and the query's source port, and an answer
// matches only when it comes back to that port. A slot taken over by a newer query
// before its answer came is that query's timeout.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace tg::traffic {

class DnsQueryClock {
public:
    static constexpr std::size_t slots = 65536;

    // Times are kept from `base_ns` on (the run's start on the generator's clock), so that
    // 48 bits hold them: 78 hours.
    explicit DnsQueryClock(std::uint64_t base_ns = 0)
        : base_ns_(base_ns), slots_(std::make_unique<std::atomic<std::uint64_t>[]>(slots)) {}

    void sent(std::uint16_t id, std::uint16_t source_port, std::uint64_t ns) noexcept {
        const std::uint64_t since = ns > base_ns_ ? ns - base_ns_ : 0;
        slots_[id].store((since + 1) << 16 | source_port, std::memory_order_relaxed);
    }
    // The send time of the query that an answer with `id` to `port` answers, taken out of
    // its slot; false when none of ours is waiting there (a duplicate answer, a late one
    // whose slot a newer query took, or someone else's).
    bool answered(std::uint16_t id, std::uint16_t port, std::uint64_t& sent_ns) noexcept {
        std::uint64_t v = slots_[id].load(std::memory_order_relaxed);
        if (v == 0 || (v & 0xffff) != port) return false;
        if (!slots_[id].compare_exchange_strong(v, 0, std::memory_order_relaxed)) return false;
        sent_ns = base_ns_ + (v >> 16) - 1;
        return true;
    }

private:
    std::uint64_t base_ns_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> slots_;
};

}  // namespace tg::traffic
