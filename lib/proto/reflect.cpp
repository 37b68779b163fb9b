#include "proto/reflect.hpp"

#include <algorithm>

#include "proto/crc32c.hpp"
#include "proto/ip.hpp"

namespace tg::proto {

namespace {

void swap_ranges_at(std::span<std::uint8_t> frame, std::size_t a, std::size_t b, std::size_t n) noexcept {
    std::swap_ranges(frame.begin() + static_cast<std::ptrdiff_t>(a), frame.begin() + static_cast<std::ptrdiff_t>(a + n),
                     frame.begin() + static_cast<std::ptrdiff_t>(b));
}

}  // namespace

bool reflect_in_place(std::span<std::uint8_t> frame, const FrameShape& s) noexcept {
    const bool known = s.l4_protocol == ip_proto::udp || s.l4_protocol == ip_proto::tcp || s.l4_protocol == ip_proto::sctp;
    const std::size_t address = s.ipv6 ? 16 : 4;
    const std::size_t src = s.l3_offset + (s.ipv6 ? 8 : 12);  // the source address; the destination follows
    const std::uint32_t header = s.l4_protocol == ip_proto::udp ? 8 : s.l4_protocol == ip_proto::tcp ? 20 : 12;
    if (!known || s.l4_length < header || s.l4_offset < src + 2 * address || s.l4_offset + s.l4_length > frame.size() ||
        frame.size() < 12) {
        return false;
    }
    swap_ranges_at(frame, 0, 6, 6);
    swap_ranges_at(frame, src, src + address, address);
    swap_ranges_at(frame, s.l4_offset, s.l4_offset + 2, 2);
    if (s.l4_protocol == ip_proto::sctp) sctp_set_checksum(frame.subspan(s.l4_offset, s.l4_length));
    return true;
}

}  // namespace tg::proto
