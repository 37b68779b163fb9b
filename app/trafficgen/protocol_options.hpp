// The options of the protocols that are not transports: --proto dns's names, type, port
// and timeout, --proto raw's EtherType and payload pattern. Each is refused when the run
// does not send the protocol it belongs to.
#pragma once

#include <string>

#include "options.hpp"

namespace tg::app {

struct ProtocolOptionTexts {
    std::string dns_names, dns_type, dns_port, dns_timeout, ether_type, payload_pattern;
};

// Fills `o` from the texts (empty: not given); needs o.protocols or o.mix set.
void parse_answered_options(Options& o, const ProtocolOptionTexts& t);

}  // namespace tg::app
