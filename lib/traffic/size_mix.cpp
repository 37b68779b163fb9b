#include "traffic/size_mix.hpp"

#include <algorithm>
#include <charconv>

#include "traffic/config_error.hpp"

namespace tg::traffic {

namespace {

std::uint32_t number(std::string_view s, std::string_view text, std::string_view what) {
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
        throw ConfigError(std::string(what) + " '" + std::string(text) +
                          "' is not a frame size: give bytes (64..9018), imix, or size:weight,... such as "
                          "64:7,594:4,1518:1");
    }
    return v;
}

}  // namespace

SizeMix SizeMix::parse(std::string_view text, std::string_view what) {
    if (text == "imix") return SizeMix{{{64, 7}, {594, 4}, {1518, 1}}};
    SizeMix mix;
    std::string_view rest = text;
    while (true) {
        const std::size_t comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        const std::size_t colon = item.find(':');
        Entry e;
        e.size = number(item.substr(0, colon), text, what);
        if (colon != std::string_view::npos) e.weight = number(item.substr(colon + 1), text, what);
        if (e.size < min_frame_size || e.size > max_frame_size) {
            throw ConfigError(std::string(what) + " " + std::to_string(e.size) + " is outside " +
                              std::to_string(min_frame_size) + ".." + std::to_string(max_frame_size) +
                              " bytes (frame size with FCS)");
        }
        if (e.weight == 0 || e.weight > 1000) {
            throw ConfigError(std::string(what) + " '" + std::string(text) + "' has weight " +
                              std::to_string(e.weight) + "; weights are 1..1000");
        }
        mix.entries.push_back(e);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return mix;
}

std::uint32_t SizeMix::smallest() const noexcept {
    std::uint32_t s = max_frame_size;
    for (const auto& e : entries) s = std::min(s, e.size);
    return s;
}

std::uint32_t SizeMix::largest() const noexcept {
    std::uint32_t s = 0;
    for (const auto& e : entries) s = std::max(s, e.size);
    return s;
}

double SizeMix::mean() const noexcept {
    double bytes = 0, n = 0;
    for (const auto& e : entries) {
        bytes += double(e.size) * e.weight;
        n += e.weight;
    }
    return n == 0 ? 0 : bytes / n;
}

std::vector<std::uint32_t> SizeMix::cycle() const {
    // Smooth weighted round robin: each step every entry gains its weight, the richest is
    // sent and pays the total. The result interleaves sizes in proportion.
    std::uint64_t total = 0;
    for (const auto& e : entries) total += e.weight;
    std::vector<std::int64_t> credit(entries.size(), 0);
    std::vector<std::uint32_t> out;
    out.reserve(total);
    for (std::uint64_t step = 0; step < total; ++step) {
        std::size_t best = 0;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            credit[i] += entries[i].weight;
            if (credit[i] > credit[best]) best = i;
        }
        credit[best] -= static_cast<std::int64_t>(total);
        out.push_back(entries[best].size);
    }
    return out;
}

std::string SizeMix::to_string() const {
    std::string s;
    for (const auto& e : entries) {
        if (!s.empty()) s += ',';
        s += std::to_string(e.size);
        if (entries.size() > 1) s += ':' + std::to_string(e.weight);
    }
    return s;
}

}  // namespace tg::traffic
