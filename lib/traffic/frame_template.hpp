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

}  // namespace tg::traffic
