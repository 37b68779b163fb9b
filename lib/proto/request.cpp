#include "proto/request.hpp"

namespace tg::proto {

bool write_request(std::span<std::uint8_t> out, const TestHeader& header, std::uint32_t response_bytes) noexcept {
    if (out.size() < request_min_bytes) return false;
    TestHeader h = header;
    h.flags = static_cast<std::uint8_t>((h.flags | test_flag::request) & ~test_flag::reflected);
    if (!write_test_header(out, h)) return false;
    store_be32(out.data() + test_header_size, response_bytes);
    return true;
}

std::optional<Request> read_request(std::span<const std::uint8_t> payload) noexcept {
    Request r;
    if (payload.size() < request_min_bytes || read_test_header(payload, r.header) != TestHeaderStatus::ok ||
        (r.header.flags & test_flag::request) == 0) {
        return std::nullopt;
    }
    r.response_bytes = load_be32(payload.data() + test_header_size);
    return r;
}

bool write_response_head(std::span<std::uint8_t> out, const TestHeader& request) noexcept {
    TestHeader h = request;
    h.flags = static_cast<std::uint8_t>((h.flags & ~(test_flag::request | test_flag::last)) | test_flag::reflected);
    return write_test_header(out, h);
}

}  // namespace tg::proto
