#include "path_verdict.hpp"

#include <cstdio>
#include <string>

namespace tg::app {

namespace {

using nlohmann::json;

struct Words {
    const char* protocol;  // as the reports name it
    const char* shown;     // as a sentence names it
    const char* block;     // the generator's sessions block
    const char* session;   // one of them
    const char* sessions;
    const char* unit;      // what the data path sends
    const char* flag;
};

constexpr Words tcp{"tcp", "TCP", "tcp_connections", "connection", "connections", "segments", "--connections"};
constexpr Words sctp{"sctp", "SCTP", "sctp_associations", "association", "associations", "DATA chunks", "--associations"};

std::uint64_t u64(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_number_unsigned() ? j[key].get<std::uint64_t>() : 0;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    char b[32];
    std::snprintf(b, sizeof b, "%.2f%%", whole == 0 ? 0.0 : 100.0 * double(part) / double(whole));
    return b;
}

json verdict_for(const Words& w, const json& generator, const json& sink) {
    const json& sent_p = generator["protocols"][w.protocol];
    const std::uint64_t sent = sent_p.contains("first_transmissions") ? u64(sent_p, "first_transmissions") : u64(sent_p, "packets");
    const json none = json::object();
    const json& got_p = sink.contains("protocols") && sink["protocols"].contains(w.protocol) ? sink["protocols"][w.protocol] : none;
    const std::uint64_t received = u64(got_p, "packets");
    const std::uint64_t lost = u64(got_p, "lost");
    const std::uint64_t bad = u64(got_p, "bad_l4_checksum") + u64(got_p, "bad_ip_checksum");
    json v = {{"sent", sent}, {"received", received}, {"bad_checksums", bad}};
    const std::string what = std::to_string(sent) + " " + w.unit;
    std::string sentence;
    if (!generator.contains(w.block)) {
        v["mode"] = "stateless";
        if (sent > 0 && received == 0) {
            sentence = std::string(w.shown) + ": none of " + what + " sent as stateless frames arrived. A stateful path (conntrack, NAT, a Service proxy, a firewall, network policy) drops " +
                       w.shown + " that belongs to no " + w.session + "; run again with " + w.flag + " N to tell that from a broken path.";
        } else if (received < sent) {
            sentence = std::string(w.shown) + ": " + std::to_string(received) + " of " + what + " sent as stateless frames arrived (" +
                       percent(sent - received, sent) + " lost).";
        } else {
            sentence = std::string(w.shown) + ": every one of " + what + " sent as stateless frames arrived.";
        }
    } else {
        const json& s = generator[w.block];
        v["mode"] = s.contains("closed_loop") ? "closed-loop sessions" : "sessions";
        const std::uint64_t requested = u64(s, "requested");
        const std::uint64_t up = w.protocol == std::string("tcp") ? u64(s, "syn_acks") : u64(s, "init_acks");
        v["sessions_requested"] = requested;
        v["sessions_up"] = up;
        const std::string their = s.value("verdict", "");
        if (!their.empty()) {
            sentence = std::string(w.shown) + ": " + their + ".";
        } else {
            sentence = std::string(w.shown) + ": " + std::to_string(up) + " of " + std::to_string(requested) + " " + w.sessions +
                       " came up through the path and carried " + what + "; the sink counted " + std::to_string(received) +
                       " (" + std::to_string(lost) + " missing) with " + std::to_string(bad) + " bad checksums.";
        }
    }
    v["verdict"] = sentence;
    return v;
}

}  // namespace

json path_verdicts(const json& generator, const json& sink) {
    json out = json::object();
    if (!generator.is_object() || !generator.contains("protocols")) return out;
    for (const Words* w : {&tcp, &sctp}) {
        if (generator["protocols"].contains(w->protocol)) out[w->protocol] = verdict_for(*w, generator, sink);
    }
    return out;
}

}  // namespace tg::app
