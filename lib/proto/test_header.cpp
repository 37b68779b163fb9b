#include "proto/test_header.hpp"

#include <cstring>

namespace tg::proto {

const char* to_string(TestHeaderStatus s) noexcept {
    switch (s) {
        case TestHeaderStatus::ok: return "ok";
        case TestHeaderStatus::truncated: return "truncated test header";
        case TestHeaderStatus::not_test_packet: return "not a test packet";
        case TestHeaderStatus::bad_version: return "unsupported test header version";
    }
    return "unknown";
}

bool write_test_header(std::span<std::uint8_t> out, const TestHeader& h) noexcept {
    if (out.size() < test_header_size || h.flow_id > test_header_max_flow_id ||
        (h.flags & ~test_flag::all) != 0) {
        return false;
    }
    TestHeaderWire w;
    w.magic.set(test_header_magic);
    w.version_flags = static_cast<std::uint8_t>(test_header_version << 4 | h.flags);
    for (int i = 0; i < 3; ++i) w.flow_id[i] = static_cast<std::uint8_t>(h.flow_id >> (8 * (2 - i)));
    w.stream_id.set(h.stream_id);
    w.seq.set(h.seq);
    for (int i = 0; i < 6; ++i) w.tx_ns[i] = static_cast<std::uint8_t>(h.tx_ns >> (8 * (5 - i)));
    std::memcpy(out.data(), &w, sizeof(w));
    return true;
}

TestHeaderStatus read_test_header(std::span<const std::uint8_t> in, TestHeader& out) noexcept {
    if (in.size() < test_header_size) return TestHeaderStatus::truncated;
    // Three loads: bytes 0-7 (magic, version and flags, flow, stream), 8-15 (sequence,
    // time high) and 16-17 (time low).
    const std::uint64_t a = load_be64(in.data());
    const std::uint64_t b = load_be64(in.data() + 8);
    const std::uint16_t c = load_be16(in.data() + 16);
    if ((a >> 48) != test_header_magic) return TestHeaderStatus::not_test_packet;
    const auto version_flags = static_cast<std::uint8_t>(a >> 40);
    if ((version_flags >> 4) != test_header_version) return TestHeaderStatus::bad_version;
    out.flags = version_flags & 0x0f;
    out.flow_id = static_cast<std::uint32_t>(a >> 16) & test_header_max_flow_id;
    out.stream_id = static_cast<std::uint16_t>(a);
    out.seq = static_cast<std::uint32_t>(b >> 32);
    out.tx_ns = (b & 0xffffffff) << 16 | c;
    return TestHeaderStatus::ok;
}

}  // namespace tg::proto
