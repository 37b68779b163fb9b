// Reflection in place, judged by the parser: every UDP, TCP and SCTP sample frame (IPv4 and
// IPv6, with and without VLAN tags) comes back with MACs, addresses and ports swapped, its
// payload untouched, and every checksum still good.
#include "proto/reflect.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "../common/sample_frames.hpp"
#include "proto/parse.hpp"

namespace tg::proto {
namespace {

std::uint16_t port_at(std::span<const std::uint8_t> frame, std::size_t at) {
    return static_cast<std::uint16_t>(frame[at] << 8 | frame[at + 1]);
}

TEST(Reflect, EveryTransportComesBackSwappedWithGoodChecksums) {
    int reflected = 0;
    for (const auto& f : testing::make_sample_frames()) {
        if (f.l4 != "udp" && f.l4 != "tcp" && f.l4 != "sctp") continue;
        SCOPED_TRACE(f.name);
        const ParseResult before = parse_frame(f.bytes);
        ASSERT_TRUE(before.status.ok());
        const PacketView& v = before.view;
        std::vector<std::uint8_t> frame = f.bytes;
        const FrameShape shape{v.l3_offset, v.l4_offset, v.l4_length, v.ipv6 != nullptr, v.l4_protocol};
        ASSERT_TRUE(reflect_in_place(frame, shape));
        const ParseResult after = parse_frame(frame);
        ASSERT_TRUE(after.status.ok()) << after.status.describe();
        const PacketView& w = after.view;
        EXPECT_TRUE(std::equal(frame.begin(), frame.begin() + 6, f.bytes.begin() + 6));
        EXPECT_TRUE(std::equal(frame.begin() + 6, frame.begin() + 12, f.bytes.begin()));
        EXPECT_EQ(w.source(), v.destination());
        EXPECT_EQ(w.destination(), v.source());
        EXPECT_EQ(port_at(frame, w.l4_offset), port_at(f.bytes, v.l4_offset + 2));
        EXPECT_EQ(port_at(frame, w.l4_offset + 2), port_at(f.bytes, v.l4_offset));
        EXPECT_TRUE(std::equal(w.payload().begin(), w.payload().end(), v.payload().begin(), v.payload().end()));
        ++reflected;
    }
    EXPECT_GE(reflected, 6);
}

TEST(Reflect, AShapeThatDoesNotFitLeavesTheFrameAlone) {
    const auto frames = testing::make_sample_frames();
    const auto it = std::find_if(frames.begin(), frames.end(), [](const auto& f) { return f.l4 == "udp"; });
    ASSERT_NE(it, frames.end());
    std::vector<std::uint8_t> frame = it->bytes;
    const PacketView v = parse_frame(frame).view;
    FrameShape past{v.l3_offset, v.l4_offset, static_cast<std::uint32_t>(frame.size()), v.ipv6 != nullptr, v.l4_protocol};
    EXPECT_FALSE(reflect_in_place(frame, past));
    FrameShape icmp{v.l3_offset, v.l4_offset, v.l4_length, v.ipv6 != nullptr, 1};
    EXPECT_FALSE(reflect_in_place(frame, icmp));
    EXPECT_EQ(frame, it->bytes);
}

}  // namespace
}  // namespace tg::proto
