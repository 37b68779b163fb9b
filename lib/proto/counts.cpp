#include "proto/counts.hpp"

#include <algorithm>

#include "proto/byte_order.hpp"

namespace tg::proto {

bool write_counts_request(std::span<std::uint8_t> out, std::uint32_t seq, std::uint64_t tx_ns,
                          std::size_t entries_wanted) noexcept {
    if (out.size() < counts_request_bytes) return false;
    TestHeader h;
    h.flow_id = counts_flow_id;
    h.seq = seq;
    h.tx_ns = tx_ns;
    const auto bytes = static_cast<std::uint32_t>(counts_answer_bytes(std::min(entries_wanted, counts_max_entries)));
    if (!write_request(out, h, bytes)) return false;
    store_be32(out.data() + request_min_bytes, counts_marker);
    return true;
}

std::optional<TestHeader> read_counts_request(std::span<const std::uint8_t> payload) noexcept {
    // Most UDP test packets are not requests: the flags byte says so before anything is read.
    if (payload.size() < counts_request_bytes || (payload[2] & test_flag::request) == 0 ||
        load_be32(payload.data() + request_min_bytes) != counts_marker) {
        return std::nullopt;
    }
    const auto r = read_request(payload);
    if (!r || r->header.flow_id != counts_flow_id) return std::nullopt;
    return r->header;
}

std::size_t write_counts_answer(std::span<std::uint8_t> out, const TestHeader& request, std::uint64_t sink_id,
                                std::span<const CountsEntry> counts) noexcept {
    const std::size_t n = std::min(counts.size(), counts_max_entries);
    const std::size_t len = counts_answer_bytes(n);
    if (out.size() < len || !write_response_head(out, request)) return 0;
    std::uint8_t* p = out.data() + test_header_size;
    store_be32(p, counts_marker);
    p[4] = static_cast<std::uint8_t>(n);
    p[5] = p[6] = p[7] = 0;
    store_be64(p + 8, sink_id);
    p += 16;
    for (std::size_t i = 0; i < n; ++i, p += counts_entry_bytes) {
        store_be64(p, counts[i].packets);
        store_be64(p + 8, counts[i].bytes);
        store_be64(p + 16, counts[i].lost);
    }
    return len;
}

std::optional<CountsAnswer> read_counts_answer(std::span<const std::uint8_t> payload) noexcept {
    CountsAnswer a;
    if (payload.size() < counts_answer_head_bytes || read_test_header(payload, a.header) != TestHeaderStatus::ok ||
        (a.header.flags & test_flag::reflected) == 0 || a.header.flow_id != counts_flow_id) {
        return std::nullopt;
    }
    const std::uint8_t* p = payload.data() + test_header_size;
    if (load_be32(p) != counts_marker) return std::nullopt;
    a.entries = p[4];
    if (a.entries > counts_max_entries || payload.size() < counts_answer_bytes(a.entries)) return std::nullopt;
    a.sink_id = load_be64(p + 8);
    p += 16;
    for (std::size_t i = 0; i < a.entries; ++i, p += counts_entry_bytes) {
        a.counts[i] = {load_be64(p), load_be64(p + 8), load_be64(p + 16)};
    }
    return a;
}

}  // namespace tg::proto
