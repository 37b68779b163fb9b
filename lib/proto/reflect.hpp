// Sends a received frame back where it came from, in place: Ethernet addresses, IP
// addresses and transport ports swapped. UDP and TCP checksums and the IPv4 header
// checksum stay right as they are (one's-complement sums do not depend on the order of
// what they add); SCTP's CRC32c does, and is computed again. VLAN tags, TTL and the
// payload (the test header with the sender's timestamp) are kept, so the sender can
// measure the round trip on its own clock.
#pragma once

#include <cstdint>
#include <span>

namespace tg::proto {

// Where the layers of a parsed frame start (offsets from the frame's first byte).
struct FrameShape {
    std::uint32_t l3_offset = 0;
    std::uint32_t l4_offset = 0;
    std::uint32_t l4_length = 0;
    bool ipv6 = false;
    std::uint8_t l4_protocol = 0;  // UDP, TCP or SCTP
};

// False (and the frame untouched) when the shape does not fit the frame or names
// another transport.
bool reflect_in_place(std::span<std::uint8_t> frame, const FrameShape& shape) noexcept;

}  // namespace tg::proto
