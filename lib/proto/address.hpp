// Link and network addresses as they appear on the wire.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tg::proto {

struct MacAddress {
    std::array<std::uint8_t, 6> bytes{};

    [[nodiscard]] static std::optional<MacAddress> parse(std::string_view text);
    [[nodiscard]] static constexpr MacAddress broadcast() noexcept { return {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const MacAddress&, const MacAddress&) = default;
};

struct Ipv4Address {
    std::array<std::uint8_t, 4> bytes{};

    [[nodiscard]] static constexpr Ipv4Address of(std::uint8_t a, std::uint8_t b, std::uint8_t c,
                                                  std::uint8_t d) noexcept {
        return Ipv4Address{{a, b, c, d}};
    }
    [[nodiscard]] static std::optional<Ipv4Address> parse(std::string_view text);
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const Ipv4Address&, const Ipv4Address&) = default;
};

struct Ipv6Address {
    std::array<std::uint8_t, 16> bytes{};

    [[nodiscard]] static std::optional<Ipv6Address> parse(std::string_view text);
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const Ipv6Address&, const Ipv6Address&) = default;
};

static_assert(sizeof(MacAddress) == 6 && alignof(MacAddress) == 1);
static_assert(sizeof(Ipv4Address) == 4 && alignof(Ipv4Address) == 1);
static_assert(sizeof(Ipv6Address) == 16 && alignof(Ipv6Address) == 1);

enum class IpFamily : std::uint8_t { v4, v6 };

// An IPv4 or IPv6 address; the family decides which member is meaningful.
struct IpAddress {
    IpFamily family = IpFamily::v4;
    Ipv4Address v4{};
    Ipv6Address v6{};

    IpAddress() = default;
    IpAddress(Ipv4Address a) : family(IpFamily::v4), v4(a) {}  // NOLINT: implicit by design
    IpAddress(Ipv6Address a) : family(IpFamily::v6), v6(a) {}  // NOLINT: implicit by design

    // Accepts dotted-quad IPv4 or RFC 4291 text IPv6.
    [[nodiscard]] static std::optional<IpAddress> parse(std::string_view text);
    [[nodiscard]] std::string to_string() const;
    [[nodiscard]] bool is_v4() const noexcept { return family == IpFamily::v4; }
    // The address in 16 bytes (IPv4 in the first 4, zeros after): a key for maps.
    [[nodiscard]] std::array<std::uint8_t, 16> bytes16() const noexcept {
        if (!is_v4()) return v6.bytes;
        std::array<std::uint8_t, 16> b{};
        for (std::size_t i = 0; i < 4; ++i) b[i] = v4.bytes[i];
        return b;
    }
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

}  // namespace tg::proto
