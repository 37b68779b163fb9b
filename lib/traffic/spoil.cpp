#include "traffic/spoil.hpp"

#include "proto/byte_order.hpp"
#include "proto/parse.hpp"

namespace tg::traffic {

namespace {

// A value that differs from `c` and is not its ones'-complement twin (0x0000 and 0xffff
// are the same sum), and is not zero.
std::uint16_t wrong_sum(std::uint16_t c) noexcept {
    const std::uint16_t w = c ^ 0x5555;
    return w == 0 ? 0x1111 : w;
}

}  // namespace

std::optional<Protocol> spoil_l4_checksum(std::span<std::uint8_t> frame) noexcept {
    const proto::ParseOptions locate{.verify_ipv4_checksum = false, .verify_l4_checksum = false};
    const proto::ParseResult r = proto::parse_frame(frame, locate);
    std::uint8_t* l4 = frame.data() + r.view.l4_offset;
    if (r.view.udp != nullptr) {
        proto::store_be16(l4 + 6, wrong_sum(proto::load_be16(l4 + 6)));
        return Protocol::udp;
    }
    if (r.view.tcp != nullptr) {
        proto::store_be16(l4 + 16, wrong_sum(proto::load_be16(l4 + 16)));
        return Protocol::tcp;
    }
    if (r.view.sctp != nullptr) {
        l4[11] ^= 0x01;  // any change to a CRC32c is an error it detects
        return Protocol::sctp;
    }
    return std::nullopt;
}

}  // namespace tg::traffic
