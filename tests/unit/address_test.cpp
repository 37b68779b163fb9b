#include "proto/address.hpp"

#include <gtest/gtest.h>

#include "proto/byte_order.hpp"

namespace tg::proto {
namespace {

TEST(Address, ParsesAndPrints) {
    EXPECT_EQ(MacAddress::parse("02:AB:cd:00:11:ff")->to_string(), "02:ab:cd:00:11:ff");
    EXPECT_EQ(MacAddress::parse("02-ab-cd-00-11-ff")->to_string(), "02:ab:cd:00:11:ff");
    EXPECT_FALSE(MacAddress::parse("02:ab:cd:00:11"));
    EXPECT_FALSE(MacAddress::parse("02:ab:cd:00:11:fg"));
    EXPECT_EQ(Ipv4Address::parse("198.18.0.1")->to_string(), "198.18.0.1");
    EXPECT_FALSE(Ipv4Address::parse("198.18.0.256"));
    EXPECT_EQ(Ipv6Address::parse("2001:2:0:0::1")->to_string(), "2001:2::1");
    EXPECT_FALSE(Ipv6Address::parse("2001:::1"));
    EXPECT_TRUE(IpAddress::parse("2001:2::1")->family == IpFamily::v6);
    EXPECT_TRUE(IpAddress::parse("198.19.0.1")->is_v4());
    EXPECT_FALSE(IpAddress::parse(std::string(100, '1')));
}

TEST(ByteOrder, BigAndLittleEndianFieldsStoreBytesInWireOrder) {
    const Be16 a = Be16::of(0x1234);
    EXPECT_EQ(a.bytes[0], 0x12);
    EXPECT_EQ(a.get(), 0x1234);
    const Be32 b = Be32::of(0x01020304);
    EXPECT_EQ(b.bytes[3], 0x04);
    const Be64 c = Be64::of(0x0102030405060708ull);
    EXPECT_EQ(c.bytes[0], 0x01);
    EXPECT_EQ(c.get(), 0x0102030405060708ull);
    const Le32 d = Le32::of(0x01020304);
    EXPECT_EQ(d.bytes[0], 0x04);
    EXPECT_EQ(d.get(), 0x01020304u);
    static_assert(Be16::of(0xabcd).get() == 0xabcd, "usable at compile time");
}

}  // namespace
}  // namespace tg::proto
