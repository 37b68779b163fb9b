#include "report/delivery.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace tg::report {

using nlohmann::json;

namespace {

std::uint64_t u64(const json& j, const char* k) {
    if (!j.is_object() || !j.contains(k) || !j[k].is_number()) return 0;
    if (j[k].is_number_integer() && j[k].get<std::int64_t>() < 0) return 0;
    return j[k].get<std::uint64_t>();
}

}  // namespace

void Delivery::add(const Delivery& d) noexcept {
    sent += d.sent;
    received += d.received;
    lost += d.lost;
    gaps += d.gaps;
    tail += d.tail;
    duplicates += d.duplicates;
    reordered += d.reordered;
    unexpected += d.unexpected;
}

json Delivery::to_json() const {
    return {{"sent", sent},           {"received", received},   {"lost", lost},
            {"loss_percent", loss_percent()},
            {"lost_in_gaps", gaps},   {"lost_at_end_or_in_flight", tail},
            {"duplicates", duplicates}, {"reordered", reordered}, {"unexpected", unexpected}};
}

Delivery deliver(std::uint64_t sent_packets, const json& sink) {
    Delivery d;
    d.sent = sent_packets;
    d.duplicates = u64(sink, "duplicates");
    d.reordered = u64(sink, "reordered");
    const std::uint64_t arrivals = u64(sink, "packets");
    d.received = arrivals > d.duplicates ? arrivals - d.duplicates : 0;
    if (d.received > d.sent) {
        d.unexpected = d.received - d.sent;
        d.received = d.sent;
    }
    d.lost = d.sent - d.received;
    d.gaps = std::min(u64(sink, "lost"), d.lost);
    d.tail = d.lost - d.gaps;
    return d;
}

std::string nothing_arrived(const std::string& what, const Delivery& d) {
    if (d.sent == 0 || d.received > 0) return {};
    return what + ": " + std::to_string(d.sent) + " sent and none received: 100 % lost, the path dropped all of it";
}

json delivery_json(const json& generator, const json& sink) {
    const json none = json::object();
    const json& sent = generator.is_object() && generator.contains("protocols") ? generator["protocols"] : none;
    const json& got = sink.is_object() && sink.contains("protocols") ? sink["protocols"] : none;
    json protocols = json::object(), verdicts = json::array();
    for (const auto& [p, g] : sent.items()) {
        // A closed loop sends some frames again; the sink counts those as duplicates.
        const std::uint64_t n = g.contains("first_transmissions") ? u64(g, "first_transmissions") : u64(g, "packets");
        const Delivery d = deliver(n, got.contains(p) ? got[p] : none);
        protocols[p] = d.to_json();
        // The rate asked for against the rate the sink measured.
        if (g.contains("target_pps") && g["target_pps"].is_number() && got.contains(p)) {
            const double target = g["target_pps"].get<double>();
            const double measured = got[p].value("pps", 0.0);
            protocols[p]["target_pps"] = target;
            protocols[p]["received_pps"] = measured;
            if (g.contains("target_l2_bps")) protocols[p]["target_l2_bps"] = g["target_l2_bps"];
            protocols[p]["received_l2_bps"] = got[p].value("l2_bps", 0.0);
            if (target > 0) protocols[p]["rate_error_percent"] = 100.0 * (measured - target) / target;
        }
        const std::string v = nothing_arrived(p, d);
        if (!v.empty()) verdicts.push_back(v);
    }
    // Per flow and stream: the generator's list against the sink's.
    using Key = std::tuple<std::string, std::uint64_t, std::uint64_t>;
    std::map<Key, std::uint64_t> sent_on;
    std::map<Key, const json*> got_on;
    if (generator.is_object() && generator.contains("streams")) {
        for (const auto& s : generator["streams"]) sent_on[{s.value("protocol", ""), u64(s, "flow"), u64(s, "stream")}] = u64(s, "packets");
    }
    if (sink.is_object() && sink.contains("streams")) {
        for (const auto& s : sink["streams"]) got_on[{s.value("protocol", ""), u64(s, "flow"), u64(s, "stream")}] = &s;
    }
    json streams = json::array();
    std::size_t silent = 0;
    for (const auto& [k, n] : sent_on) {
        const auto it = got_on.find(k);
        const Delivery d = deliver(n, it == got_on.end() ? none : *it->second);
        const auto& [p, flow, stream] = k;
        json e = {{"protocol", p}, {"flow", flow}, {"stream", stream}};
        e.update(d.to_json());
        if (it != got_on.end()) {
            e["jitter_ns"] = u64(*it->second, "jitter_ns");
            e["received_pps"] = it->second->value("pps", 0.0);
            e["received_l2_bps"] = it->second->value("l2_bps", 0.0);
        }
        streams.push_back(e);
        // One sentence per silent stream of a protocol that otherwise arrived (a protocol
        // that is silent everywhere has its own), at most 16 of them.
        if (d.sent > 0 && d.received == 0 && protocols[p].value("received", 0u) > 0 && silent++ < 16) {
            verdicts.push_back(nothing_arrived(p + " flow " + std::to_string(flow) +
                                                   (p == "sctp" ? " stream " + std::to_string(stream) : ""),
                                               d));
        }
    }
    if (silent > 16) verdicts.push_back(std::to_string(silent - 16) + " more streams received nothing");
    return {{"protocols", protocols}, {"streams", streams}, {"verdicts", verdicts}};
}

}  // namespace tg::report
