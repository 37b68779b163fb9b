// Deliberately wrong transport checksums (--bad-checksum-every): they show whether a
// path drops, repairs or passes a damaged packet, and whether a sink counts it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "traffic/protocol.hpp"

namespace tg::traffic {

// Makes the frame's UDP or TCP checksum, or its SCTP CRC32c, wrong and leaves every other
// byte alone. Returns the frame's protocol, or nothing when it carries none of the three.
// A UDP checksum never becomes 0 (that would read as "no checksum", not as a bad one).
std::optional<Protocol> spoil_l4_checksum(std::span<std::uint8_t> frame) noexcept;

}  // namespace tg::traffic
