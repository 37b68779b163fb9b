// A frame template and its field engine: the frame is built once per protocol and size,
// with every per-packet field zero; stamping a packet writes only those fields (addresses,
// ports, TCP sequence, SCTP TSN/stream/SSN, the test header) and finishes the checksums
// from sums precomputed here. The SCTP CRC32c is combined from the template's CRC and the
// first 46 bytes of the packet, so it costs the same at 9000 bytes as at 80.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "proto/build.hpp"
#include "proto/byte_order.hpp"
#include "proto/checksum.hpp"
#include "proto/ip.hpp"
#include "proto/sctp.hpp"
#include "proto/tcp.hpp"
#include "proto/test_header.hpp"
#include "proto/udp.hpp"
#include "proto/crc32c.hpp"
#include "traffic/flows.hpp"
#include "traffic/protocol.hpp"

namespace tg::traffic {

struct TemplateSpec {
    Protocol protocol = Protocol::udp;
    bool ipv6 = false;
    proto::L2Spec l2;
    std::uint32_t frame_size = 64;  // with FCS
    std::uint8_t ttl = 64;
    std::uint8_t tos = 0;
    std::uint32_t sctp_ppid = 0;
    std::uint16_t tcp_window = 65535;
};

// The per-packet values.
struct PacketFields {
    const FlowTuple* flow = nullptr;
    std::uint32_t flow_id = 0;
    std::uint16_t stream_id = 0;
    std::uint32_t seq = 0;
    std::uint64_t tx_ns = 0;
    std::uint8_t flags = 0;
    std::uint32_t tcp_seq = 0;
    std::uint32_t sctp_vtag = 0;
    std::uint32_t sctp_tsn = 0;
    std::uint16_t sctp_ssn = 0;
};

class FrameTemplate {
public:
    // Throws ConfigError when the size is below what the headers and test header need.
    explicit FrameTemplate(const TemplateSpec& spec);

    // The smallest frame (with FCS) that carries this protocol's headers and the test header.
    [[nodiscard]] static std::uint32_t min_frame_size(Protocol p, bool ipv6, std::uint8_t vlan_count) noexcept;
    // The frame (with FCS) whose transport carries `payload` bytes (UDP/TCP data, SCTP user data).
    [[nodiscard]] static std::uint32_t frame_size_for_payload(Protocol p, bool ipv6, std::uint8_t vlan_count,
                                                              std::uint32_t payload) noexcept;

    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }
    [[nodiscard]] const TemplateSpec& spec() const noexcept { return spec_; }
    // With FCS. An SCTP frame can be up to 3 bytes smaller than asked: SCTP packets are a
    // multiple of 4 bytes long.
    [[nodiscard]] std::uint32_t frame_size() const noexcept { return spec_.frame_size; }
    // Bytes of the frame above the transport header: UDP/TCP data, SCTP user data.
    [[nodiscard]] std::uint32_t payload_bytes() const noexcept { return payload_bytes_; }
    [[nodiscard]] std::uint16_t l2_length() const noexcept { return static_cast<std::uint16_t>(layout_.l3_offset); }
    [[nodiscard]] std::uint16_t l3_length() const noexcept {
        return static_cast<std::uint16_t>(layout_.l4_offset - layout_.l3_offset);
    }

    // Writes the per-packet fields into `frame`, which holds bytes() (or a packet stamped
    // from this template before), and its checksums. With Offload, the IPv4 checksum is
    // left 0 and the UDP/TCP checksum holds the pseudo-header sum, as a NIC that computes
    // them expects; the SCTP checksum is left 0.
    template <bool Offload>
    void stamp(std::uint8_t* frame, const PacketFields& f) const noexcept;
    // The same for a template known to be of protocol P: no per-packet switch.
    template <Protocol P, bool Offload>
    void stamp_as(std::uint8_t* frame, const PacketFields& f) const noexcept;

private:
    TemplateSpec spec_;
    std::vector<std::uint8_t> bytes_;
    proto::FrameLayout layout_;
    std::uint32_t payload_bytes_ = 0;
    std::uint32_t test_header_offset_ = 0;
    std::uint32_t ip_base_sum_ = 0;  // IPv4 header with addresses and checksum zero
    std::uint32_t l4_base_sum_ = 0;  // transport segment with variable fields zero, plus the
                                     // pseudo-header's protocol and length
    std::uint16_t l4_length_ = 0;
    // SCTP
    std::uint32_t sctp_template_crc_ = 0;
    std::uint32_t sctp_template_head_ = 0;
    std::unique_ptr<proto::Crc32cZeroShift> sctp_shift_;
};

// The first bytes of an SCTP packet a stamp changes: common header, DATA chunk header
// and the test header.
inline constexpr std::size_t sctp_stamped_bytes = 12 + 16 + 18;

// Defined here so that it inlines into the engine's burst loop.
template <Protocol P, bool Offload>
inline void FrameTemplate::stamp_as(std::uint8_t* frame, const PacketFields& f) const noexcept {
    const FlowTuple& t = *f.flow;
    std::uint8_t* l3 = frame + layout_.l3_offset;
    std::uint8_t* l4 = frame + layout_.l4_offset;

    std::uint32_t addr_sum;
    if (!spec_.ipv6) {
        auto* ip = reinterpret_cast<proto::Ipv4Header*>(l3);
        ip->src = t.src.v4;
        ip->dst = t.dst.v4;
        addr_sum = proto::sum_words<2>(t.src.v4.bytes.data()) + proto::sum_words<2>(t.dst.v4.bytes.data());
        ip->checksum.set(Offload ? 0 : proto::inet_finish(ip_base_sum_ + addr_sum));
    } else {
        auto* ip = reinterpret_cast<proto::Ipv6Header*>(l3);
        ip->src = t.src.v6;
        ip->dst = t.dst.v6;
        addr_sum = proto::sum_words<8>(t.src.v6.bytes.data()) + proto::sum_words<8>(t.dst.v6.bytes.data());
    }

    proto::store_be16(l4, t.src_port);
    proto::store_be16(l4 + 2, t.dst_port);
    const std::uint32_t th_sum =
        proto::stamp_test_header(frame + test_header_offset_, {f.flow_id, f.stream_id, f.seq, f.tx_ns, f.flags});

    if constexpr (P == Protocol::udp) {
            auto* h = reinterpret_cast<proto::UdpHeader*>(l4);
            if (Offload) {
                h->checksum.set(proto::inet_fold(addr_sum + ip_protocol_number(Protocol::udp) + l4_length_));
            } else {
                const std::uint32_t sum = l4_base_sum_ + addr_sum + t.src_port + t.dst_port + th_sum;
                const std::uint16_t c = proto::inet_finish(sum);
                h->checksum.set(c == 0 ? 0xffff : c);
            }
    } else if constexpr (P == Protocol::tcp) {
            auto* h = reinterpret_cast<proto::TcpHeader*>(l4);
            h->seq.set(f.tcp_seq);
            if (Offload) {
                h->checksum.set(proto::inet_fold(addr_sum + ip_protocol_number(Protocol::tcp) + l4_length_));
            } else {
                const std::uint32_t sum = l4_base_sum_ + addr_sum + t.src_port + t.dst_port + (f.tcp_seq >> 16) +
                                          (f.tcp_seq & 0xffff) + th_sum;
                h->checksum.set(proto::inet_finish(sum));
            }
    } else {
            auto* h = reinterpret_cast<proto::SctpCommonHeader*>(l4);
            h->verification_tag.set(f.sctp_vtag);
            h->checksum.set(0);
            auto* d = reinterpret_cast<proto::SctpDataChunk*>(l4 + sizeof(proto::SctpCommonHeader));
            d->tsn.set(f.sctp_tsn);
            d->stream_id.set(f.stream_id);
            d->stream_seq.set(f.sctp_ssn);
            if (!Offload) {
                const std::uint32_t head = proto::crc32c_raw_fixed<sctp_stamped_bytes>(0, l4);
                h->checksum.set(sctp_template_crc_ ^ (*sctp_shift_)(head ^ sctp_template_head_));
            }
    }
}

template <bool Offload>
inline void FrameTemplate::stamp(std::uint8_t* frame, const PacketFields& f) const noexcept {
    switch (spec_.protocol) {
        case Protocol::udp: stamp_as<Protocol::udp, Offload>(frame, f); break;
        case Protocol::tcp: stamp_as<Protocol::tcp, Offload>(frame, f); break;
        case Protocol::sctp: stamp_as<Protocol::sctp, Offload>(frame, f); break;
    }
}


}  // namespace tg::traffic
