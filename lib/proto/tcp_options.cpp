#include "proto/tcp_options.hpp"

#include "proto/byte_order.hpp"
#include "proto/tcp.hpp"

namespace tg::proto {

ParseError parse_tcp_options(std::span<const std::uint8_t> bytes, TcpOptions& out) noexcept {
    out = TcpOptions{};
    std::size_t i = 0;
    while (i < bytes.size()) {
        const std::uint8_t kind = bytes[i];
        if (kind == tcp_option::end) break;
        if (kind == tcp_option::nop) {
            ++i;
            continue;
        }
        if (i + 1 >= bytes.size()) return ParseError::bad_options;
        const std::size_t len = bytes[i + 1];
        if (len < 2 || i + len > bytes.size()) return ParseError::bad_options;
        const std::uint8_t* v = bytes.data() + i + 2;
        switch (kind) {
            case tcp_option::mss:
                if (len != 4) return ParseError::bad_options;
                out.mss = load_be16(v);
                break;
            case tcp_option::window_scale:
                if (len != 3) return ParseError::bad_options;
                out.window_scale = v[0];
                break;
            case tcp_option::sack_permitted:
                if (len != 2) return ParseError::bad_options;
                out.sack_permitted = true;
                break;
            case tcp_option::sack: {
                if ((len - 2) % 8 != 0 || len == 2 || (len - 2) / 8 > tcp_max_sack_blocks) {
                    return ParseError::bad_options;
                }
                out.sack_block_count = static_cast<std::uint8_t>((len - 2) / 8);
                for (std::size_t b = 0; b < out.sack_block_count; ++b) {
                    out.sack_blocks[b] = {load_be32(v + 8 * b), load_be32(v + 8 * b + 4)};
                }
                break;
            }
            case tcp_option::timestamps:
                if (len != 10) return ParseError::bad_options;
                out.timestamps = TcpTimestamps{load_be32(v), load_be32(v + 4)};
                break;
            default:
                break;
        }
        i += len;
    }
    return ParseError::none;
}

std::optional<std::size_t> write_tcp_options(std::span<std::uint8_t> out, const TcpOptions& o) noexcept {
    if (o.window_scale && *o.window_scale > tcp_max_window_scale) return std::nullopt;
    if (o.sack_block_count > tcp_max_sack_blocks) return std::nullopt;

    std::size_t need = 0;
    if (o.mss) need += 4;
    if (o.timestamps) need += 12;  // with SACK-permitted or two NOPs in front
    else if (o.sack_permitted) need += 4;
    if (o.window_scale) need += 4;
    if (o.sack_block_count > 0) need += 4 + 8 * std::size_t{o.sack_block_count};
    if (need > tcp_max_options || need > out.size()) return std::nullopt;

    std::uint8_t* p = out.data();
    if (o.mss) {
        p[0] = tcp_option::mss;
        p[1] = 4;
        store_be16(p + 2, *o.mss);
        p += 4;
    }
    if (o.timestamps) {
        if (o.sack_permitted) {
            p[0] = tcp_option::sack_permitted;
            p[1] = 2;
        } else {
            p[0] = p[1] = tcp_option::nop;
        }
        p[2] = tcp_option::timestamps;
        p[3] = 10;
        store_be32(p + 4, o.timestamps->value);
        store_be32(p + 8, o.timestamps->echo_reply);
        p += 12;
    } else if (o.sack_permitted) {
        p[0] = p[1] = tcp_option::nop;
        p[2] = tcp_option::sack_permitted;
        p[3] = 2;
        p += 4;
    }
    if (o.window_scale) {
        p[0] = tcp_option::nop;
        p[1] = tcp_option::window_scale;
        p[2] = 3;
        p[3] = *o.window_scale;
        p += 4;
    }
    if (o.sack_block_count > 0) {
        p[0] = p[1] = tcp_option::nop;
        p[2] = tcp_option::sack;
        p[3] = static_cast<std::uint8_t>(2 + 8 * o.sack_block_count);
        p += 4;
        for (std::size_t b = 0; b < o.sack_block_count; ++b) {
            store_be32(p, o.sack_blocks[b].left);
            store_be32(p + 4, o.sack_blocks[b].right);
            p += 8;
        }
    }
    return need;
}

}  // namespace tg::proto
