#include "traffic/flows.hpp"

#include <charconv>

#include "traffic/config_error.hpp"

namespace tg::traffic {

namespace {

// Big-endian address bytes as an integer: all of IPv4, the low 64 bits of IPv6.
std::uint64_t low_bits(const proto::IpAddress& a) {
    std::uint64_t v = 0;
    if (a.is_v4()) {
        for (auto b : a.v4.bytes) v = v << 8 | b;
    } else {
        for (std::size_t i = 8; i < 16; ++i) v = v << 8 | a.v6.bytes[i];
    }
    return v;
}

bool same_high_bits(const proto::IpAddress& a, const proto::IpAddress& b) {
    if (a.is_v4()) return true;
    for (std::size_t i = 0; i < 8; ++i) {
        if (a.v6.bytes[i] != b.v6.bytes[i]) return false;
    }
    return true;
}

}  // namespace

IpRange IpRange::parse(std::string_view text, std::string_view what) {
    const std::size_t dash = text.find('-');
    const auto first = proto::IpAddress::parse(text.substr(0, dash));
    const auto last = dash == std::string_view::npos ? first : proto::IpAddress::parse(text.substr(dash + 1));
    if (!first || !last) {
        throw ConfigError(std::string(what) + " '" + std::string(text) +
                          "' is not an IP address or range: give 198.18.0.1, 198.18.0.1-198.18.0.100 or an "
                          "IPv6 address or range");
    }
    if (first->family != last->family) {
        throw ConfigError(std::string(what) + " '" + std::string(text) + "' mixes IPv4 and IPv6");
    }
    const std::uint64_t lo = low_bits(*first), hi = low_bits(*last);
    if (!same_high_bits(*first, *last) || hi < lo || hi - lo >= max_flows) {
        throw ConfigError(std::string(what) + " '" + std::string(text) + "' must run upwards and span at most " +
                          std::to_string(max_flows) + " addresses");
    }
    return {*first, static_cast<std::uint32_t>(hi - lo + 1)};
}

proto::IpAddress IpRange::at(std::uint32_t i) const noexcept {
    proto::IpAddress a = first;
    std::uint64_t v = low_bits(first) + i % count;
    if (a.is_v4()) {
        for (int k = 3; k >= 0; --k, v >>= 8) a.v4.bytes[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(v);
    } else {
        for (int k = 15; k >= 8; --k, v >>= 8) a.v6.bytes[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(v);
    }
    return a;
}

std::string IpRange::to_string() const {
    return count == 1 ? first.to_string() : first.to_string() + "-" + at(count - 1).to_string();
}

PortRange PortRange::parse(std::string_view text, std::string_view what) {
    auto number = [&](std::string_view s) {
        std::uint32_t v = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > 65535) {
            throw ConfigError(std::string(what) + " '" + std::string(text) +
                              "' is not a port or port range: give 0..65535 or first-last, such as 1024-2047");
        }
        return v;
    };
    const std::size_t dash = text.find('-');
    const std::uint32_t lo = number(text.substr(0, dash));
    const std::uint32_t hi = dash == std::string_view::npos ? lo : number(text.substr(dash + 1));
    if (hi < lo) throw ConfigError(std::string(what) + " '" + std::string(text) + "' runs downwards");
    return {static_cast<std::uint16_t>(lo), hi - lo + 1};
}

std::string PortRange::to_string() const {
    return count == 1 ? std::to_string(first) : std::to_string(first) + "-" + std::to_string(first + count - 1);
}

FlowSet::FlowSet(IpRange src, IpRange dst, PortRange src_port, PortRange dst_port, std::uint32_t flows)
    : src_(src), dst_(dst), src_port_(src_port), dst_port_(dst_port) {
    if (src.first.family != dst.first.family) {
        throw ConfigError("--src-ip " + src.to_string() + " and --dst-ip " + dst.to_string() +
                          " are different IP versions");
    }
    const std::uint64_t combos = std::uint64_t{src.count} * dst.count * src_port.count * dst_port.count;
    if (flows > max_flows || (flows == 0 && combos > max_flows)) {
        throw ConfigError("--flows " + std::to_string(flows == 0 ? combos : flows) + " is more than the " +
                          std::to_string(max_flows) + " flows a run can tell apart");
    }
    if (flows > 1 && combos == 1) {
        // Single values everywhere: spread the flows over source ports.
        if (std::uint32_t{src_port.first} + flows - 1 > 65535) {
            throw ConfigError("--flows " + std::to_string(flows) + " from --src-port " + std::to_string(src_port.first) +
                              " runs past port 65535; give a lower --src-port or a --src-port range");
        }
        src_port_.count = flows;
    }
    flows_ = flows == 0 ? static_cast<std::uint32_t>(combos) : flows;
}

FlowTuple FlowSet::at(std::uint32_t flow) const noexcept {
    std::uint32_t i = flow;
    FlowTuple t;
    t.src_port = src_port_.at(i);
    i /= src_port_.count;
    t.src = src_.at(i);
    i /= src_.count;
    t.dst = dst_.at(i);
    i /= dst_.count;
    t.dst_port = dst_port_.at(i);
    return t;
}

}  // namespace tg::traffic
