// Request/response transactions (TCP_RR, UDP_RR and their SCTP kin): what a request
// carries so that a sink answers it with no configuration of its own, and what the
// answer starts with.
//
// A request is a test packet (UDP datagram, TCP segment, SCTP DATA chunk) whose test
// header has the `request` flag, followed by the size of the response wanted:
//
//   0             18                 22
//   | test header | response bytes   | filler ...
//
// The answer is that many bytes of payload, back the way the request came (the same
// TCP connection, the same SCTP association and stream, UDP ports swapped). It starts
// with the request's test header, flow, stream, sequence and send time unchanged, flagged
// `reflected` instead of `request`; the rest is filler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/test_header.hpp"

namespace tg::proto {

inline constexpr std::size_t request_min_bytes = test_header_size + 4;
inline constexpr std::uint32_t response_min_bytes = test_header_size;
// The most a sink sends for one request; a larger ask is answered with this much.
inline constexpr std::uint32_t response_max_bytes = 1u << 20;

struct Request {
    TestHeader header;  // flags include test_flag::request
    std::uint32_t response_bytes = 0;
};

// Writes a request into `out` (at least request_min_bytes); the rest of `out` is left
// as it is. False when it does not fit or the header cannot be written.
bool write_request(std::span<std::uint8_t> out, const TestHeader& header, std::uint32_t response_bytes) noexcept;
// The request a payload starts with, if it is one.
[[nodiscard]] std::optional<Request> read_request(std::span<const std::uint8_t> payload) noexcept;
// The start of the answer to `request` (response_min_bytes): the request's header
// flagged `reflected`. False when `out` is too small.
bool write_response_head(std::span<std::uint8_t> out, const TestHeader& request) noexcept;

}  // namespace tg::proto
