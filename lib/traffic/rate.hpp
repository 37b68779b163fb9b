// Transmit rates and where their bits are counted.
//
//   --rate 100M, 2.5G, 800k, 100Mbps   L2 bits per second: every byte of the frame from the
//                                      destination MAC to the FCS (a 64-byte frame is 512 bits)
//   --rate 1Mpps, 500kpps, 14880952pps packets per second
//   --rate 50%                         percent of the link speed at L1: the frame plus its 20
//                                      bytes of preamble, start delimiter and inter-frame gap,
//                                      so 100% is line rate (14.88 Mpps of 64 B on 10G)
//   --rate max (or 0)                  as fast as the port takes packets
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tg::traffic {

struct Rate {
    enum class Unit : std::uint8_t { unlimited, pps, l2_bps, percent_l1 };
    Unit unit = Unit::unlimited;
    double value = 0;

    // Throws ConfigError naming `what` (the flag or setting) when text is not a rate.
    [[nodiscard]] static Rate parse(std::string_view text, std::string_view what = "--rate");

    // Packets per second for frames of `frame_bytes` (with FCS) on a link of
    // `link_bps` (needed for percent); 0 means unlimited.
    [[nodiscard]] double packets_per_second(double frame_bytes, double link_bps) const noexcept;

    [[nodiscard]] std::string to_string() const;
};

// Bits a frame of `frame_bytes` (with FCS) takes at L1 and at L2.
[[nodiscard]] constexpr double l1_bits(double frame_bytes) noexcept { return (frame_bytes + 20) * 8; }
[[nodiscard]] constexpr double l2_bits(double frame_bytes) noexcept { return frame_bytes * 8; }

}  // namespace tg::traffic
