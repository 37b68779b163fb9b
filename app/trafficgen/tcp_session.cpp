#include "tcp_session.hpp"

#include <random>

#include "session_report.hpp"
#include "transactions_report.hpp"

namespace tg::app {

namespace {

proto::TcpTimers generator_timers() {
    proto::TcpTimers t;
    // 4 SYN retransmissions, not Linux's 6: 31 s at most before a run says the path
    // does not carry TCP connections.
    t.syn_retries = 4;
    // Closed loop on a path that went silent: 8 back-offs (about a minute), not 15.
    t.max_retransmits = 8;
    return t;
}

}  // namespace

std::unique_ptr<traffic::TcpClientSet> make_tcp_clients(const traffic::FlowSet& flows, const proto::L2Spec& l2,
                                                        const traffic::TcpSending& sending) {
    return std::make_unique<traffic::TcpClientSet>(flows, l2, generator_timers(), sending, std::random_device{}(),
                                                  steady_ms());
}

std::unique_ptr<traffic::TcpCrrClientSet> make_tcp_crr_clients(const traffic::FlowSet& flows,
                                                              const traffic::PortRange& source_ports,
                                                              const proto::L2Spec& l2, const traffic::TcpSending& sending,
                                                              std::uint64_t now_ns) {
    return std::make_unique<traffic::TcpCrrClientSet>(flows, source_ports, l2, generator_timers(), sending,
                                                      std::random_device{}(), steady_ms(), now_ns);
}

namespace {

nlohmann::json connections_json(const traffic::TcpClientSummary& s, bool closed_loop, const SessionControl& control) {
    nlohmann::json json = session_json(s.setup, control, s.verdict);
    json.update({{"requested", s.requested},
                 {"established", s.established},
                 {"up_at_end", s.up_at_end},
                 {"closed_clean", s.closed_clean},
                 {"failed", s.failed},
                 {"syns_sent", s.syns_sent},
                 {"syn_acks", s.syn_acks},
                 {"survival", survival_json(s.survival, control)}});
    if (closed_loop) {
        const auto& c = s.closed_loop;
        json["closed_loop"] = closed_loop_json({c.cwnd_min, c.cwnd_max, c.srtt_ms_max, c.rtt_samples, c.bytes_acked}, control);
        json["closed_loop"].update({{"segments_sent", c.segments_sent},
                                    {"bytes_sent", c.bytes_sent},
                                    {"bytes_acked", c.bytes_acked},
                                    {"retransmitted_segments", c.retransmitted_segments},
                                    {"fast_retransmits", c.fast_retransmits},
                                    {"rto_expiries", c.rto_expiries}});
    }
    return json;
}

}  // namespace

nlohmann::json tcp_clients_report(const traffic::TcpClientSet& clients, const SessionControl& control) {
    return connections_json(clients.summary(), clients.closed_loop(), control);
}

nlohmann::json tcp_crr_clients_report(const traffic::TcpCrrClientSet& clients, const SessionControl& control) {
    const traffic::TcpCrrSummary s = clients.summary();
    nlohmann::json json = connections_json(s.connections, true, control);
    json["connect_per_request"] = {{"connections_opened", s.opened},
                                   {"source_ports_per_slot", s.ports_per_slot},
                                   {"ports_taken_from_time_wait", s.tw_reused},
                                   {"waits_for_a_free_port", s.ports_busy},
                                   // SYN to ESTABLISHED, on the generator's clock.
                                   {"connect_latency", latency_json(clients.connect_latency(), true)}};
    return json;
}

namespace {

template <typename Clients>
void add_tcp_data(const Clients& clients, const traffic::TcpClientSummary& s, nlohmann::json& generator) {
    const std::uint64_t frames = s.closed_loop.segments_sent + s.closed_loop.retransmitted_segments;
    generator["protocols"]["tcp"] = {{"packets", frames},
                                     {"first_transmissions", s.closed_loop.segments_sent},
                                     {"retransmissions", s.closed_loop.retransmitted_segments},
                                     {"bad_l4_checksum", 0}};
    nlohmann::json streams = nlohmann::json::array();
    for (std::uint32_t f = 0; f < clients.size(); ++f) {
        const std::uint32_t n = clients.sent_on(f);
        if (n > 0) streams.push_back({{"protocol", "tcp"}, {"flow", f}, {"stream", 0}, {"packets", n}});
    }
    generator["streams"] = streams;
}

}  // namespace

void add_tcp_closed_loop_data(const traffic::TcpClientSet& clients, nlohmann::json& generator) {
    add_tcp_data(clients, clients.summary(), generator);
}

void add_tcp_crr_data(const traffic::TcpCrrClientSet& clients, nlohmann::json& generator) {
    add_tcp_data(clients, clients.summary().connections, generator);
}

}  // namespace tg::app
