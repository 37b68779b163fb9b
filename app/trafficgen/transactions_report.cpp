#include "transactions_report.hpp"

namespace tg::app {

using nlohmann::json;

json latency_json(const stats::LatencyHistogram& h, bool valid) {
    return {{"valid", valid && h.count() > 0}, {"samples", h.count()},
            {"min_ns", h.min()},                {"mean_ns", h.mean()},
            {"p50_ns", h.quantile(0.5)},        {"p90_ns", h.quantile(0.9)},
            {"p99_ns", h.quantile(0.99)},       {"p999_ns", h.quantile(0.999)},
            {"max_ns", h.max()}};
}

json transactions_json(const traffic::Transactions& t, traffic::Protocol protocol, const std::string& verdict) {
    const traffic::TransactionTotals n = t.totals();
    const double seconds = n.last_ns > n.first_ns ? double(n.last_ns - n.first_ns) / 1e9 : 0;
    json j = {{"protocol", traffic::to_string(protocol)},
              {"sessions", t.sessions()},
              {"request_bytes", t.spec().request_bytes},
              {"response_bytes", t.spec().response_bytes},
              {"requests_sent", n.started},
              {"transactions", n.completed},
              {"lost", n.lost},
              {"late", n.late},
              {"unanswered_at_end", n.outstanding},
              {"seconds", seconds},
              {"per_second", seconds > 0 ? double(n.completed) / seconds : 0.0},
              // On the generator's clock: sent and answered here, so no clock is shared.
              {"latency", latency_json(t.latency(), true)},
              {"verdict", verdict}};
    if (t.spec().timeout_ns != 0) j["timeout_s"] = double(t.spec().timeout_ns) / 1e9;
    return j;
}

json requests_json(const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx) {
    std::uint64_t udp = 0, udp_bytes = 0, udp_dropped = 0, udp_cut = 0, tcp = 0, tcp_bytes = 0, sctp = 0, sctp_bytes = 0,
                  counts = 0;
    for (const auto& e : rx) {
        const sink::SinkCore& c = e->core();
        if (const auto* u = c.udp_answers()) {
            udp += u->counters().requests;
            udp_bytes += u->counters().response_bytes;
            udp_dropped += u->counters().dropped;
            udp_cut += u->counters().cut;
            counts += u->counters().count_requests;
        }
        if (const auto* t = c.tcp()) {
            tcp += t->requests().requests;
            tcp_bytes += t->requests().response_bytes;
        }
        if (const auto* s = c.sctp()) {
            sctp += s->requests().requests;
            sctp_bytes += s->requests().response_bytes;
        }
    }
    if (udp + udp_dropped + tcp + sctp + counts == 0) return nullptr;
    json j = json::object();
    if (udp + udp_dropped > 0) {
        j["udp"] = {{"answered", udp}, {"response_bytes", udp_bytes}, {"not_answered_queue_full", udp_dropped},
                    {"cut_to_one_frame", udp_cut}};
    }
    // A far generator's questions (a search's trials): what this sink counted, answered in-band.
    if (counts > 0) j["counts"] = {{"answered", counts}};
    if (tcp > 0) j["tcp"] = {{"answered", tcp}, {"response_bytes", tcp_bytes}};
    if (sctp > 0) j["sctp"] = {{"answered", sctp}, {"response_bytes", sctp_bytes}};
    return j;
}

}  // namespace tg::app
