// UDP (RFC 768).
#pragma once

#include <cstddef>
#include <cstdint>

#include "proto/byte_order.hpp"

namespace tg::proto {

struct UdpHeader {
    Be16 src_port;
    Be16 dst_port;
    Be16 length;  // header and data
    Be16 checksum;
};
static_assert(sizeof(UdpHeader) == 8);
static_assert(offsetof(UdpHeader, checksum) == 6);

}  // namespace tg::proto
