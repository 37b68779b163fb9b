#include "answers_report.hpp"

#include "proto/dns.hpp"

namespace tg::app {

using nlohmann::json;

namespace {

std::uint64_t count(const json& j, const char* protocol, const char* field) {
    if (!j.contains(protocol) || !j[protocol].contains(field)) return 0;
    return j[protocol][field].get<std::uint64_t>();
}

double percent(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : 100.0 * double(part) / double(whole);
}

}  // namespace

json dns_tally_json(const sink::DnsTally& d) {
    json rcodes = json::object();
    for (std::size_t i = 0; i < d.rcodes.size(); ++i) {
        if (d.rcodes[i] > 0) rcodes[proto::dns_rcode_name(static_cast<std::uint8_t>(i))] = d.rcodes[i];
    }
    return {{"answered", d.answered},   {"late", d.late},
            {"unmatched", d.unmatched}, {"truncated", d.truncated},
            {"with_answers", d.with_answers}, {"rcodes", rcodes}};
}

json answers_json(const json& sent, const json& arrivals, std::uint64_t frames_received) {
    json out = json::object();
    const json& got = arrivals["protocols"];
    if (sent.contains("icmp")) {
        const std::uint64_t requests = count(sent, "icmp", "packets");
        const std::uint64_t replies = count(got, "icmp", "packets");
        const std::uint64_t lost = replies < requests ? requests - replies : 0;
        json j = {{"requests", requests},
                  {"replies", replies},
                  {"lost", lost},
                  {"loss_percent", percent(lost, requests)},
                  {"duplicates", count(got, "icmp", "duplicates")},
                  {"reordered", count(got, "icmp", "reordered")},
                  {"bad_checksum", count(got, "icmp", "bad_l4_checksum") + count(got, "icmp", "bad_ip_checksum")}};
        j["rtt"] = got.contains("icmp") ? got["icmp"]["latency"] : json(nullptr);
        out["icmp"] = j;
    }
    if (sent.contains("arp")) {
        const std::uint64_t requests = count(sent, "arp", "packets");
        const std::uint64_t replies = count(got, "arp", "packets");
        out["arp"] = {{"requests", requests},
                      {"replies", replies},
                      {"unanswered", replies < requests ? requests - replies : 0},
                      {"unanswered_percent", percent(replies < requests ? requests - replies : 0, requests)}};
    }
    if (sent.contains("dns")) {
        const std::uint64_t queries = count(sent, "dns", "packets");
        json j = arrivals.contains("dns") ? arrivals["dns"] : dns_tally_json({});
        const std::uint64_t answered = j["answered"].get<std::uint64_t>();
        j["queries"] = queries;
        // Every query not answered in time: no answer at all, or a late one.
        j["timed_out"] = answered < queries ? queries - answered : 0;
        j["timed_out_percent"] = percent(answered < queries ? queries - answered : 0, queries);
        j["latency"] = got.contains("dns") ? got["dns"]["latency"] : json(nullptr);
        out["dns"] = j;
    }
    out["frames_received"] = frames_received;
    return out;
}

}  // namespace tg::app
