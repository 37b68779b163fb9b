#include "tcp_report.hpp"

#include <map>
#include <string>

namespace tg::app {

using nlohmann::json;

json tcp_connections_json(const std::vector<std::unique_ptr<dataplane::RxEngine>>& rx) {
    proto::TcpListenerCounters c;
    proto::TcpServerTotals t;
    std::uint64_t bad_options = 0, live = 0;
    json list = json::array();
    for (const auto& e : rx) {
        const sink::TcpResponder* r = e->core().tcp();
        if (r == nullptr) continue;
        const auto& k = r->listener().counters();
        c.syns += k.syns;
        c.refused_full += k.refused_full;
        c.reopened += k.reopened;
        bad_options += r->counters().bad_options;
        const proto::TcpServerTotals one = r->listener().totals();
        t.established += one.established;
        t.closed_clean += one.closed_clean;
        for (const auto& [why, n] : one.failed) t.failed[why] += n;
        t.bytes_in += one.bytes_in;
        t.duplicate_bytes_in += one.duplicate_bytes_in;
        t.out_of_order_in += one.out_of_order_in;
        t.out_of_window_in += one.out_of_window_in;
        t.bad_ack_in += one.bad_ack_in;
        t.challenge_acks += one.challenge_acks;
        t.syn_retransmits += one.syn_retransmits;
        t.acks_out += one.acks_out;
        live += r->listener().size();
        r->listener().for_each([&](const proto::TcpConnection& conn) {
            if (list.size() >= 1024) return;
            list.push_back({{"peer", conn.config().peer_address.to_string()},
                            {"peer_port", conn.config().peer_port},
                            {"local_port", conn.config().local_port},
                            {"state", proto::to_string(conn.state())},
                            {"failure", proto::to_string(conn.failure())},
                            {"bytes", conn.counters().bytes_in}});
        });
    }
    if (c.syns == 0 && c.refused_full == 0 && bad_options == 0) return nullptr;
    return {{"syns", c.syns},
            {"refused_full", c.refused_full},
            {"reopened", c.reopened},
            {"established", t.established},
            {"closed_clean", t.closed_clean},
            {"failed", t.failed},
            {"still_open", live},
            {"bytes", t.bytes_in},
            {"duplicate_bytes", t.duplicate_bytes_in},
            {"out_of_order_segments", t.out_of_order_in},
            {"out_of_window_segments", t.out_of_window_in},
            {"bad_ack_segments", t.bad_ack_in},
            {"challenge_acks", t.challenge_acks},
            {"syn_ack_retransmits", t.syn_retransmits},
            {"pure_acks_sent", t.acks_out},
            {"bad_options", bad_options},
            {"open", list}};
}

}  // namespace tg::app
