// A frame template and its field engine: the frame is built once per protocol and size,
// with every per-packet field zero; stamping a packet writes only those fields (addresses,
// ports, TCP sequence, SCTP TSN/stream/SSN, the test header) and finishes the checksums
// from sums precomputed here. The SCTP CRC32c is combined from the template's CRC and the
// first 46 bytes of the packet, so it costs the same at 9000 bytes as at 80.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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
#include "traffic/flow_lane.hpp"
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
    // DNS: the query (proto::dns_query(), ID 0) and the server's port. The frame is as
    // long as the query makes it; frame_size is not read.
    std::vector<std::uint8_t> dns_query;
    std::uint16_t dns_port = 53;
    // Raw Ethernet: the EtherType, and the bytes that fill the payload after the test
    // header, repeated (empty: zeros).
    std::uint16_t ether_type = 0x88b5;  // IEEE 802 local experimental EtherType 1
    std::vector<std::uint8_t> pattern;
};

// What changes from one packet of a flow to the next.
struct PacketVars {
    std::uint32_t seq = 0;     // the test header's sequence number
    std::uint16_t stream = 0;  // SCTP stream id; 0 for the others
    std::uint8_t flags = 0;    // test header flags
    std::uint32_t l4_seq = 0;  // TCP sequence number, SCTP TSN, or DNS ID
    std::uint16_t ssn = 0;     // SCTP stream sequence number
};

// Every value of one packet, spelt out: for tests and tools, which stamp a packet from a
// flow tuple rather than from a lane.
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
    std::uint16_t dns_id = 0;
};

class FrameTemplate {
public:
    // Throws ConfigError when the size is below what the headers and test header need.
    explicit FrameTemplate(const TemplateSpec& spec);

    // The smallest frame (with FCS) that carries this protocol's headers and the test header
    // (ARP: the request; DNS: headers and an empty question).
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
    void stamp(std::uint8_t* frame, const FlowLane& lane, const PacketVars& v,
               const proto::TestHeaderTime& time) const noexcept;
    template <bool Offload>
    void stamp(std::uint8_t* frame, const PacketFields& f) const noexcept;

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
    std::uint16_t dns_port_wire_ = 0;  // DNS: the server's port as on the wire
    // SCTP
    std::uint32_t sctp_template_crc_ = 0;
    std::uint32_t sctp_template_head_ = 0;
    std::uint64_t sctp_chunk_word_ = 0;  // SCTP bytes 8-15: checksum 0, DATA type, flags, length
    std::uint32_t sctp_ppid_wire_ = 0;   // SCTP bytes 24-27
    std::unique_ptr<proto::Crc32cZeroShift> sctp_shift_;

    template <Protocol P, bool Offload>
    friend class FrameStamper;
};

// A template's stamp for one burst of protocol P: the template's offsets and sums and the
// burst's transmit time, copied into one small value the burst loop keeps in registers,
// so that writing a frame never makes it read the template again.
template <Protocol P, bool Offload>
class FrameStamper {
public:
    FrameStamper(const FrameTemplate& t, const proto::TestHeaderTime& time) noexcept
        : l3_(t.layout_.l3_offset),
          l4_(t.layout_.l4_offset),
          test_header_(t.test_header_offset_),
          ipv6_(t.spec_.ipv6),
          ip_base_(t.ip_base_sum_),
          // DNS carries no test header, so no transmit time.
          l4_base_(t.l4_base_sum_ + (P == Protocol::dns ? 0 : time.sum)),
          pseudo_(std::uint32_t{ip_protocol_number(P)} + t.l4_length_),
          time_(time),
          sctp_chunk_word_(t.sctp_chunk_word_),
          sctp_ppid_wire_(t.sctp_ppid_wire_),
          crc_template_(t.sctp_template_crc_),
          crc_template_head_(t.sctp_template_head_),
          shift_(t.sctp_shift_.get()),
          dns_port_wire_(t.dns_port_wire_) {}

    [[gnu::always_inline]] inline void operator()(std::uint8_t* frame, const FlowLane& lane,
                                                  const PacketVars& v) const noexcept;

private:
    std::uint32_t l3_, l4_, test_header_;
    bool ipv6_;
    std::uint32_t ip_base_;  // IPv4 header with addresses and checksum zero
    std::uint32_t l4_base_;  // transport segment with variable fields zero, pseudo-header
                             // protocol and length, and the burst's transmit time
    std::uint32_t pseudo_;   // pseudo-header protocol and length, for offload
    proto::TestHeaderTime time_;
    std::uint64_t sctp_chunk_word_;
    std::uint32_t sctp_ppid_wire_;
    std::uint32_t crc_template_, crc_template_head_;
    const proto::Crc32cZeroShift* shift_;
    std::uint16_t dns_port_wire_;
};

// The first bytes of an SCTP packet a stamp changes: common header, DATA chunk header
// and the test header.
inline constexpr std::size_t sctp_stamped_bytes = 12 + 16 + 18;

// What a stream and flags add to the test header's sum.
inline std::uint32_t stream_flags_sum(const PacketVars& v) noexcept {
    return v.stream + (std::uint32_t{v.flags} << 8);
}

// Defined here so that it inlines into the engine's burst loop. Every input is read
// before the first store: a store through the frame's byte pointer could alias the lane.
template <Protocol P, bool Offload>
inline void FrameStamper<P, Offload>::operator()(std::uint8_t* frame, const FlowLane& lane,
                                                 const PacketVars& v) const noexcept {
    std::uint8_t addresses[32];
    if (ipv6_) {
        std::memcpy(addresses, lane.addresses.data(), 32);
    } else {
        std::memcpy(addresses, lane.addresses.data(), 8);
    }
    const std::uint32_t ports = lane.ports_wire;
    const std::uint32_t addr_sum = lane.addr_sum;
    const std::uint32_t flow_sum = lane.l4_sum;
    const bool moved = P == Protocol::sctp || v.stream != 0 || v.flags != 0;
    const proto::TestHeaderHead head =
        moved ? proto::test_header_head_with(lane.test_head, v.stream, v.flags) : lane.test_head;
    // The flow's sum holds the test head of stream 0 without flags.
    const std::uint32_t head_extra = moved ? stream_flags_sum(v) : 0;
    [[maybe_unused]] const std::uint32_t vtag = lane.sctp_vtag;

    std::uint8_t* l3 = frame + l3_;
    if constexpr (P == Protocol::raw) {
        proto::put_test_header(frame + test_header_, head, v.seq, time_);
        return;
    } else if constexpr (P == Protocol::arp) {
        // Who has the flow's destination? Tell its source (IPv4 only).
        std::memcpy(l3 + 14, addresses, 4);     // sender protocol address
        std::memcpy(l3 + 24, addresses + 4, 4);  // target protocol address
        return;
    }
    std::uint8_t* l4 = frame + l4_;
    if (!ipv6_) {
        std::memcpy(l3 + offsetof(proto::Ipv4Header, src), addresses, 8);  // source, destination
        proto::store_be16(l3 + offsetof(proto::Ipv4Header, checksum),
                          Offload ? 0 : static_cast<std::uint16_t>(~proto::inet_fold32(ip_base_ + addr_sum)));
    } else {
        std::memcpy(l3 + offsetof(proto::Ipv6Header, src), addresses, 32);
    }
    if constexpr (P == Protocol::icmp) {
        // Echo: the identifier is the flow's source port, the sequence the packet's (as
        // ping numbers them), then the test header. ICMPv4 has no pseudo-header.
        std::uint8_t id_seq[4];
        std::memcpy(id_seq, &ports, 2);
        proto::store_be16(id_seq + 2, static_cast<std::uint16_t>(v.seq));
        std::memcpy(l4 + 4, id_seq, 4);
        proto::put_test_header(frame + test_header_, head, v.seq, time_);
        const std::uint32_t sum = l4_base_ + (ipv6_ ? addr_sum : 0) + proto::load_be16(id_seq) +
                                  (v.seq & 0xffff) + lane.test_head.sum + head_extra + (v.seq >> 16) + (v.seq & 0xffff);
        proto::store_be16(l4 + 2, static_cast<std::uint16_t>(~proto::inet_fold32(sum)));
        return;
    } else if constexpr (P == Protocol::dns) {
        // The flow's source port to the server's port; the query's ID.
        std::memcpy(l4, &ports, 2);
        std::memcpy(l4 + 2, &dns_port_wire_, 2);
        const auto id = static_cast<std::uint16_t>(v.l4_seq);
        proto::store_be16(frame + test_header_, id);
        std::uint16_t c = static_cast<std::uint16_t>(
            ~proto::inet_fold32(l4_base_ + addr_sum + proto::load_be16(reinterpret_cast<const std::uint8_t*>(&ports)) + id));
        if (c == 0) c = 0xffff;
        proto::store_be16(l4 + offsetof(proto::UdpHeader, checksum), c);
        return;
    } else if constexpr (P == Protocol::sctp) {
        // The 46 bytes that change (common header, DATA chunk header, test header) are
        // built as words in registers, stored, and run through the CRC from the registers:
        // read back from the frame, each 8-byte load would wait on the narrower stores.
        const std::uint64_t w0 = proto::join(ports, proto::wire32(vtag));
        const std::uint64_t w1 = sctp_chunk_word_;  // checksum 0, chunk type, flags, length
        const std::uint64_t w2 =
            proto::join(proto::wire32(v.l4_seq), proto::join(proto::wire16(v.stream), proto::wire16(v.ssn)));
        const std::uint64_t w3 = proto::join(sctp_ppid_wire_, proto::first4(head.wire));
        const std::uint64_t w4 = proto::join(proto::last4(head.wire), proto::wire32(v.seq));
        std::memcpy(l4, &w0, 8);
        std::memcpy(l4 + 8, &w1, 8);
        std::memcpy(l4 + 16, &w2, 8);
        std::memcpy(l4 + 24, &w3, 8);
        std::memcpy(l4 + 32, &w4, 8);
        std::memcpy(l4 + 40, &time_.wire_lo, 4);
        std::memcpy(l4 + 44, &time_.wire_hi, 2);
        if (!Offload) {
            std::uint32_t r = proto::crc32c_raw_word(0, w0);
            r = proto::crc32c_raw_word(r, w1);
            r = proto::crc32c_raw_word(r, w2);
            r = proto::crc32c_raw_word(r, w3);
            r = proto::crc32c_raw_word(r, w4);
            r = proto::crc32c_raw_word(r, time_.wire_lo);
            r = proto::crc32c_raw_word(r, time_.wire_hi);
            const std::uint32_t crc = crc_template_ ^ (*shift_)(r ^ crc_template_head_);
            // CRC32c goes on the wire least significant byte first.
            proto::Le32 le;
            le.set(crc);
            std::memcpy(l4 + offsetof(proto::SctpCommonHeader, checksum), &le, 4);
        }
        return;
    } else {
        std::memcpy(l4, &ports, 4);
        proto::put_test_header(frame + test_header_, head, v.seq, time_);
    }

    const std::uint32_t seq_sum = (v.seq >> 16) + (v.seq & 0xffff) + head_extra;
    if constexpr (P == Protocol::udp) {
        std::uint16_t c;
        if (Offload) {
            c = proto::inet_fold32(addr_sum + pseudo_);
        } else {
            c = static_cast<std::uint16_t>(~proto::inet_fold32(l4_base_ + flow_sum + seq_sum));
            if (c == 0) c = 0xffff;
        }
        proto::store_be16(l4 + offsetof(proto::UdpHeader, checksum), c);
    } else {
        proto::store_be32(l4 + offsetof(proto::TcpHeader, seq), v.l4_seq);
        const std::uint16_t c =
            Offload ? proto::inet_fold32(addr_sum + pseudo_)
                    : static_cast<std::uint16_t>(~proto::inet_fold32(l4_base_ + flow_sum + seq_sum + (v.l4_seq >> 16) +
                                                                     (v.l4_seq & 0xffff)));
        proto::store_be16(l4 + offsetof(proto::TcpHeader, checksum), c);
    }
}

template <bool Offload>
inline void FrameTemplate::stamp(std::uint8_t* frame, const FlowLane& lane, const PacketVars& v,
                                 const proto::TestHeaderTime& time) const noexcept {
    switch (spec_.protocol) {
        case Protocol::udp: FrameStamper<Protocol::udp, Offload>(*this, time)(frame, lane, v); break;
        case Protocol::tcp: FrameStamper<Protocol::tcp, Offload>(*this, time)(frame, lane, v); break;
        case Protocol::sctp: FrameStamper<Protocol::sctp, Offload>(*this, time)(frame, lane, v); break;
        case Protocol::icmp: FrameStamper<Protocol::icmp, Offload>(*this, time)(frame, lane, v); break;
        case Protocol::arp: FrameStamper<Protocol::arp, Offload>(*this, time)(frame, lane, v); break;
        case Protocol::dns: FrameStamper<Protocol::dns, Offload>(*this, time)(frame, lane, v); break;
        case Protocol::raw: FrameStamper<Protocol::raw, Offload>(*this, time)(frame, lane, v); break;
    }
}

template <bool Offload>
inline void FrameTemplate::stamp(std::uint8_t* frame, const PacketFields& f) const noexcept {
    FlowLane lane = FlowLane::make(*f.flow, f.flow_id);
    lane.sctp_vtag = f.sctp_vtag;
    const PacketVars v{f.seq, f.stream_id, f.flags,
                       spec_.protocol == Protocol::tcp   ? f.tcp_seq
                       : spec_.protocol == Protocol::dns ? f.dns_id
                                                         : f.sctp_tsn,
                       f.sctp_ssn};
    stamp<Offload>(frame, lane, v, proto::test_header_time(f.tx_ns));
}

}  // namespace tg::traffic
