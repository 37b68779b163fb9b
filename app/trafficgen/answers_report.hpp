// The report of what came back to the generator's ICMP echo, ARP and DNS requests: per
// protocol, requests sent against answers counted, and for DNS the answers by RCODE,
// the late ones and the strays.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "sink/sink_core.hpp"

namespace tg::app {

[[nodiscard]] nlohmann::json dns_tally_json(const sink::DnsTally& d);

// `sent`: the generator's per-protocol block ({"icmp": {"packets": N}, ...});
// `arrivals`: the answers as the generator's own cores counted them (arrivals_json).
[[nodiscard]] nlohmann::json answers_json(const nlohmann::json& sent, const nlohmann::json& arrivals,
                                          std::uint64_t frames_received);

}  // namespace tg::app
