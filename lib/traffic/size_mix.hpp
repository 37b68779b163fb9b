// Frame sizes, counted as RFC 2544 does: the whole frame including its 4-byte FCS, so
// 64 is the smallest Ethernet frame.
//
//   --size 1400                   one size
//   --size imix                   the simple IMIX: 7 x 64, 4 x 594, 1 x 1518
//   --size 64:7,594:4,1518:1      sizes with weights
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tg::traffic {

inline constexpr std::uint32_t min_frame_size = 64;
inline constexpr std::uint32_t max_frame_size = 9018;  // a 9000-byte MTU plus Ethernet header and FCS

struct SizeMix {
    struct Entry {
        std::uint32_t size = 0;
        std::uint32_t weight = 1;
    };
    std::vector<Entry> entries;

    [[nodiscard]] static SizeMix parse(std::string_view text, std::string_view what = "--size");
    [[nodiscard]] static SizeMix single(std::uint32_t size) { return SizeMix{{{size, 1}}}; }

    [[nodiscard]] std::uint32_t smallest() const noexcept;
    [[nodiscard]] std::uint32_t largest() const noexcept;
    [[nodiscard]] double mean() const noexcept;
    // The sizes in sending order for one cycle, weights spread evenly rather than in runs
    // (7 x 64 does not go out back to back before the 594s).
    [[nodiscard]] std::vector<std::uint32_t> cycle() const;
    [[nodiscard]] std::string to_string() const;
};

}  // namespace tg::traffic
