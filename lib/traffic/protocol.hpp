// The transport protocols trafficgen sends, and how several are combined: rotated one
// after another (--proto tcp,udp,sctp with --protocol-duration), or mixed at once by
// weight (--mix tcp:1,udp:2,sctp:1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tg::traffic {

enum class Protocol : std::uint8_t { tcp, udp, sctp };

inline constexpr Protocol all_protocols[] = {Protocol::tcp, Protocol::udp, Protocol::sctp};

[[nodiscard]] const char* to_string(Protocol p) noexcept;
[[nodiscard]] std::uint8_t ip_protocol_number(Protocol p) noexcept;

struct WeightedProtocol {
    Protocol protocol = Protocol::tcp;
    std::uint32_t weight = 1;
};

// "tcp,udp,sctp" (weights 1) or "tcp:1,udp:2"; each protocol at most once.
[[nodiscard]] std::vector<WeightedProtocol> parse_protocols(std::string_view text, std::string_view what);

}  // namespace tg::traffic
