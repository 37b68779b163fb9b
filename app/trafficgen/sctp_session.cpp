#include "sctp_session.hpp"

#include <random>

#include "session_report.hpp"

namespace tg::app {

namespace {

proto::SctpTimers generator_timers() {
    proto::SctpTimers t;
    // RFC 9260's RTO.Initial of 1 s, but 4 INIT retransmissions, not 8: 31 s at most
    // before a run says the path does not carry SCTP.
    t.max_init_retransmits = 4;
    return t;
}

}  // namespace

std::unique_ptr<traffic::SctpClientSet> make_sctp_clients(const traffic::FlowSet& flows, std::uint16_t streams,
                                                          const proto::L2Spec& l2, const traffic::SctpSending& sending) {
    return std::make_unique<traffic::SctpClientSet>(flows, streams, l2, generator_timers(), sending,
                                                    std::random_device{}(), steady_ms());
}

void bind_sctp(traffic::SctpClientSet& clients, std::vector<std::unique_ptr<dataplane::TxEngine>>& tx) {
    // The flows whose association is up go on; the others send nothing.
    std::vector<bool> up(clients.size());
    for (std::size_t f = 0; f < clients.size(); ++f) up[f] = clients.of_flow(static_cast<std::uint32_t>(f)).established();
    for (auto& e : tx) e->keep_flows(up);
    for (std::size_t f = 0; f < clients.size(); ++f) {
        if (!up[f]) continue;
        const proto::SctpAssociation& a = clients.of_flow(static_cast<std::uint32_t>(f));
        for (auto& e : tx) {
            if (e->bind_sctp(static_cast<std::uint32_t>(f), a.peer_tag(), a.next_tsn())) break;
        }
    }
    clients.data_sent_elsewhere();
}

nlohmann::json not_established_json(const traffic::SctpClientSet& clients) {
    nlohmann::json list = nlohmann::json::array();
    for (std::uint32_t f = 0; f < clients.size() && list.size() < 100; ++f) {
        const proto::SctpAssociation& a = clients.of_flow(f);
        if (a.established()) continue;
        const char* why = traffic::why_not_up(a);
        const auto& c = a.config();
        list.push_back({{"flow", f},
                        {"local", c.local_address.to_string() + ":" + std::to_string(c.local_port)},
                        {"peer", c.peer_address.to_string() + ":" + std::to_string(c.peer_port)},
                        {"reason", why}});
    }
    return list;
}

nlohmann::json sctp_clients_report(const traffic::SctpClientSet& clients, const SessionControl& control) {
    const traffic::SctpClientSummary s = clients.summary();
    nlohmann::json json = session_json(s.setup, control, s.verdict);
    json.update({{"requested", s.requested},
                 {"established", s.established},
                 {"up_at_end", s.up_at_end},
                 {"shut_down", s.shut_down},
                 {"failed", s.failed},
                 {"inits_sent", s.inits_sent},
                 {"init_acks", s.init_acks},
                 {"sacks_in", s.sacks_in},
                 {"data_acked", s.data_acked},
                 {"survival", survival_json(s.survival, control)}});
    if (clients.closed_loop()) {
        const auto& c = s.closed_loop;
        json["closed_loop"] = closed_loop_json({c.cwnd_min, c.cwnd_max, c.srtt_ms_max, c.rtt_samples, c.bytes_acked}, control);
        json["closed_loop"].update({{"data_chunks_sent", c.chunks_sent},
                                    {"data_bytes_sent", c.bytes_sent},
                                    {"data_chunks_acked", c.chunks_acked},
                                    {"data_bytes_acked", c.bytes_acked},
                                    {"retransmitted_chunks", c.retransmitted_chunks},
                                    {"fast_retransmits", c.fast_retransmits},
                                    {"t3_expiries", c.t3_expiries},
                                    {"stream_bytes_acked", c.stream_bytes_acked}});
    }
    return json;
}

void add_sctp_closed_loop_data(const traffic::SctpClientSet& clients, nlohmann::json& generator) {
    const traffic::SctpClientSummary s = clients.summary();
    const std::uint64_t frames = s.closed_loop.chunks_sent + s.closed_loop.retransmitted_chunks;
    generator["protocols"]["sctp"] = {{"packets", frames},
                                      {"first_transmissions", s.closed_loop.chunks_sent},
                                      {"retransmissions", s.closed_loop.retransmitted_chunks},
                                      {"bad_l4_checksum", 0}};
    nlohmann::json streams = nlohmann::json::array();
    for (std::uint32_t f = 0; f < clients.size(); ++f) {
        for (std::uint16_t st = 0; st < clients.streams(); ++st) {
            const std::uint32_t n = clients.sent_on(f, st);
            if (n > 0) streams.push_back({{"protocol", "sctp"}, {"flow", f}, {"stream", st}, {"packets", n}});
        }
    }
    generator["streams"] = streams;
}

}  // namespace tg::app
