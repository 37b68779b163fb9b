// What the generator's TCP connections add to a run: the client set the control thread
// drives (session_control.hpp) and the report's "tcp_connections" block.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "session_control.hpp"
#include "traffic/tcp_clients.hpp"

namespace tg::app {

[[nodiscard]] std::unique_ptr<traffic::TcpClientSet> make_tcp_clients(const traffic::FlowSet& flows,
                                                                      const proto::L2Spec& l2,
                                                                      const traffic::TcpSending& sending);
[[nodiscard]] nlohmann::json tcp_clients_report(const traffic::TcpClientSet& clients, const SessionControl& control);
// Closed loop: the segments the connections sent, into the generator's report (per
// protocol and per flow, as the data path's would be).
void add_tcp_closed_loop_data(const traffic::TcpClientSet& clients, nlohmann::json& generator);

}  // namespace tg::app
