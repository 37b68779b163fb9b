#include "engine_plans.hpp"

#include <rte_launch.h>

#include "driver_profiles.hpp"

namespace tg::app {

namespace {

template <typename Engine>
int launch(void* arg) {
    return static_cast<Engine*>(arg)->run();
}

}  // namespace

std::unique_ptr<dataplane::PairedEngines> launch_engines(const EngineRoom& room,
                                                         const std::vector<std::unique_ptr<dataplane::TxEngine>>& tx,
                                                         const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx) {
    if (room.paired) {
        auto pair = std::make_unique<dataplane::PairedEngines>(*tx.front(), *rx.front());
        rte_eal_remote_launch(launch<dataplane::PairedEngines>, pair.get(), room.tx_lcores.front());
        return pair;
    }
    for (std::size_t i = 0; i < rx.size(); ++i) rte_eal_remote_launch(launch<dataplane::RxEngine>, rx[i].get(), room.rx_lcores[i]);
    for (std::size_t i = 0; i < tx.size(); ++i) rte_eal_remote_launch(launch<dataplane::TxEngine>, tx[i].get(), room.tx_lcores[i]);
    return nullptr;
}

dataplane::TxEngineConfig tx_engine_plan(const Options& o, const Traffic& t, const PacingPlan& plan,
                                         const EngineRoom& room, bool tx_checksum_offload, std::size_t i,
                                         std::size_t first_pool) {
    const double n = static_cast<double>(room.tx_lcores.size());
    dataplane::TxEngineConfig c;
    c.port = room.port->id();
    c.queue = static_cast<std::uint16_t>(i);
    c.templates = &t.templates;
    for (std::size_t k = 0; k < t.templates.templates.size(); ++k) c.pools.push_back(room.pools.at(first_pool + k)->get());
    for (const auto& tmpl : t.templates.templates) {
        const auto ipproto = traffic::ip_protocol_number(tmpl->spec().protocol);
        // What the port offers, less what its profile knows it gets wrong.
        c.offload.push_back(tx_checksum_offload && traffic::is_transport(tmpl->spec().protocol) &&
                            room.port->offload_l4(ipproto) && (tmpl->spec().ipv6 || room.port->offload_ip()) &&
                            profile_allows_offload(room.profile, ipproto, tmpl->spec().ipv6));
    }
    c.flows = t.flows.get();
    c.streams = o.streams;
    c.first_flow = static_cast<std::uint32_t>(i);
    c.flow_step = static_cast<std::uint32_t>(room.tx_lcores.size());
    c.pacing = o.pacing;
    c.mix = plan.mix;
    c.protocol_pps = plan.protocol_pps;
    c.pacing.pps = plan.pps / n;
    for (double& pps : c.protocol_pps) pps /= n;
    c.pacing.ramp_from_pps /= n;
    if (o.count > 0) {
        const std::size_t engines = room.tx_lcores.size();
        c.count = o.count / engines + (i < o.count % engines ? 1 : 0);
    }
    c.bad_checksum_every = o.bad_checksum_every;
    for (const auto& wp : o.protocols) c.rotation.push_back(wp.protocol);
    c.rotation_period_s = o.protocol_duration_s;
    return c;
}

dataplane::RxEngineConfig rx_engine_plan(const Options& o, const EngineRoom& room, std::size_t i) {
    dataplane::RxEngineConfig c;
    c.port = room.port->id();
    c.queue = static_cast<std::uint16_t>(i);
    c.sink = o.sink;
    // One process, one TSC: a loopback's latency is always measured on a shared clock.
    if (o.role == Role::loopback) c.sink.shared_clock = true;
    if (room.rx_port) {
        // The receiving port of two is the destination's host: it answers ARP, neighbour
        // solicitations and ping for the --dst-ip range, so a router in between finds it.
        c.port = room.rx_port->id();
        c.sink.addresses = traffic::OwnedAddresses::parse(o.dst_ip, "--dst-ip");
        if (auto m = proto::MacAddress::parse(room.rx_caps.mac)) c.sink.mac = *m;
        c.sink.announce = i == 0;
        c.tx_queue = static_cast<std::uint16_t>(i);
        c.reply_pool = room.rx_port_pool->get();
    }
    if (o.role == Role::sink) {
        if (auto m = proto::MacAddress::parse(room.caps.mac)) c.sink.mac = *m;
        c.sink.announce = i == 0;
        c.tx_queue = static_cast<std::uint16_t>(i);
        c.reply_pool = room.rx_pool->get();
        c.reflect = o.reflect;
    }
    return c;
}

}  // namespace tg::app
