// What a run's settings and its port's facts make of the traffic before anything is sent:
// the frame templates of each protocol, and the rates each protocol or the mix goes at.
// Checked here, so a rate or size the port cannot carry is refused before the port sends.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/port.hpp"
#include "options.hpp"
#include "traffic/flows.hpp"
#include "traffic/frame_template.hpp"
#include "traffic/packet_sequencer.hpp"
#include "traffic/protocol.hpp"
#include "traffic/rate.hpp"

namespace tg::app {

// The templates for the protocols of the run, each protocol through its own size cycle.
struct Traffic {
    traffic::TemplateSet templates;
    std::unique_ptr<traffic::FlowSet> flows;
    proto::L2Spec l2;  // what every frame starts with: MACs and VLAN tags
    std::vector<traffic::Protocol> used;
    std::uint32_t max_frame = 0;
    std::array<double, traffic::protocol_count> mean_frame{};  // per protocol, with FCS
};

// The rates of a run, in packets/s for the whole port: per rotating protocol, or for the
// mix with its per-packet protocol cycle. Checked before the port sends anything.
struct PacingPlan {
    std::array<double, traffic::protocol_count> protocol_pps{};
    double pps = 0;                  // the first protocol's, or the mix's
    std::vector<traffic::Protocol> mix;       // per-packet protocol cycle, or empty
};

[[nodiscard]] Traffic compile_traffic(const Options& o, const dataplane::PortCapabilities& caps);

// The rate --rate, --udp-rate or the defaults give protocol `p`.
[[nodiscard]] traffic::Rate rate_for(const Options& o, traffic::Protocol p);

// The largest frame (with FCS) the port carries.
[[nodiscard]] std::uint32_t port_max_frame(const dataplane::PortCapabilities& caps);

// Packets/s for a rate at a mean frame size; a share of the link needs the port's speed.
[[nodiscard]] double pps_for(const traffic::Rate& r, double mean_frame, const dataplane::PortCapabilities& caps);

[[nodiscard]] PacingPlan plan_pacing(const Options& o, const Traffic& t, const dataplane::PortCapabilities& caps);

// Each protocol's target rate in the generator's report, where it has one.
void add_targets(const Options& o, const PacingPlan& plan, const Traffic& t, nlohmann::json& generator);

// Each request and each response of a transaction must fit one frame, segment or chunk.
void check_transaction_sizes(const Options& o, traffic::Protocol p, bool ipv6, const dataplane::PortCapabilities& caps);

// TCP_CRR: the source ports the connections take turns on.
[[nodiscard]] traffic::PortRange crr_source_ports(const Options& o);

// A generator sending ICMP echo, ARP or DNS requests counts their answers itself.
[[nodiscard]] bool expects_answers(const Options& o);

}  // namespace tg::app
