// What the generator's SCTP associations add to a run: the client set the control thread
// drives (session_control.hpp), the open-loop binding of each flow's DATA to its
// association, and the report's "sctp_associations" block.
#pragma once

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/engines.hpp"
#include "session_control.hpp"
#include "traffic/sctp_clients.hpp"

namespace tg::app {

[[nodiscard]] std::unique_ptr<traffic::SctpClientSet> make_sctp_clients(const traffic::FlowSet& flows,
                                                                        std::uint16_t streams, const proto::L2Spec& l2,
                                                                        const traffic::SctpSending& sending);
// Open loop: gives each engine's flows their association's tag and first TSN; a flow
// whose association is not up sends nothing.
void bind_sctp(traffic::SctpClientSet& clients, std::vector<std::unique_ptr<dataplane::TxEngine>>& tx);
// When the data starts: each association not up then, its flow, addresses and why
// (no INIT ACK, no COOKIE ACK, or how it ended); at most 100 of them.
[[nodiscard]] nlohmann::json not_established_json(const traffic::SctpClientSet& clients);
[[nodiscard]] nlohmann::json sctp_clients_report(const traffic::SctpClientSet& clients, const SessionControl& control);
// Closed loop: the DATA the associations sent, into the generator's report (per
// protocol and per flow and stream, as the data path's would be).
void add_sctp_closed_loop_data(const traffic::SctpClientSet& clients, nlohmann::json& generator);

}  // namespace tg::app
