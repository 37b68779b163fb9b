// What the generator's TCP connections add to a run: the client set the control thread
// drives (session_control.hpp) and the report's "tcp_connections" block.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "session_control.hpp"
#include "traffic/tcp_clients.hpp"
#include "traffic/tcp_crr_clients.hpp"

namespace tg::app {

[[nodiscard]] std::unique_ptr<traffic::TcpClientSet> make_tcp_clients(const traffic::FlowSet& flows,
                                                                      const proto::L2Spec& l2,
                                                                      const traffic::TcpSending& sending);
// TCP_CRR: a new connection per transaction, each slot from its share of `source_ports`.
[[nodiscard]] std::unique_ptr<traffic::TcpCrrClientSet> make_tcp_crr_clients(const traffic::FlowSet& flows,
                                                                            const traffic::PortRange& source_ports,
                                                                            const proto::L2Spec& l2,
                                                                            const traffic::TcpSending& sending,
                                                                            std::uint64_t now_ns);
[[nodiscard]] nlohmann::json tcp_clients_report(const traffic::TcpClientSet& clients, const SessionControl& control);
// The same block for TCP_CRR, with "connect_per_request": connections opened, the
// handshake's latency in ns, the source ports each slot cycles through.
[[nodiscard]] nlohmann::json tcp_crr_clients_report(const traffic::TcpCrrClientSet& clients, const SessionControl& control);
// Closed loop: the segments the connections sent, into the generator's report (per
// protocol and per flow, as the data path's would be).
void add_tcp_closed_loop_data(const traffic::TcpClientSet& clients, nlohmann::json& generator);
void add_tcp_crr_data(const traffic::TcpCrrClientSet& clients, nlohmann::json& generator);

}  // namespace tg::app
