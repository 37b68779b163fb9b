// The sink's answers to UDP requests (UDP_RR, proto/request.hpp): each request gets one
// datagram back, from the port it went to, to the port it came from, with the payload
// size it asks for (as much as one frame holds). Answers wait in a fixed ring between
// the frame that asked and the lcore's next round of answers; a full ring drops the
// answer, counted. No allocation once made.
//
// Count requests (proto/counts.hpp) are answered from the same ring, with the counts
// `board` holds at the time the answer is built: after the core published the burst that
// brought the request.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "proto/build.hpp"
#include "proto/parse.hpp"
#include "proto/request.hpp"
#include "sink/counts_board.hpp"

namespace tg::sink {

struct UdpAnswerCounters {
    std::uint64_t requests = 0;        // answers queued
    std::uint64_t response_bytes = 0;  // payload bytes of the answers built
    std::uint64_t dropped = 0;         // requests that found the ring full
    std::uint64_t cut = 0;             // answers cut to what one frame holds
    std::uint64_t count_requests = 0;  // count requests answered (queued)
};

class UdpAnswers {
public:
    // `board`: where count requests' answers come from (it must outlive this).
    explicit UdpAnswers(const CountsBoard& board, std::size_t capacity = 1024);

    // A UDP request in `v`: queues its answer. False when the ring is full.
    bool queue(const proto::PacketView& v, const proto::Request& request) noexcept;
    // A count request in `v` (its test header `request`): queues its answer. False when the ring is full.
    bool queue_counts(const proto::PacketView& v, const proto::TestHeader& request) noexcept;
    [[nodiscard]] bool pending() const noexcept { return count_ > 0; }
    // The next answer as a frame in `out`: its length, or 0 when there is none.
    std::size_t next_frame(std::span<std::uint8_t> out) noexcept;
    [[nodiscard]] const UdpAnswerCounters& counters() const noexcept { return counters_; }

private:
    struct Entry {
        proto::L2Spec l2;
        proto::L3Spec l3;  // from us to the peer
        proto::UdpSpec udp;
        proto::TestHeader head;
        std::uint32_t bytes = 0;
        bool counts = false;  // a count request's answer
    };

    bool queue_entry(const proto::PacketView& v, const proto::TestHeader& head, std::uint32_t bytes, bool counts) noexcept;

    const CountsBoard& board_;
    std::vector<Entry> ring_;
    std::size_t head_ = 0, count_ = 0;
    std::vector<std::uint8_t> payload_;
    UdpAnswerCounters counters_;
};

}  // namespace tg::sink
