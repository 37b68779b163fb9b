// libFuzzer target over the parser entry point and every reader behind it. The input
// is a frame as it would arrive on the wire. Each layer's spans are read in full, so
// that ASan flags any view that points outside the input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/parse.hpp"
#include "proto/sctp_parse.hpp"
#include "proto/tcp_options.hpp"
#include "proto/test_header.hpp"

namespace {

using namespace tg::proto;

volatile std::uint8_t sink;

void touch(std::span<const std::uint8_t> s) {
    std::uint8_t x = 0;
    for (auto b : s) x = static_cast<std::uint8_t>(x ^ b);
    sink = x;
}

void require(bool ok) {
    if (!ok) __builtin_trap();
}

void walk_tlvs(std::span<const std::uint8_t> tlvs) {
    SctpTlvReader r(tlvs);
    SctpTlvView t;
    while (r.next(t)) touch(t.value);
}

void walk_sctp(std::span<const std::uint8_t> chunks) {
    SctpChunkReader reader(chunks);
    SctpChunkView c;
    while (reader.next(c)) {
        touch(c.value);
        require(c.length >= 4 && c.value.size() == c.length - 4u);
        switch (c.type) {
            case sctp_chunk::data: {
                SctpDataView d;
                if (parse_sctp_data(c, d) == ParseError::none) {
                    touch(d.user_data);
                    TestHeader h;
                    (void)read_test_header(d.user_data, h);
                }
                break;
            }
            case sctp_chunk::init:
            case sctp_chunk::init_ack: {
                SctpInitView init;
                if (parse_sctp_init(c, init) != ParseError::unsupported) walk_tlvs(init.params);
                break;
            }
            case sctp_chunk::sack: {
                SctpSackView s;
                if (parse_sctp_sack(c, s) == ParseError::none) {
                    for (std::size_t i = 0; i < s.gap_count; ++i) sink = static_cast<std::uint8_t>(s.gap(i).end);
                    for (std::size_t i = 0; i < s.duplicate_count; ++i) sink = static_cast<std::uint8_t>(s.duplicate(i));
                }
                break;
            }
            case sctp_chunk::heartbeat:
            case sctp_chunk::heartbeat_ack: {
                std::span<const std::uint8_t> info;
                if (parse_sctp_heartbeat(c, info) == ParseError::none) touch(info);
                break;
            }
            case sctp_chunk::shutdown: {
                std::uint32_t cum = 0;
                (void)parse_sctp_shutdown(c, cum);
                break;
            }
            case sctp_chunk::abort:
            case sctp_chunk::error:
                walk_tlvs(c.value);
                break;
            default:
                break;
        }
    }
}

void check(std::span<const std::uint8_t> frame, const ParseOptions& options) {
    const ParseResult r = parse_frame(frame, options);
    const PacketView& v = r.view;
    require(v.frame.data() == frame.data() && v.frame.size() == frame.size());
    if (v.l4_offset != 0) {
        require(v.l4_offset <= frame.size() && v.l4_length <= frame.size() - v.l4_offset);
        touch(v.l4());
    }
    if (v.payload_offset != 0) {
        require(v.payload_offset <= frame.size() && v.payload_length <= frame.size() - v.payload_offset);
        touch(v.payload());
    }
    if (!r.status.ok()) {
        require(r.status.describe().size() > 4);
        return;
    }
    if (v.tcp != nullptr) {
        TcpOptions o;
        const auto opts = v.l4().subspan(sizeof(TcpHeader), v.tcp->header_length() - sizeof(TcpHeader));
        require(parse_tcp_options(opts, o) == ParseError::none);
    }
    if (v.sctp != nullptr) walk_sctp(v.payload());
    if (v.udp != nullptr || v.tcp != nullptr) {
        TestHeader h;
        (void)read_test_header(v.payload(), h);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> frame(data, size);
    // Checked, as a sink without checksum offload does, and unchecked, as one that trusts
    // the NIC does: unchecked lets mutated frames reach the transport readers.
    check(frame, {});
    check(frame, {.verify_ipv4_checksum = false, .verify_l4_checksum = false});
    return 0;
}
