#include "sample_frames.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "proto/build.hpp"
#include "proto/ip.hpp"
#include "proto/sctp.hpp"
#include "proto/sctp_build.hpp"
#include "proto/tcp.hpp"
#include "proto/test_header.hpp"

namespace tg::testing {

using namespace tg::proto;

namespace {

struct Vlans {
    const char* name;
    std::vector<VlanSpec> tags;
};

const std::vector<Vlans>& vlan_cases() {
    static const std::vector<Vlans> cases = {
        {"untagged", {}},
        {"dot1q", {{ether_type::vlan, make_vlan_tci(3, false, 100)}}},
        {"qinq", {{ether_type::qinq, make_vlan_tci(0, false, 2000)}, {ether_type::vlan, make_vlan_tci(5, true, 7)}}},
    };
    return cases;
}

L2Spec l2_for(const Vlans& v) {
    L2Spec l2;
    l2.dst = *MacAddress::parse("02:00:00:00:00:02");
    l2.src = *MacAddress::parse("02:00:00:00:00:01");
    for (const auto& t : v.tags) l2.vlans[l2.vlan_count++] = t;
    return l2;
}

L3Spec l3_for(bool v6, std::uint32_t n) {
    L3Spec l3;
    if (v6) {
        l3.src = *Ipv6Address::parse("2001:2::" + std::to_string(n % 200 + 1));
        l3.dst = *Ipv6Address::parse("2001:2:0:1::" + std::to_string(n % 100 + 2));
        l3.ipv6_flow_label = 0x12345 + n;
    } else {
        l3.src = Ipv4Address::of(198, 18, static_cast<std::uint8_t>(n / 250), static_cast<std::uint8_t>(n % 250 + 1));
        l3.dst = Ipv4Address::of(198, 19, 0, static_cast<std::uint8_t>(n % 200 + 2));
        l3.ipv4_id = static_cast<std::uint16_t>(0x1000 + n);
    }
    return l3;
}

// A payload of `len` bytes that starts with a test header when it fits.
std::vector<std::uint8_t> payload_of(std::size_t len, std::uint32_t seq) {
    std::vector<std::uint8_t> p(len);
    for (std::size_t i = 0; i < len; ++i) p[i] = static_cast<std::uint8_t>(i * 7 + seq);
    TestHeader h;
    h.flow_id = seq;
    h.seq = seq;
    h.tx_ns = 1'700'000'000'000'000'000ull + seq;
    (void)write_test_header(p, h);
    return p;
}

std::size_t overhead(const L2Spec& l2, bool v6) {
    return sizeof(EthernetHeader) + sizeof(VlanTag) * l2.vlan_count + (v6 ? sizeof(Ipv6Header) : sizeof(Ipv4Header));
}

// Payload that makes a frame of `size` bytes, or 0 when the headers alone are bigger.
std::size_t fill_for(std::size_t size, std::size_t headers) { return size > headers ? size - headers : 0; }

void finish(SampleFrame& f, const BuildResult& r, std::vector<std::uint8_t>& buf, const L3Spec& l3) {
    if (!r.ok()) throw std::runtime_error(f.name + ": " + to_string(r.error));
    buf.resize(r.layout.length);
    f.bytes = std::move(buf);
    f.src = l3.src;
    f.dst = l3.dst;
    if (!l3.src.is_v4()) f.ipv6_flow_label = l3.ipv6_flow_label;
    f.l3_offset = r.layout.l3_offset;
    f.l4_offset = r.layout.l4_offset;
    f.l4_length = r.layout.l4_length;
    f.payload_length = r.layout.l4_length - (r.layout.payload_offset - r.layout.l4_offset);
}

}  // namespace

std::vector<SampleFrame> make_sample_frames() {
    std::vector<SampleFrame> out;
    std::uint32_t n = 0;
    static const std::uint8_t router_alert[] = {ipv4_option::router_alert, 4, 0, 0};

    for (const auto& vl : vlan_cases()) {
        for (bool v6 : {false, true}) {
            const std::string base = std::string(v6 ? "ipv6" : "ipv4") + "/" + vl.name;
            const L2Spec l2 = l2_for(vl);
            std::vector<std::uint16_t> vids, tpids;
            for (const auto& t : vl.tags) {
                vids.push_back(vlan_id(t.tci));
                tpids.push_back(t.tpid);
            }

            for (std::uint32_t size : sample_sizes) {
                ++n;
                // UDP; the IPv4 frames at 128 bytes carry an IP option as well.
                {
                    SampleFrame f{.name = base + "/udp/" + std::to_string(size), .l4 = "udp", .ipv6 = v6, .vlan_ids = vids, .vlan_tpids = tpids};
                    L3Spec l3 = l3_for(v6, n);
                    if (!v6 && size == 128) {
                        l3.ipv4_options = router_alert;
                        f.ipv4_option = ipv4_option::router_alert;
                    }
                    const std::size_t hdrs = overhead(l2, v6) + l3.ipv4_options.size() + 8;
                    const auto payload = payload_of(fill_for(size, hdrs), n);
                    f.src_port = static_cast<std::uint16_t>(10000 + n);
                    f.dst_port = 5201;
                    std::vector<std::uint8_t> buf(2048);
                    finish(f, build_udp_frame(buf, l2, l3, {f.src_port, f.dst_port}, payload), buf, l3);
                    out.push_back(std::move(f));
                }
                // TCP with the options of a SYN.
                {
                    SampleFrame f{.name = base + "/tcp/" + std::to_string(size), .l4 = "tcp", .ipv6 = v6, .vlan_ids = vids, .vlan_tpids = tpids};
                    const L3Spec l3 = l3_for(v6, n);
                    TcpSpec tcp;
                    tcp.src_port = f.src_port = static_cast<std::uint16_t>(20000 + n);
                    tcp.dst_port = f.dst_port = 5201;
                    tcp.seq = f.tcp_seq = 0x10000000u * (n % 16) + n;
                    tcp.ack = 0;
                    tcp.flags = size == 60 ? tcp_flag::syn : (tcp_flag::ack | tcp_flag::psh);
                    tcp.options.mss = f.tcp_mss = static_cast<std::uint16_t>(v6 ? 1440 : 1460);
                    tcp.options.sack_permitted = true;
                    tcp.options.window_scale = f.tcp_window_scale = static_cast<std::uint8_t>(n % 15);
                    f.tcp_tsval = n * 1000;
                    tcp.options.timestamps = TcpTimestamps{f.tcp_tsval, 0};
                    const std::size_t hdrs = overhead(l2, v6) + 20 + 20;
                    const auto payload = payload_of(fill_for(size, hdrs), n);
                    std::vector<std::uint8_t> buf(2048);
                    finish(f, build_tcp_frame(buf, l2, l3, tcp, payload), buf, l3);
                    out.push_back(std::move(f));
                }
                // SCTP DATA on stream n % 4.
                {
                    SampleFrame f{.name = base + "/sctp-data/" + std::to_string(size), .l4 = "sctp", .ipv6 = v6, .vlan_ids = vids, .vlan_tpids = tpids};
                    const L3Spec l3 = l3_for(v6, n);
                    f.src_port = static_cast<std::uint16_t>(30000 + n);
                    // The seed's port, and PPID 0: tshark would otherwise decode the
                    // payload as the telco protocol a well-known port or PPID names.
                    f.dst_port = 5201;
                    f.sctp_vtag = 0xc0ffee00u + n;
                    f.sctp_chunk_type = sctp_chunk::data;
                    f.sctp_tsn = 0xfffffff0u + n;  // crosses the 32-bit wrap over the catalogue
                    f.sctp_stream = static_cast<std::uint16_t>(n % 4);
                    f.sctp_ssn = static_cast<std::uint16_t>(n);
                    const std::size_t hdrs = overhead(l2, v6) + 12 + 16;
                    const auto payload = payload_of(std::max<std::size_t>(fill_for(size, hdrs), 1), n);
                    std::vector<std::uint8_t> chunks(2048);
                    SctpChunkWriter w(chunks);
                    if (!w.data({f.sctp_tsn, f.sctp_stream, f.sctp_ssn, 0, sctp_data_flag::whole_message},
                                payload)) {
                        throw std::runtime_error(f.name + ": DATA does not fit");
                    }
                    std::vector<std::uint8_t> buf(2048);
                    finish(f, build_sctp_frame(buf, l2, l3, {f.src_port, f.dst_port, f.sctp_vtag}, w.written()), buf,
                           l3);
                    out.push_back(std::move(f));
                }
                // ICMP echo request.
                {
                    SampleFrame f{.name = base + "/icmp/" + std::to_string(size), .l4 = "icmp", .ipv6 = v6, .vlan_ids = vids, .vlan_tpids = tpids};
                    const L3Spec l3 = l3_for(v6, n);
                    f.icmp_id = static_cast<std::uint16_t>(0x4000 + n);
                    f.icmp_seq = static_cast<std::uint16_t>(n);
                    const std::size_t hdrs = overhead(l2, v6) + 8;
                    const auto payload = payload_of(fill_for(size, hdrs), n);
                    std::vector<std::uint8_t> buf(2048);
                    finish(f, build_icmp_echo_frame(buf, l2, l3, {false, f.icmp_id, f.icmp_seq}, payload), buf, l3);
                    out.push_back(std::move(f));
                }
            }

            // One frame per SCTP control chunk, as an association's life sends them.
            ++n;
            const L3Spec l3 = l3_for(v6, n);
            const Ipv4Address v4addrs[] = {Ipv4Address::of(198, 18, 0, 1), Ipv4Address::of(198, 18, 1, 1)};
            const Ipv6Address v6addrs[] = {*Ipv6Address::parse("2001:2::1")};
            const std::uint16_t types[] = {sctp_param::ipv4_address, sctp_param::ipv6_address};
            const std::uint8_t cookie[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
            const std::uint8_t hb_info[] = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11};
            const std::uint8_t stream_info[] = {0x00, 0x09, 0x00, 0x00};
            const SctpGap gaps[] = {{2, 3}, {5, 9}};
            const std::uint32_t dups[] = {0x1000};
            const SctpCause abort_causes[] = {{sctp_cause::user_initiated_abort, {}}};
            const SctpCause error_causes[] = {{sctp_cause::invalid_stream_id, stream_info}};
            SctpInitSpec init{.initiate_tag = 0x11223344, .a_rwnd = 106496, .outbound_streams = 4,
                              .inbound_streams = 4, .initial_tsn = 0x55667788,
                              .ipv4_addresses = v4addrs, .ipv6_addresses = v6addrs,
                              .supported_address_types = types, .state_cookie = cookie};
            const std::pair<std::uint8_t, const char*> controls[] = {
                {sctp_chunk::init, "init"},
                {sctp_chunk::init_ack, "init-ack"},
                {sctp_chunk::sack, "sack"},
                {sctp_chunk::heartbeat, "heartbeat"},
                {sctp_chunk::heartbeat_ack, "heartbeat-ack"},
                {sctp_chunk::abort, "abort"},
                {sctp_chunk::shutdown, "shutdown"},
                {sctp_chunk::shutdown_ack, "shutdown-ack"},
                {sctp_chunk::error, "error"},
                {sctp_chunk::cookie_echo, "cookie-echo"},
                {sctp_chunk::cookie_ack, "cookie-ack"},
                {sctp_chunk::shutdown_complete, "shutdown-complete"},
            };
            auto write_control = [&](SctpChunkWriter& w, std::uint8_t type) {
                switch (type) {
                    case sctp_chunk::init: return w.init(init);
                    case sctp_chunk::init_ack: return w.init_ack(init);
                    case sctp_chunk::sack: return w.sack(0x55667790, 65536, gaps, dups);
                    case sctp_chunk::heartbeat: return w.heartbeat(hb_info);
                    case sctp_chunk::heartbeat_ack: return w.heartbeat_ack(hb_info);
                    case sctp_chunk::abort: return w.abort(false, abort_causes);
                    case sctp_chunk::shutdown: return w.shutdown(0x55667790);
                    case sctp_chunk::shutdown_ack: return w.shutdown_ack();
                    case sctp_chunk::error: return w.error(error_causes);
                    case sctp_chunk::cookie_echo: return w.cookie_echo(cookie);
                    case sctp_chunk::cookie_ack: return w.cookie_ack();
                    case sctp_chunk::shutdown_complete: return w.shutdown_complete(true);
                    default: return false;
                }
            };
            for (const auto& [type, name] : controls) {
                SampleFrame f{.name = base + "/sctp-" + name, .l4 = "sctp", .ipv6 = v6, .vlan_ids = vids, .vlan_tpids = tpids};
                f.src_port = 38412;  // NGAP
                f.dst_port = 38412;
                // INIT is the one chunk sent with a zero verification tag.
                f.sctp_vtag = type == sctp_chunk::init ? 0 : 0x0badcafe;
                f.sctp_chunk_type = type;
                std::vector<std::uint8_t> chunks(512);
                SctpChunkWriter w(chunks);
                if (!write_control(w, type)) {
                    throw std::runtime_error(f.name + ": chunk does not fit");
                }
                std::vector<std::uint8_t> buf(2048);
                finish(f, build_sctp_frame(buf, l2, l3, {f.src_port, f.dst_port, f.sctp_vtag}, w.written()), buf, l3);
                out.push_back(std::move(f));
            }

            if (!v6) {
                SampleFrame f{.name = base + "/arp", .l4 = "arp", .ipv6 = false, .vlan_ids = vids, .vlan_tpids = tpids};
                ArpSpec arp{arp_op::request, l2.src, Ipv4Address::of(198, 18, 0, 1), {}, Ipv4Address::of(198, 18, 0, 2)};
                std::vector<std::uint8_t> buf(128);
                const auto r = build_arp_frame(buf, l2, arp);
                if (!r.ok()) throw std::runtime_error(f.name + ": " + to_string(r.error));
                buf.resize(r.layout.length);
                f.bytes = std::move(buf);
                f.src = arp.sender_ip;
                f.dst = arp.target_ip;
                out.push_back(std::move(f));
            }
        }
    }
    return out;
}

}  // namespace tg::testing
