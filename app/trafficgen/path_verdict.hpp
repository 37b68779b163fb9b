// What a joined report says about the path for the protocols that carry state (TCP and
// SCTP): whether the traffic rode real sessions or went as stateless frames, how much of
// it arrived, and one sentence a partner can act on. A stateful path (conntrack, NAT, a
// Service proxy, a firewall, network policy) drops TCP and SCTP that belong to no
// connection or association: with stateless frames that looks like a broken path, with
// real sessions it does not, and the sentence says which case a run was.
#pragma once

#include <nlohmann/json.hpp>

namespace tg::app {

// {"tcp": {...}, "sctp": {...}} for the stateful protocols the generator sent; empty
// when it sent neither.
[[nodiscard]] nlohmann::json path_verdicts(const nlohmann::json& generator, const nlohmann::json& sink);

}  // namespace tg::app
