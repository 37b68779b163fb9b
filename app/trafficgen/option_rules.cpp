#include "option_rules.hpp"

#include <algorithm>
#include <cstdio>

#include "traffic/config_error.hpp"

namespace tg::app {

namespace {

using traffic::ConfigError;
using traffic::Protocol;

std::string seconds_text(double s) {
    char b[32];
    std::snprintf(b, sizeof b, "%g s", s);
    return b;
}

// How the user asked for both ends in this process, for the sentences that refuse it.
std::string both_ends(const Options& o) {
    if (!o.rx_iface.empty() || !o.rx_vdev.empty() || !o.rx_pci.empty()) {
        return "not with both ends in this process (--rx-iface, --rx-vdev or --rx-pci)";
    }
    return "not with --loopback";
}

bool one_protocol(const Options& o, Protocol p) {
    return o.mix.empty() && o.protocols.size() == 1 && o.protocols.front().protocol == p;
}

void check_role(const Options& o, const GivenOptions& given) {
    check_placement(o, given);
    if (o.role == Role::sink && o.repeat > 1) {
        throw ConfigError("--repeat " + std::to_string(o.repeat) +
                          " repeats what a generator sends; a sink counts whatever arrives for as long as it "
                          "runs: repeat the generator (or the pair with trafficgen-orch)");
    }
    if (o.search.requested && (o.protocols.size() != 1 || !traffic::is_transport(o.protocols.front().protocol))) {
        throw ConfigError("trafficgen search measures one transport at a time: give --proto udp (the default for a "
                          "search), tcp or sctp alone");
    }
    if (o.repeat > 1 && !o.timeline_path.empty()) {
        throw ConfigError("--timeline keeps the arrivals of one run: give it without --repeat " + std::to_string(o.repeat));
    }
    if (!o.timeline_path.empty() && o.role == Role::generator) {
        throw ConfigError("--timeline records arrivals: use it with `trafficgen sink` or --loopback");
    }
    if (given.has("--gap-threshold") && o.role == Role::generator && !o.round_trip) {
        throw ConfigError("--gap-threshold measures arrivals: use it with `trafficgen sink`, --loopback or --round-trip");
    }
}

void check_path(const Options& o, const GivenOptions& given) {
    if (o.gateway) {
        if (given.has("--loopback")) throw ConfigError("--gateway names a next hop; --loopback has none");
        if (o.dst_mac_given) throw ConfigError("--gateway is resolved to a MAC and --dst-mac gives one: give one of them");
        if (traffic::IpRange::parse(o.dst_ip, "--dst-ip").first.family != o.gateway->family) {
            throw ConfigError("--gateway " + o.gateway->to_string() + " and --dst-ip " + o.dst_ip +
                              " are different IP versions");
        }
    }
    if (o.pacing.backoff_max_s < o.pacing.burst_gap_s) {
        throw ConfigError("--backoff-max " + seconds_text(o.pacing.backoff_max_s) + " is below --burst-gap " +
                          seconds_text(o.pacing.burst_gap_s));
    }
    // --udp-rate in a mix: UDP at its own rate, the others sharing --rate by weight.
    const bool udp_apart = o.mix.size() > 1 && o.udp_rate &&
                           std::any_of(o.mix.begin(), o.mix.end(), [](const auto& wp) { return wp.protocol == Protocol::udp; });
    if (udp_apart && (!o.rate || o.rate->unit == traffic::Rate::Unit::unlimited)) {
        throw ConfigError("--udp-rate " + o.udp_rate_text + " gives UDP its own rate in --mix; the other protocols then "
                          "need a rate of theirs to share by weight: give --rate too (not max)");
    }
    if (udp_apart && o.udp_rate->unit == traffic::Rate::Unit::unlimited) {
        throw ConfigError("--udp-rate max leaves UDP no share of its own in --mix: give it a rate, or leave it out");
    }
    if (o.udp_payload > 0 && given.has("--size")) {
        throw ConfigError("--udp-payload sets UDP's payload and --size every protocol's frame sizes: give one of them");
    }
    if (o.flows > traffic::max_flows) {
        throw ConfigError("--flows " + std::to_string(o.flows) + " is more than the " + std::to_string(traffic::max_flows) +
                          " flows a run can tell apart");
    }
}

void check_sessions(const Options& o) {
    if (o.associations > 0) {
        if (!one_protocol(o, Protocol::sctp)) {
            throw ConfigError("--associations " + std::to_string(o.associations) +
                              " sets up SCTP associations: use it with --proto sctp alone");
        }
        if (o.flows != 0 && o.flows != o.associations) {
            throw ConfigError("--flows " + std::to_string(o.flows) + " and --associations " +
                              std::to_string(o.associations) + " differ: each association is one flow");
        }
        if (o.role == Role::loopback) throw ConfigError("--associations needs a peer that answers: " + both_ends(o));
    }
    if (o.connections > 0) {
        if (o.associations > 0) throw ConfigError("--associations is SCTP and --connections is TCP: give one of them");
        if (!one_protocol(o, Protocol::tcp)) {
            throw ConfigError("--connections " + std::to_string(o.connections) +
                              " opens TCP connections: use it with --proto tcp alone");
        }
        if (o.flows != 0 && o.flows != o.connections) {
            throw ConfigError("--flows " + std::to_string(o.flows) + " and --connections " +
                              std::to_string(o.connections) + " differ: each connection is one flow");
        }
        if (o.role == Role::loopback) throw ConfigError("--connections needs a peer that answers: " + both_ends(o));
        if (o.bad_checksum_every > 0) {
            throw ConfigError("--bad-checksum-every spoils stateless frames; a connection's peer would drop them and "
                              "stall: leave out --connections or --bad-checksum-every");
        }
        if (o.pacing.pattern != traffic::Pattern::continuous) {
            throw ConfigError(std::string("--pattern ") + traffic::to_string(o.pacing.pattern) +
                              " shapes the data path's traffic; connections send at --rate: leave out --pattern");
        }
    }
    if (o.round_trip) {
        if (o.associations > 0 || o.connections > 0) {
            throw ConfigError("--round-trip measures stateless test packets a reflector sends back; sessions are "
                              "acknowledged, not reflected: leave out --round-trip or --" +
                              std::string(o.associations > 0 ? "associations" : "connections"));
        }
        if (o.role == Role::loopback) {
            throw ConfigError("--round-trip needs a reflector at the other end; both ends in this process measure "
                              "latency already");
        }
    }
    if (o.closed_loop) {
        if (o.associations == 0 && o.connections == 0) {
            throw ConfigError("--closed-loop paces data by the windows of real sessions: give --associations N "
                              "(SCTP) or --connections N (TCP) too");
        }
        if (o.bad_checksum_every > 0) {
            throw ConfigError("--bad-checksum-every spoils open-loop frames; a closed loop would only resend them: "
                              "leave out --closed-loop or --bad-checksum-every");
        }
        if (o.pacing.pattern != traffic::Pattern::continuous) {
            throw ConfigError(std::string("--pattern ") + traffic::to_string(o.pacing.pattern) +
                              " shapes open-loop traffic; a closed loop sends as its windows allow (a --rate caps it)");
        }
    }
}

// Request/response runs on one protocol: UDP flows, or TCP connections, or SCTP
// associations (the transport resends a lost request; UDP has the timeout).
void check_request_response(const Options& o, const GivenOptions& given) {
    if (!o.request_response) {
        for (const char* rr_only : {"--request-size", "--response-size", "--response-timeout", "--connect-per-request"}) {
            if (given.has(rr_only)) throw ConfigError(std::string(rr_only) + " belongs to --request-response: give that too");
        }
        return;
    }
    if (!o.mix.empty() || o.protocols.size() != 1) {
        throw ConfigError("--request-response runs one protocol at a time: give --proto udp, --proto tcp with "
                          "--connections N, or --proto sctp with --associations N");
    }
    const Protocol p = o.protocols.front().protocol;
    if (p == Protocol::tcp && o.connections == 0) {
        throw ConfigError("--request-response over TCP runs on real connections (TCP_RR): give --connections N");
    }
    if (p == Protocol::sctp && o.associations == 0) {
        throw ConfigError("--request-response over SCTP runs on real associations: give --associations N");
    }
    if (o.role == Role::loopback) throw ConfigError("--request-response needs a sink that answers: " + both_ends(o));
    if (o.round_trip) {
        throw ConfigError("--round-trip counts reflected packets and --request-response counts answered requests: "
                          "give one of them");
    }
    if (given.has("--size")) {
        throw ConfigError("--size sets frame sizes; request/response sizes are payload bytes: use --request-size "
                          "and --response-size");
    }
    if (o.bad_checksum_every > 0) {
        throw ConfigError("--bad-checksum-every would spoil requests the sink then never answers: leave it out of "
                          "--request-response");
    }
    if (o.pacing.pattern != traffic::Pattern::continuous) {
        throw ConfigError(std::string("--pattern ") + traffic::to_string(o.pacing.pattern) +
                          " shapes a stream of packets; transactions go as answers come (a --rate caps them): leave "
                          "out --pattern");
    }
    if (o.connect_per_request) {
        if (p != Protocol::tcp) {
            throw ConfigError("--connect-per-request opens a TCP connection per transaction (TCP_CRR): give --proto tcp "
                              "--connections N");
        }
        if (o.count > 0 && o.count < o.connections) {
            throw ConfigError("--count " + std::to_string(o.count) + " is fewer transactions than the " +
                              std::to_string(o.connections) + " --connections that each start with one: give at least " +
                              std::to_string(o.connections));
        }
    }
}

}  // namespace

void check_placement(const Options& o, const GivenOptions& given) {
    if (o.role == Role::sink) {
        for (const char* gen_only : {"--proto", "--mix", "--rate", "--size", "--count", "--pattern", "--streams", "--flows",
                                    "--bad-checksum-every", "--associations", "--connections", "--closed-loop",
                                    "--round-trip", "--request-response", "--request-size", "--response-size",
                                    "--response-timeout", "--connect-per-request", "--udp-rate", "--udp-payload",
                                    "--network-protocols", "--network-udp-bandwidth", "--network-udp-packet-size",
                                    "--network-sctp-streams", "--network-protocol-duration", "--gateway",
                                    "--dns-names", "--dns-type", "--dns-port", "--dns-timeout", "--ethertype",
                                    "--payload-pattern"}) {
            if (given.has(gen_only)) {
                throw ConfigError(std::string(gen_only) + " applies to the generator, not to `trafficgen sink`");
            }
        }
        for (const char* second : {"--rx-iface", "--rx-vdev", "--rx-pci"}) {
            if (given.has(second)) {
                throw ConfigError(std::string(second) + " names a second port for a generator that counts what it sent; "
                                  "`trafficgen sink` receives on its one port");
            }
        }
    }
    if (o.search.requested) {
        for (const char* not_here : {"--mix", "--rate", "--udp-rate", "--size", "--count", "--duration", "--pattern",
                                     "--associations", "--connections", "--request-response", "--round-trip",
                                     "--protocol-duration", "--timeline"}) {
            if (given.has(not_here)) {
                throw ConfigError(std::string(not_here) + " does not apply to trafficgen search: each trial's rate, "
                                  "size and duration are the search's (--sizes, --min-rate, --max-rate, "
                                  "--trial-duration, --final-duration)");
            }
        }
    }
}

void check_options(const Options& o, const GivenOptions& given) {
    check_role(o, given);
    check_path(o, given);
    check_sessions(o);
    check_request_response(o, given);
}

}  // namespace tg::app
