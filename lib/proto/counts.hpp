// In-band counts: a generator on one host asks the `trafficgen sink` on the far host, over
// the path under test and with no channel of its own, what it has counted so far. A search
// takes each trial's received packets as the difference of two answers, one before the
// trial and one after the path has drained.
//
// A count request is a UDP request (proto/request.hpp) on the reserved flow
// `counts_flow_id`, with a marker after the response size:
//
//   0             18              22        26
//   | test header | answer bytes  | "TGCT"  |
//
// The sink answers back the way the request came (ports swapped), with the request's test
// header flagged `reflected` and what every receive core of the sink has counted, per
// protocol, summed:
//
//   0             18       22        23        26        34          34 + 24n
//   | test header | "TGCT" | entries | (zero)  | sink id | entries... |
//
// Each entry is three 64-bit big-endian numbers, one protocol's test packets, their L2
// bytes and the sequence numbers missing so far, in the order of traffic::Protocol. The
// sink id is chosen at random when the sink starts: a changed id says the sink restarted
// and its counts started over. A count request is not a test packet: the sink does not
// count it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/request.hpp"

namespace tg::proto {

inline constexpr std::uint32_t counts_flow_id = test_header_max_flow_id;
inline constexpr std::uint32_t counts_marker = 0x54474354;  // "TGCT"
inline constexpr std::size_t counts_request_bytes = request_min_bytes + 4;
inline constexpr std::size_t counts_max_entries = 16;
inline constexpr std::size_t counts_answer_head_bytes = test_header_size + 16;
inline constexpr std::size_t counts_entry_bytes = 24;

[[nodiscard]] constexpr std::size_t counts_answer_bytes(std::size_t entries) noexcept {
    return counts_answer_head_bytes + entries * counts_entry_bytes;
}

struct CountsEntry {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t lost = 0;
    friend bool operator==(const CountsEntry&, const CountsEntry&) = default;
};

struct CountsAnswer {
    TestHeader header;  // the request's, flagged reflected
    std::uint64_t sink_id = 0;
    std::size_t entries = 0;
    std::array<CountsEntry, counts_max_entries> counts{};
};

// Writes count request number `seq` sent at `tx_ns` into `out` (counts_request_bytes at
// least; the rest is left as it is). False when it does not fit.
bool write_counts_request(std::span<std::uint8_t> out, std::uint32_t seq, std::uint64_t tx_ns,
                          std::size_t entries_wanted) noexcept;
// The request's test header, when `payload` is a count request.
[[nodiscard]] std::optional<TestHeader> read_counts_request(std::span<const std::uint8_t> payload) noexcept;
// Writes the answer to `request` with `counts` (at most counts_max_entries) into `out`:
// its length, or 0 when it does not fit.
std::size_t write_counts_answer(std::span<std::uint8_t> out, const TestHeader& request, std::uint64_t sink_id,
                                std::span<const CountsEntry> counts) noexcept;
// The answer `payload` holds, if it is one.
[[nodiscard]] std::optional<CountsAnswer> read_counts_answer(std::span<const std::uint8_t> payload) noexcept;

}  // namespace tg::proto
