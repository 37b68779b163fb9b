// The host's presence in a run: the generator owns its --src-ip range and resolves its
// next hop (the --gateway, else the first --dst-ip) before it sends unless --dst-mac
// names it; the sink owns its --ip addresses. Both announce them at start, answer ARP,
// neighbour solicitations and ping for them, and report what they answered.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dataplane/control_path.hpp"
#include "options.hpp"
#include "traffic/presence.hpp"

namespace tg::app {

// The generator's presence: its source addresses on `l2`'s MAC and tags, announced.
[[nodiscard]] std::unique_ptr<traffic::HostPresence> make_generator_presence(const Options& o, const proto::L2Spec& l2);

// Before the engines run: asks for the next hop through `path` until it answers, a signal
// comes (`stop`), or every try went unanswered (DataplaneError: exit 3, naming the
// address). Returns its MAC.
[[nodiscard]] proto::MacAddress resolve_next_hop(const Options& o, dataplane::ControlPath& path,
                                                 traffic::HostPresence& presence, const std::atomic<int>& stop,
                                                 const std::string& port_name);

// The report's "neighbours" block: MAC, addresses, next hops and what was answered, summed
// over `hosts` (the generator's one; each of the sink's RX lcores answers what reaches its queue).
[[nodiscard]] nlohmann::json presence_json(const std::vector<const traffic::HostPresence*>& hosts);

}  // namespace tg::app
