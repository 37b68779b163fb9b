#include "proto/test_header.hpp"

#include <cstring>

namespace tg::proto {

const char* to_string(TestHeaderStatus s) noexcept {
    switch (s) {
        case TestHeaderStatus::ok: return "ok";
        case TestHeaderStatus::truncated: return "truncated test header";
        case TestHeaderStatus::not_test_packet: return "not a test packet";
        case TestHeaderStatus::bad_version: return "unsupported test header version";
        case TestHeaderStatus::bad_flags: return "reserved test header flags set";
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
    TestHeaderWire w;
    std::memcpy(&w, in.data(), sizeof(w));
    if (w.magic.get() != test_header_magic) return TestHeaderStatus::not_test_packet;
    if ((w.version_flags >> 4) != test_header_version) return TestHeaderStatus::bad_version;
    if ((w.version_flags & 0x0f & ~test_flag::all) != 0) return TestHeaderStatus::bad_flags;
    out.flags = w.version_flags & 0x0f;
    out.flow_id = std::uint32_t{w.flow_id[0]} << 16 | std::uint32_t{w.flow_id[1]} << 8 | w.flow_id[2];
    out.stream_id = w.stream_id.get();
    out.seq = w.seq.get();
    out.tx_ns = 0;
    for (int i = 0; i < 6; ++i) out.tx_ns = out.tx_ns << 8 | w.tx_ns[i];
    return TestHeaderStatus::ok;
}

}  // namespace tg::proto
