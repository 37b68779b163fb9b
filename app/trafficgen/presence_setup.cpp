#include "presence_setup.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "dataplane/dataplane_error.hpp"
#include "session_control.hpp"

namespace tg::app {

namespace {

// The next hop's address: the gateway, else the first destination (on the link).
proto::IpAddress next_hop_of(const Options& o) {
    if (o.gateway) return *o.gateway;
    return traffic::IpRange::parse(o.dst_ip, "--dst-ip").first;
}

void add(nlohmann::json& j, const traffic::PresenceCounters& c) {
    auto inc = [&](const char* key, std::uint64_t v) { j[key] = j.value(key, std::uint64_t{0}) + v; };
    inc("arp_requests_answered", c.arp_requests_answered);
    inc("neighbour_solicitations_answered", c.neighbour_solicitations_answered);
    inc("echo_requests_answered", c.echo_requests_answered);
    inc("announcements", c.announcements);
    inc("resolution_requests", c.resolution_requests);
    inc("next_hops_resolved", c.next_hops_resolved);
    inc("next_hops_unanswered", c.next_hops_unanswered);
    inc("requests_for_other_addresses", c.not_ours);
    inc("answers_dropped", c.answers_dropped);
    inc("malformed", c.malformed);
    inc("frames_sent", c.frames_sent);
}

}  // namespace

std::unique_ptr<traffic::HostPresence> make_generator_presence(const Options& o, const proto::L2Spec& l2) {
    traffic::PresenceConfig c;
    c.mac = l2.src;
    c.l2 = l2;
    c.owned = traffic::OwnedAddresses({traffic::IpRange::parse(o.src_ip, "--src-ip")});
    auto p = std::make_unique<traffic::HostPresence>(c);
    p->announce();
    return p;
}

proto::MacAddress resolve_next_hop(const Options& o, dataplane::ControlPath& path, traffic::HostPresence& presence,
                                   const std::atomic<int>& stop, const std::string& port_name) {
    const proto::IpAddress hop = next_hop_of(o);
    const proto::IpAddress from = traffic::IpRange::parse(o.src_ip, "--src-ip").first;
    const char* how = hop.is_v4() ? "ARP" : "neighbour solicitation";
    presence.resolve(hop, from, steady_ms());
    spdlog::info("resolving the next hop {} ({}) by {} from {}", hop.to_string(),
                 !o.gateway ? "the destination, on this link" : "the gateway", how, from.to_string());
    while (presence.resolving() && stop.load() == 0) {
        poll_presence(path, presence);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    poll_presence(path, presence);  // the announcements and answers still queued
    const traffic::NextHop* h = presence.next_hop(hop);
    if (h == nullptr || !h->mac) {
        if (stop.load() != 0) throw dataplane::DataplaneError("stopped by a signal while resolving the next hop " + hop.to_string());
        throw dataplane::DataplaneError(
            "the next hop " + hop.to_string() + (!o.gateway ? " (the first --dst-ip)" : " (--gateway)") +
            " did not answer " + std::to_string(h == nullptr ? 0 : h->tries) + " " + how + " requests from " +
            from.to_string() + " on port " + port_name +
            ": check that it is up on this link" + (!o.gateway ? " (or give --gateway for a routed path)" : "") +
            ", or give its MAC with --dst-mac");
    }
    spdlog::info("next hop {} is at {} ({} ms)", hop.to_string(), h->mac->to_string(), h->resolved_ms - h->first_asked_ms);
    return *h->mac;
}

nlohmann::json presence_json(const std::vector<const traffic::HostPresence*>& hosts) {
    nlohmann::json j;
    nlohmann::json hops = nlohmann::json::array();
    for (const auto* p : hosts) {
        if (p == nullptr) continue;
        if (j.empty()) {
            j["mac"] = p->config().mac.to_string();
            j["addresses"] = p->config().owned.to_string();
        }
        for (const auto& h : p->next_hops()) {
            nlohmann::json e{{"address", h.address.to_string()}, {"asked_from", h.asked_from.to_string()},
                             {"requests", h.tries}, {"mac", nullptr}};
            if (h.mac) {
                e["mac"] = h.mac->to_string();
                e["resolved_in_ms"] = h.resolved_ms - h.first_asked_ms;
            }
            hops.push_back(e);
        }
        add(j, p->counters());
    }
    j["next_hops"] = hops;
    return j;
}

}  // namespace tg::app
