#include "traffic_plan.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "proto/dns.hpp"
#include "traffic/config_error.hpp"

namespace tg::app {

using traffic::ConfigError;
using traffic::Protocol;

namespace {

constexpr std::uint32_t default_payload = 1400;  // the seed's iperf3 --length

// ARP and DNS: frames as long as their request, whatever --size says. ARP has one; DNS
// one per name, sent in the order given.
void add_request_templates(const Options& o, Protocol p, bool v6, Traffic& t) {
    auto& cycle = t.templates.cycle[static_cast<std::size_t>(p)];
    double bytes = 0;
    const std::size_t n = p == Protocol::dns ? o.dns_names.size() : 1;
    for (std::size_t i = 0; i < n; ++i) {
        traffic::TemplateSpec spec;
        spec.protocol = p;
        spec.ipv6 = v6;
        spec.l2 = t.l2;
        spec.ttl = o.ttl;
        if (p == Protocol::dns) {
            std::string why;
            spec.dns_query = proto::dns_query(o.dns_names[i], o.dns_type, why);
            spec.dns_port = o.dns_port;
        }
        auto tmpl = std::make_unique<traffic::FrameTemplate>(spec);
        t.max_frame = std::max(t.max_frame, tmpl->frame_size());
        bytes += tmpl->frame_size();
        cycle.push_back(static_cast<std::uint16_t>(t.templates.templates.size()));
        t.templates.templates.push_back(std::move(tmpl));
    }
    t.mean_frame[static_cast<std::size_t>(p)] = bytes / double(n);
}

// A mix with --udp-rate: UDP at its own rate, the other protocols sharing --rate by their
// weights. The mix's per-packet cycle then carries each protocol in proportion to its
// packet rate (to 1 in 100,000 of the whole), and the whole is paced at the sum.
void plan_mix_with_udp_apart(const Options& o, const Traffic& t, const dataplane::PortCapabilities& caps, PacingPlan& plan) {
    // option_rules.cpp saw to both being rates, not max.
    const traffic::Rate others = *o.rate;
    const traffic::Rate udp = *o.udp_rate;
    double other_bytes = 0, other_weight = 0;
    for (const auto& wp : o.mix) {
        if (wp.protocol == Protocol::udp) continue;
        other_bytes += t.mean_frame[static_cast<std::size_t>(wp.protocol)] * wp.weight;
        other_weight += wp.weight;
    }
    const double others_pps = pps_for(others, other_bytes / other_weight, caps);
    const double udp_pps = pps_for(udp, t.mean_frame[static_cast<std::size_t>(Protocol::udp)], caps);
    plan.pps = others_pps + udp_pps;
    constexpr double cycle_length = 100000;
    std::vector<traffic::SizeMix::Entry> weights;
    for (const auto& wp : o.mix) {
        const double pps = wp.protocol == Protocol::udp ? udp_pps : others_pps * wp.weight / other_weight;
        const auto w = static_cast<std::uint32_t>(std::max(1.0, std::round(pps / plan.pps * cycle_length)));
        weights.push_back({static_cast<std::uint32_t>(wp.protocol), w});
    }
    // Smaller whole weights, the same shares: divide by their greatest common divisor.
    std::uint32_t g = 0;
    for (const auto& w : weights) g = std::gcd(g, w.weight);
    for (auto& w : weights) w.weight /= g;
    for (std::uint32_t pi : traffic::SizeMix{weights}.cycle()) plan.mix.push_back(static_cast<Protocol>(pi));
}

}  // namespace

Traffic compile_traffic(const Options& o, const dataplane::PortCapabilities& caps) {
    Traffic t;
    t.flows = std::make_unique<traffic::FlowSet>(traffic::IpRange::parse(o.src_ip, "--src-ip"),
                                                 traffic::IpRange::parse(o.dst_ip, "--dst-ip"),
                                                 traffic::PortRange::parse(o.src_port, "--src-port"),
                                                 traffic::PortRange::parse(o.dst_port, "--dst-port"), o.flows);
    const bool v6 = t.flows->ipv6();
    proto::L2Spec l2;
    l2.src = o.src_mac;
    if (!o.src_mac_given && !caps.mac.empty()) {
        if (auto m = proto::MacAddress::parse(caps.mac)) l2.src = *m;
    }
    l2.dst = o.dst_mac;
    for (std::size_t i = 0; i < o.vlans.size(); ++i) {
        const bool outer_of_two = o.vlans.size() == 2 && i == 0;
        l2.vlans[l2.vlan_count++] = {outer_of_two ? proto::ether_type::qinq : proto::ether_type::vlan,
                                     proto::make_vlan_tci(0, false, o.vlans[i])};
    }
    t.l2 = l2;
    for (const auto& wp : o.mix.empty() ? o.protocols : o.mix) t.used.push_back(wp.protocol);
    for (Protocol p : t.used) {
        if (p == Protocol::dns || p == Protocol::arp) {
            add_request_templates(o, p, v6, t);
            continue;
        }
        const auto vl = static_cast<std::uint8_t>(o.vlans.size());
        traffic::SizeMix sizes = o.sizes ? *o.sizes
                                         : traffic::SizeMix::single(traffic::FrameTemplate::frame_size_for_payload(
                                               p, v6, vl, p == Protocol::udp && o.udp_payload > 0 ? o.udp_payload : default_payload));
        const std::uint32_t min = traffic::FrameTemplate::min_frame_size(p, v6, vl);
        for (auto& e : sizes.entries) {
            if (e.size < min) {
                spdlog::warn("{} frames of {} bytes are raised to {}: the headers and the test header need that much",
                             traffic::to_string(p), e.size, min);
                e.size = min;
            }
        }
        std::vector<std::uint16_t> index_of_entry;
        double bytes = 0, n = 0;
        for (const auto& e : sizes.entries) {
            traffic::TemplateSpec spec;
            spec.protocol = p;
            spec.ipv6 = v6;
            spec.l2 = l2;
            spec.frame_size = e.size;
            spec.ttl = o.ttl;
            spec.sctp_ppid = o.sctp_ppid;
            spec.ether_type = o.ether_type;
            spec.pattern = o.payload_pattern;
            auto tmpl = std::make_unique<traffic::FrameTemplate>(spec);
            t.max_frame = std::max(t.max_frame, tmpl->frame_size());
            bytes += double(tmpl->frame_size()) * e.weight;
            n += e.weight;
            index_of_entry.push_back(static_cast<std::uint16_t>(t.templates.templates.size()));
            t.templates.templates.push_back(std::move(tmpl));
        }
        t.mean_frame[static_cast<std::size_t>(p)] = bytes / n;
        for (std::uint32_t size : sizes.cycle()) {
            for (std::size_t i = 0; i < sizes.entries.size(); ++i) {
                if (sizes.entries[i].size == size) {
                    t.templates.cycle[static_cast<std::size_t>(p)].push_back(index_of_entry[i]);
                    break;
                }
            }
        }
    }
    return t;
}

traffic::Rate rate_for(const Options& o, Protocol p) {
    if (p == Protocol::udp && o.udp_rate) return *o.udp_rate;
    if (o.rate) return *o.rate;
    // The seed's defaults: UDP has no flow control, so it gets a target (iperf3 -b 100M),
    // as do raw frames. Requests a peer answers go at a rate a host answers without
    // taking it for a flood: ping -i 0.001, and a resolver's ordinary load.
    if (p == Protocol::udp || p == Protocol::raw) return traffic::Rate::parse("100M");
    if (p == Protocol::icmp || p == Protocol::dns) return traffic::Rate::parse("1000pps");
    if (p == Protocol::arp) return traffic::Rate::parse("100pps");
    return {};
}

// The largest frame (with FCS) the port carries. Some virtual ports say UINT32_MAX, so
// the arithmetic is done wide and capped at what an mbuf can hold.
std::uint32_t port_max_frame(const dataplane::PortCapabilities& caps) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(std::uint64_t{caps.max_rx_pktlen} + 4, 65535));
}

double pps_for(const traffic::Rate& r, double mean_frame, const dataplane::PortCapabilities& caps) {
    if (r.unit == traffic::Rate::Unit::percent_l1 && caps.link_speed_mbps == 0) {
        throw ConfigError("--rate " + r.to_string() + " needs the link speed, which port " + caps.name +
                          " does not report: give bits/s or packets/s");
    }
    return r.packets_per_second(mean_frame, double(caps.link_speed_mbps) * 1e6);
}

// A generator sending ICMP echo, ARP or DNS requests counts their answers itself.
bool expects_answers(const Options& o) {
    return o.role == Role::generator &&
           (sends(o, Protocol::icmp) || sends(o, Protocol::arp) || sends(o, Protocol::dns));
}

// TCP_CRR: the source ports the connections take turns on (one port: from it up to 65535).
traffic::PortRange crr_source_ports(const Options& o) {
    traffic::PortRange ports = traffic::PortRange::parse(o.src_port, "--src-port");
    if (ports.count == 1) ports.count = 65536u - ports.first;
    return ports;
}

PacingPlan plan_pacing(const Options& o, const Traffic& t, const dataplane::PortCapabilities& caps) {
    PacingPlan plan;
    const bool udp_apart = o.mix.size() > 1 && o.udp_rate && sends(o, Protocol::udp);
    if (udp_apart) {
        plan_mix_with_udp_apart(o, t, caps, plan);
    } else if (!o.mix.empty()) {
        std::vector<traffic::SizeMix::Entry> weights;
        double bytes = 0, n = 0;
        for (const auto& wp : o.mix) {
            weights.push_back({static_cast<std::uint32_t>(wp.protocol), wp.weight});
            bytes += t.mean_frame[static_cast<std::size_t>(wp.protocol)] * wp.weight;
            n += wp.weight;
        }
        for (std::uint32_t pi : traffic::SizeMix{weights}.cycle()) plan.mix.push_back(static_cast<Protocol>(pi));
        const bool only_udp = o.mix.size() == 1 && o.mix[0].protocol == Protocol::udp;
        Protocol paced = only_udp ? Protocol::udp : Protocol::tcp;
        // Requests a peer answers set the mix's pace unless --rate does: the slowest of them.
        for (Protocol p : {Protocol::dns, Protocol::icmp, Protocol::arp}) {
            if (sends(o, p)) paced = p;
        }
        plan.pps = pps_for(rate_for(o, paced), bytes / n, caps);
    } else {
        for (const auto& wp : o.protocols) {
            const auto pi = static_cast<std::size_t>(wp.protocol);
            plan.protocol_pps[pi] = pps_for(rate_for(o, wp.protocol), t.mean_frame[pi], caps);
        }
        plan.pps = plan.protocol_pps[static_cast<std::size_t>(o.protocols.front().protocol)];
    }
    if (o.pacing.pattern != traffic::Pattern::continuous && o.pacing.pattern != traffic::Pattern::burst &&
        o.pacing.pattern != traffic::Pattern::backoff &&
        (plan.pps <= 0 || std::any_of(o.protocols.begin(), o.protocols.end(), [&](const auto& wp) {
             return o.mix.empty() && plan.protocol_pps[static_cast<std::size_t>(wp.protocol)] <= 0;
         }))) {
        throw ConfigError(std::string("--pattern ") + traffic::to_string(o.pacing.pattern) + " needs a --rate");
    }
    return plan;
}

// Each protocol's target rate, as the pacing plan has it: its own in a rotation, its
// share of the mix's; none where it goes as fast as it can. The sink's measure of it
// meets it in the joined report (delivery).
void add_targets(const Options& o, const PacingPlan& plan, const Traffic& t, nlohmann::json& generator) {
    if (!generator.contains("protocols") || o.pacing.pattern != traffic::Pattern::continuous) return;
    for (Protocol p : traffic::all_protocols) {
        if (!generator["protocols"].contains(traffic::to_string(p))) continue;
        const auto pi = static_cast<std::size_t>(p);
        const double pps = plan.mix.empty() ? plan.protocol_pps[pi]
                                            : plan.pps * double(std::count(plan.mix.begin(), plan.mix.end(), p)) /
                                                  double(plan.mix.size());
        if (pps <= 0) continue;  // as fast as it can: no target
        auto& block = generator["protocols"][traffic::to_string(p)];
        block["target_pps"] = pps;
        block["target_l2_bps"] = pps * t.mean_frame[pi] * 8;
    }
}

// Each request and each response of a transaction is one frame (UDP), one segment or
// one DATA chunk: they must fit the path.
void check_transaction_sizes(const Options& o, Protocol p, bool ipv6, const dataplane::PortCapabilities& caps) {
    const std::uint32_t mtu = std::min<std::uint32_t>(port_max_frame(caps) - 18, p == Protocol::udp ? 65535 : 1500);
    const std::uint32_t ip = ipv6 ? 40 : 20;
    const std::uint32_t l4 = p == Protocol::udp ? 8 : p == Protocol::tcp ? 20 + 12 : 12 + 16;  // TCP: with timestamps
    const std::uint32_t fits = mtu - 4 * static_cast<std::uint32_t>(o.vlans.size()) - ip - l4;
    if (o.request_bytes > fits) {
        throw ConfigError("--request-size " + std::to_string(o.request_bytes) + " does not fit one " +
                          (p == Protocol::udp ? "frame" : p == Protocol::tcp ? "segment" : "DATA chunk") + " on port " +
                          caps.name + ": at most " + std::to_string(fits) + " bytes");
    }
    if (p == Protocol::udp && o.response_bytes > fits) {
        throw ConfigError("--response-size " + std::to_string(o.response_bytes) +
                          " does not fit one UDP frame on port " + caps.name + ": at most " + std::to_string(fits) +
                          " bytes (TCP and SCTP answers may be larger)");
    }
}

}  // namespace tg::app
