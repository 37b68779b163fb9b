// Between frames and the TCP state machine: a parsed frame's segment as TcpSegmentIn, and
// a TcpSegmentOut as a whole frame with its checksum.
#pragma once

#include <cstdint>
#include <span>

#include "proto/build.hpp"
#include "proto/parse.hpp"
#include "proto/tcp_connection.hpp"

namespace tg::proto {

// The segment of a frame that parsed as TCP; bad_options when its options do not parse.
[[nodiscard]] ParseError segment_of(const PacketView& v, TcpSegmentIn& out) noexcept;

// `from`:`from_port` to `to`:`to_port`.
[[nodiscard]] BuildResult build_tcp_segment_frame(std::span<std::uint8_t> out, const L2Spec& l2, const IpAddress& from,
                                                  std::uint16_t from_port, const IpAddress& to, std::uint16_t to_port,
                                                  const TcpSegmentOut& segment) noexcept;

}  // namespace tg::proto
