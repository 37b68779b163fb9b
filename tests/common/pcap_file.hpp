// Ethernet captures for tests, through libpcap: what a test writes, tshark and trafficgen
// read, and what trafficgen writes, a test reads back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tg::testing {

using Frames = std::vector<std::vector<std::uint8_t>>;

// One frame per microsecond from a fixed start. Throws std::runtime_error on failure.
void write_pcap(const std::string& path, const Frames& frames);
[[nodiscard]] Frames read_pcap(const std::string& path);

}  // namespace tg::testing
