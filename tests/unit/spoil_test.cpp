#include <gtest/gtest.h>

#include <vector>

#include "proto/parse.hpp"
#include "../common/sample_frames.hpp"
#include "traffic/spoil.hpp"

namespace {

using tg::proto::Layer;
using tg::proto::ParseError;
using tg::traffic::Protocol;

Layer layer_of(const std::string& l4) {
    return l4 == "udp" ? Layer::udp : l4 == "tcp" ? Layer::tcp : Layer::sctp;
}

TEST(SpoilChecksum, EveryTransportChecksumBecomesWrongAndNothingElseChanges) {
    int spoiled = 0;
    for (const auto& f : tg::testing::make_sample_frames()) {
        SCOPED_TRACE(f.name);
        ASSERT_TRUE(tg::proto::parse_frame(f.bytes).status.ok());
        std::vector<std::uint8_t> bytes = f.bytes;
        const auto p = tg::traffic::spoil_l4_checksum(bytes);
        if (f.l4 != "udp" && f.l4 != "tcp" && f.l4 != "sctp") {
            EXPECT_FALSE(p.has_value());
            EXPECT_EQ(bytes, f.bytes);
            continue;
        }
        ASSERT_TRUE(p.has_value());
        EXPECT_STREQ(tg::traffic::to_string(*p), f.l4.c_str());
        const auto r = tg::proto::parse_frame(bytes);
        EXPECT_EQ(r.status.error, ParseError::bad_checksum);
        EXPECT_EQ(r.status.layer, layer_of(f.l4));
        // Only the checksum field differs.
        const std::uint32_t field = f.l4_offset + (f.l4 == "udp" ? 6 : f.l4 == "tcp" ? 16 : 8);
        const std::uint32_t width = f.l4 == "sctp" ? 4 : 2;
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            if (i < field || i >= field + width) {
                ASSERT_EQ(bytes[i], f.bytes[i]) << "byte " << i;
            }
        }
        ++spoiled;
    }
    EXPECT_GT(spoiled, 20);
}

TEST(SpoilChecksum, AUdpChecksumNeverBecomesZero) {
    for (const auto& f : tg::testing::make_sample_frames()) {
        if (f.l4 != "udp" || f.ipv6) continue;
        std::vector<std::uint8_t> bytes = f.bytes;
        // 0x5555 is the one value the spoiler's XOR would turn into 0, "no checksum".
        bytes[f.l4_offset + 6] = 0x55;
        bytes[f.l4_offset + 7] = 0x55;
        ASSERT_EQ(tg::traffic::spoil_l4_checksum(bytes), Protocol::udp);
        EXPECT_FALSE(bytes[f.l4_offset + 6] == 0 && bytes[f.l4_offset + 7] == 0);
        EXPECT_EQ(tg::proto::parse_frame(bytes).status.error, ParseError::bad_checksum);
        return;
    }
    FAIL() << "no IPv4 UDP sample frame";
}

}  // namespace
