#include "options.hpp"
#include "option_rules.hpp"
#include "option_values.hpp"
#include "protocol_options.hpp"
#include "search_options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "traffic/config_error.hpp"

namespace tg::app {

using traffic::ConfigError;

const char* to_string(Role r) noexcept {
    switch (r) {
        case Role::generator: return "generator";
        case Role::sink: return "sink";
        case Role::loopback: return "loopback";
    }
    return "unknown";
}

namespace {

proto::MacAddress mac(const std::string& text, const std::string& what) {
    const auto m = proto::MacAddress::parse(text);
    if (!m) throw ConfigError(what + " '" + text + "' is not a MAC address: give six hex pairs, such as 02:00:00:00:00:01");
    return *m;
}

std::vector<std::uint16_t> vlan_list(const std::string& text) {
    std::vector<std::uint16_t> ids;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        std::size_t used = 0;
        long v = -1;
        try {
            v = std::stol(item, &used);
        } catch (...) {
        }
        if (used != item.size() || v < 0 || v > 4094) {
            throw ConfigError("--vlan '" + text + "' is not a VLAN ID list: give 0..4094, or outer,inner for QinQ");
        }
        ids.push_back(static_cast<std::uint16_t>(v));
    }
    if (ids.empty() || ids.size() > 2) {
        throw ConfigError("--vlan '" + text + "' must give one VLAN ID, or two (outer,inner) for QinQ");
    }
    return ids;
}

// The multi-protocol network workload's settings (network-*, or NETWORK_* in the
// environment as its systemd unit sets them) are other names for trafficgen's own, with
// the same defaults, so that what its users wrote carries over. Each resolves to the
// text of one trafficgen option; naming both is refused.
struct SeedName {
    const char* name;  // network-sctp-streams: the option, and the settings-file key
    const char* env;   // NETWORK_SCTP_STREAMS
    const char* ours;  // --streams
    std::string value;
    CLI::Option* option = nullptr;
};

// Whether the command line itself (not the settings file) gave an option.
bool on_command_line(const std::vector<std::string>& args, const std::string& option) {
    return std::any_of(args.begin() + 1, args.end(), [&](const std::string& a) {
        return a == option || a.rfind(option + "=", 0) == 0;
    });
}

// Which name a setting came under, by precedence: the command line, then the
// environment (the workload's NETWORK_* variables), then the settings file, each under
// either name; two names on one layer are refused. Returns that name ("" when none gave
// it) and sets text to its value.
std::string resolve_seed_name(CLI::App& app, SeedName& s, std::string& text, bool generator,
                              const std::vector<std::string>& args) {
    const std::string seed_option = std::string("--") + s.name;
    const bool ours_cli = on_command_line(args, s.ours), seed_cli = on_command_line(args, seed_option);
    const bool ours_file = !ours_cli && app.count(s.ours) > 0, seed_file = !seed_cli && s.option->count() > 0;
    if (ours_cli && seed_cli) {
        throw ConfigError(std::string(s.ours) + " and " + seed_option + " set the same thing: give one of them");
    }
    if (ours_cli) return s.ours;
    if (seed_cli) {
        text = s.value;
        return seed_option;
    }
    if (generator) {
        if (const char* v = std::getenv(s.env); v != nullptr && *v != '\0') {
            text = v;
            return std::string(s.env) + " (environment)";
        }
    }
    if (ours_file && seed_file) {
        throw ConfigError(std::string("the settings file sets ") + (s.ours + 2) + " and " + s.name +
                          ", the same thing: keep one of them");
    }
    if (seed_file) {
        text = s.value;
        return s.name;
    }
    return ours_file ? s.ours : "";
}

// --pci-env VAR: the PCI address the SR-IOV device plugin put in the environment
// (PCIDEVICE_<RESOURCE>=0000:03:02.1[,more]); the first of the list.
std::string pci_from_env(const std::string& var) {
    const char* v = std::getenv(var.c_str());
    if (v == nullptr || *v == '\0') {
        throw ConfigError("--pci-env " + var + ": the variable " + var +
                          " is not set (the SR-IOV device plugin sets PCIDEVICE_<RESOURCE> where it allocated a VF): "
                          "give the variable or --pci ADDRESS");
    }
    std::string first(v);
    first = first.substr(0, first.find(','));
    // domain:bus:device.function, such as 0000:03:02.1
    const bool ok = first.size() == 12 && first[4] == ':' && first[7] == ':' && first[10] == '.' &&
                    first.find_first_not_of("0123456789abcdefABCDEF:.") == std::string::npos;
    if (!ok) {
        throw ConfigError("--pci-env " + var + ": '" + std::string(v) +
                          "' is not a PCI address list: expected such as 0000:03:02.1[,0000:03:02.2]");
    }
    return first;
}

// The settings given anywhere: on the command line, in the environment or in the settings file.
GivenOptions given_options(const CLI::App& app) {
    GivenOptions g;
    const auto collect = [&](const CLI::App& a) {
        for (const CLI::Option* opt : a.get_options()) {
            if (opt->count() == 0 || opt->get_lnames().empty()) continue;
            g.names.insert("--" + opt->get_lnames().front());
        }
    };
    collect(app);
    for (const CLI::App* sub : app.get_subcommands()) collect(*sub);
    return g;
}

}  // namespace

bool sends(const Options& o, traffic::Protocol p) {
    const auto& list = o.mix.empty() ? o.protocols : o.mix;
    return std::any_of(list.begin(), list.end(), [&](const auto& wp) { return wp.protocol == p; });
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options o;
    for (int i = 0; i < argc; ++i) o.command_line.emplace_back(argv[i]);

    CLI::App app{"trafficgen: a DPDK traffic generator and sink for TCP, UDP and SCTP.\n"
                 "Without a subcommand it generates; `trafficgen sink` receives and measures."};
    app.set_version_flag("--version", "trafficgen 0.1.0");
    app.set_config("--config", "/etc/trafficgen/trafficgen.conf",
                   "Settings file (key = value, with [sink] for the sink); flags override it");
    app.fallthrough();
    // A key the settings file has and no option knows is a typo, not something to skip.
    app.allow_config_extras(CLI::config_extras_mode::error);
    app.option_defaults()->always_capture_default();

    // Port.
    app.add_option("--iface", o.iface, "Kernel interface to drive through af_xdp, falling back to af_packet");
    app.add_option("--pci", o.pci, "PCI address of a DPDK-bound NIC, such as 0000:03:00.0");
    app.add_option("--pci-env", o.pci_env,
                   "Take --pci from this environment variable, as the SR-IOV device plugin sets it "
                   "(PCIDEVICE_<RESOURCE>, the first address of its list)");
    app.add_option("--vdev", o.vdevs, "DPDK virtual device, such as net_ring0 or net_pcap0,tx_pcap=out.pcap (repeatable)");
    app.add_option("--eal", o.eal, "More EAL arguments, passed through as they are");
    app.add_option("--driver-profile", o.driver_profile,
                   "NIC profile from drivers-config (iavf, ixgbevf, i40e, ice, mlx5, virtio, af_xdp, af_packet, memif): "
                   "its EAL arguments with --pci, its offloads and quirks (default: the profile of the port's driver)");
    app.add_option("--drivers-config", o.drivers_config, "Where the NIC profiles are (default: the installed ones)");
    app.add_option("--lcores", o.lcores, "EAL lcore map; the first lcore is the control thread, each other one an engine");
    bool hugepages = false, no_huge = false;
    app.add_flag("--hugepages", hugepages,
                 "Use hugepages (default: with a NIC (--pci) when the host has them reserved, else none)");
    app.add_flag("--no-huge", no_huge, "Run without hugepages, on --memory MB (a NIC reached by physical address cannot)");
    app.add_option("--memory", o.memory_mb, "MB of memory for DPDK without hugepages")->check(CLI::Range(64u, 65536u));
    std::string link_timeout_text = "10";
    app.add_option("--link-timeout", link_timeout_text,
                   "Seconds to wait for the port's link to come up at start (default 10); still down then: exit 3");

    // Traffic.
    std::string proto_text = "tcp", mix_text, size_text, vlan_text, src_mac_text, dst_mac_text;
    std::string duration_text, protocol_duration_text = "300", burst_gap_text = "1ms", backoff_max_text = "64ms",
                ramp_time_text = "10", ramp_from_text;
    unsigned streams = 4;
    app.add_option("--proto", proto_text,
                   "Protocols, rotated in order (comma-separated): tcp, udp, sctp; icmp (echo requests), arp "
                   "(requests for --dst-ip), dns (queries for --dns-names), whose answers are counted here with "
                   "their round-trip time; raw (Ethernet frames of --ethertype)");
    auto* mix_opt = app.add_option("--mix", mix_text, "Protocols sent together by weight, such as tcp:1,udp:2,sctp:1");
    app.add_option("--protocol-duration", protocol_duration_text, "Seconds per protocol when rotating");
    app.add_option("--streams", streams, "SCTP streams per association");
    app.add_option("--size", size_text, "Frame size with FCS (64..9018), imix, or size:weight,...; default: 1400 bytes of payload");
    std::string udp_rate_text, udp_payload_text;
    app.add_option("--udp-rate", udp_rate_text, "UDP's own rate, over --rate (default: --rate if given, else 100M)");
    app.add_option("--udp-payload", udp_payload_text,
                   "UDP payload bytes of each datagram, as iperf3 --length (default 1400); --size sets every protocol's");
    app.add_option("--rate", o.rate_text, "Rate: 100M (L2 bit/s), 1Mpps, 50% (of link, L1) or max; default 100M for UDP, max otherwise");
    app.add_option("--pattern", o.pattern_text, "continuous, rate-limited, burst, ramp, backoff or random");
    app.add_option("--burst", o.pacing.burst_size, "Packets per burst (burst, backoff)")->check(CLI::Range(1u, 1000000u));
    app.add_option("--burst-gap", burst_gap_text, "Time from one burst to the next (burst), the first gap (backoff)");
    app.add_option("--backoff-max", backoff_max_text, "Largest backoff gap before starting over");
    app.add_option("--ramp-from", ramp_from_text, "Rate the ramp starts at (default 0)");
    app.add_option("--ramp-time", ramp_time_text, "Seconds the ramp takes");
    app.add_option("--seed", o.pacing.seed, "Seed of the random pattern");
    app.add_option("--duration", duration_text, "Stop after this long (0: until stopped)");
    app.add_option("--count", o.count, "Stop after this many packets");
    app.add_option("--flows", o.flows, "Flows, stepped over the address and port ranges");
    app.add_option("--associations", o.associations,
                   "SCTP: set up this many real associations (one per flow) before sending, shut them down after")
        ->check(CLI::Range(1u, 65536u));
    app.add_option("--connections", o.connections,
                   "TCP: open this many real connections (one per flow) before sending, close them after")
        ->check(CLI::Range(1u, 65536u));
    app.add_flag("--closed-loop", o.closed_loop,
                 "With --associations or --connections: send as the peer's receive window and a congestion window "
                 "allow, and send lost data again, as an application would (default: open loop, at --rate, loss "
                 "shows as gaps)");
    app.add_flag("--round-trip", o.round_trip,
                 "Count what a reflector (`trafficgen sink --reflect`) sends back, on this host's clock: round-trip "
                 "latency percentiles, jitter and loss, with no shared clock");
    app.add_flag("--request-response", o.request_response,
                 "Transactions, like netperf's UDP_RR and TCP_RR: one request in flight per flow (UDP), connection "
                 "(--connections) or association (--associations), the next once the whole response is in; reports "
                 "transactions/s and latency percentiles. The sink answers with no option of its own");
    app.add_flag("--connect-per-request", o.connect_per_request,
                 "Request/response over TCP like netperf's TCP_CRR: each transaction on a new connection (connect, "
                 "request, response, close), --connections N of them at once; source ports cycle through --src-port "
                 "(one port: from it up to 65535), each connection its own share. Reports connections/s and the "
                 "handshake's latency too");
    app.add_option("--request-size", o.request_bytes, "Request/response: payload bytes of each request (22 or more)")
        ->check(CLI::Range(22u, 65000u));
    app.add_option("--response-size", o.response_bytes,
                   "Request/response: payload bytes of each response (18..1048576; default: the request size)")
        ->check(CLI::Range(18u, 1u << 20));
    std::string response_timeout_text = "1";
    app.add_option("--response-timeout", response_timeout_text,
                   "Request/response over UDP: a request unanswered this long counts as lost (default 1 s)");
    std::string setup_timeout_text = "30";
    app.add_option("--setup-timeout", setup_timeout_text,
                   "How long --associations or --connections may take to come up (default 30 s)");
    std::string dns_names_text, dns_type_text, dns_port_text, dns_timeout_text, ether_type_text, payload_pattern_text;
    app.add_option("--dns-names", dns_names_text,
                   "--proto dns: the names queried in turn, comma-separated, or @FILE with one name per line");
    app.add_option("--dns-type", dns_type_text, "--proto dns: the query type: A (default), AAAA, SRV, NAPTR, ... or a number");
    app.add_option("--dns-port", dns_port_text, "--proto dns: the server's port (default 53)");
    app.add_option("--dns-timeout", dns_timeout_text,
                   "--proto dns: an answer later than this counts its query as timed out (default 1 s)");
    app.add_option("--ethertype", ether_type_text,
                   "--proto raw: the frames' EtherType, 0x0600..0xffff (default 0x88b5, local experimental)");
    app.add_option("--payload-pattern", payload_pattern_text,
                   "--proto raw: hex bytes repeated after the test header, such as deadbeef (default: zeros)");
    app.add_option("--src-mac", src_mac_text, "Source MAC (default: the port's)");
    app.add_option("--dst-mac", dst_mac_text,
                   "Destination MAC (default: resolved by ARP or neighbour discovery: the --gateway's, else the "
                   "first --dst-ip's)");
    std::string gateway_text;
    app.add_option("--gateway", gateway_text,
                   "Next hop towards --dst-ip when it is not on this link (a router, a CNI gateway): its MAC is "
                   "resolved and every frame goes to it");
    app.add_option("--src-ip", o.src_ip, "Source address or range (198.18.0.1-198.18.0.9, IPv6 too)");
    app.add_option("--dst-ip", o.dst_ip, "Destination address or range");
    app.add_option("--src-port", o.src_port, "Source port or range (1024-2047)");
    app.add_option("--dst-port", o.dst_port, "Destination port or range");
    app.add_option("--vlan", vlan_text, "VLAN ID, or outer,inner for QinQ (802.1ad outer tag)");
    app.add_option("--ttl", o.ttl, "IPv4 TTL / IPv6 hop limit")->check(CLI::Range(1, 255));
    app.add_option("--ppid", o.sctp_ppid, "SCTP payload protocol identifier");
    app.add_flag("!--no-tx-offload", o.tx_checksum_offload, "Compute every checksum in software even where the port offers to");
    app.add_option("--bad-checksum-every", o.bad_checksum_every,
                   "Send every Nth packet with a wrong UDP/TCP checksum or SCTP CRC32c (checksums then in software)")
        ->check(CLI::Range(1u, 1000000000u));
    bool loopback = false;
    app.add_option("--rx-iface", o.rx_iface,
                   "A second port that receives what the first sends, through the device under test, in this "
                   "process: a kernel interface (af_xdp, else af_packet)");
    app.add_option("--rx-vdev", o.rx_vdev, "The receiving port as a DPDK virtual device");
    app.add_option("--rx-pci", o.rx_pci, "The receiving port as a DPDK-bound NIC's PCI address");
    app.add_flag("--loopback", loopback, "Also run a sink on the same port, in this process (net_ring, a loopback cable)");

    // Output.
    std::string interval_text = "1";
    app.add_option("--json", o.json_path, "Write the final report here (JSON, written atomically)");
    app.add_option("--stats-interval", interval_text, "Seconds between live stats");
    app.add_flag("--json-lines", o.json_lines, "Print live stats as JSON lines on stdout");
    app.add_flag("--quiet", o.quiet, "No live stats");
    app.add_option("--timeline", o.timeline_path, "Write each received test packet's arrival to this CSV file");
    std::string repeat_text = "1";
    app.add_option("--repeat", repeat_text,
                   "Run (or search) this many times: each figure with min, median and max (the methodology asks "
                   "for 5 or more)");
    app.add_option("--timeline-packets", o.sink.timeline_packets, "Arrivals --timeline records (the first ones)")
        ->check(CLI::Range(1u, 100'000'000u));
    std::string gap_threshold_text;
    app.add_option("--gap-threshold", gap_threshold_text,
                   "Report each flow's and stream's interruptions: gaps between arrivals of at least this (10ms) "
                   "with packets lost or held back in them; 0: none");

    std::vector<SeedName> seed = {
        {"network-protocols", "NETWORK_PROTOCOLS", "--proto", {}},
        {"network-udp-bandwidth", "NETWORK_UDP_BANDWIDTH", "--udp-rate", {}},
        {"network-udp-packet-size", "NETWORK_UDP_PACKET_SIZE", "--udp-payload", {}},
        {"network-sctp-streams", "NETWORK_SCTP_STREAMS", "--streams", {}},
        {"network-protocol-duration", "NETWORK_PROTOCOL_DURATION", "--protocol-duration", {}},
    };
    for (auto& s : seed) {
        s.option = app.add_option(std::string("--") + s.name, s.value,
                                  std::string("The network workload's name for ") + s.ours + " (also " + s.env + ")")
                       ->group("The network workload's settings");
    }

    auto* sink_cmd = app.add_subcommand("sink", "Receive, validate and measure");
    sink_cmd->add_option("--max-streams", o.sink.max_streams, "Distinct (protocol, flow, stream) tracked")
        ->check(CLI::Range(1u, 1u << 22));
    sink_cmd->add_flag("--shared-clock", o.sink.shared_clock, "Sender and sink share a clock: report latency");
    sink_cmd->add_flag("--reflect", o.reflect,
                       "Send each stateless test packet back to its sender (addresses and ports swapped), so a "
                       "generator with --round-trip measures the round trip");
    std::string sink_ip_text;
    sink_cmd->add_option("--ip", sink_ip_text,
                         "The sink's own addresses or ranges, comma-separated (198.19.0.1,2001:2:0:1::1): it answers "
                         "ARP, neighbour solicitations and ping for them, and announces them at start");
    std::string idle_text = "0";
    sink_cmd->add_option("--idle-timeout", idle_text, "Stop when nothing arrived for this long, once traffic began");

    SearchOptionTexts search_texts;
    auto* search_cmd = app.add_subcommand(
        "search", "Find the throughput (RFC 2544 NDR and PDR) at each frame size, MLRsearch-style, trial after trial");
    search_cmd->add_option("--loss", search_texts.loss,
                           "Loss ratios to find the highest rate for, ascending: the first the NDR's (default 0,0.5%)");
    search_cmd->add_option("--sizes", search_texts.sizes,
                           "Frame sizes with FCS, and imix (default RFC 2544's 64,128,256,512,1024,1280,1518)");
    search_cmd->add_option("--trial-duration", search_texts.trial_duration, "The first phase's trials (default 1 s)");
    search_cmd->add_option("--final-duration", search_texts.final_duration,
                           "The last phase's trials, whose bounds are the result (default 30 s)");
    search_cmd->add_option("--precision", search_texts.precision,
                           "Width of the final interval, relative to its upper bound (default 0.5%)");
    search_cmd->add_option("--phases", search_texts.phases, "Phases, the last the final one (default 3)");
    search_cmd->add_option("--max-trials", search_texts.max_trials, "Trials per frame size at most (default 200)");
    search_cmd->add_option("--min-rate", o.search.min_rate_text, "Below it a loss ratio is not found (default 10kpps)");
    search_cmd->add_option("--max-rate", o.search.max_rate_text,
                           "Where the search starts (default: the link's rate at each frame size)");
    search_cmd->footer(
        "With none of --rx-iface, --rx-vdev, --rx-pci and --loopback, `trafficgen sink` on the far host counts: "
        "between trials the search asks it, over the same path, what it has counted.");

    // Lists take their commas whether the settings file quotes them or not (an unquoted
    // `lcores = 0@0,1@1` reaches the option as two values, joined back here); --eal its
    // spaces.
    for (const char* list : {"--proto", "--mix", "--size", "--vlan", "--lcores", "--src-ip", "--dst-ip", "--src-port",
                             "--dst-port", "--dns-names", "--network-protocols"}) {
        app.get_option(list)->join(',');
    }
    sink_cmd->get_option("--ip")->join(',');
    for (const char* list : {"--loss", "--sizes"}) search_cmd->get_option(list)->join(',');
    app.get_option("--eal")->join(' ');

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        app.exit(e);
        return std::nullopt;
    } catch (const CLI::CallForVersion& e) {
        app.exit(e);
        return std::nullopt;
    } catch (const CLI::ConfigError& e) {
        const std::string what = e.what();
        const std::string prefix = "INI was not able to parse ";
        if (what.rfind(prefix, 0) != 0) throw ConfigError(what);
        const std::string key = what.substr(prefix.size());
        if (key.size() > 3 && key.compare(key.size() - 3, 3, ".++") == 0) {
            throw ConfigError("the settings file has a section no subcommand has: [" + key.substr(0, key.size() - 3) +
                              "] (the sections are [sink] and [search])");
        }
        if (key.rfind("sink.", 0) == 0) {
            throw ConfigError("the settings file has a key [sink] does not know: '" + key.substr(5) +
                              "' ([sink] holds only the sink's own options; the port's and the others go above it)");
        }
        if (sink_cmd->get_option_no_throw("--" + key) != nullptr) {
            throw ConfigError("the settings file has the sink's '" + key + "' outside [sink]: put it under [sink]");
        }
        throw ConfigError("the settings file has a key no option knows: '" + key +
                          "' (`trafficgen --help` lists the options; each is a key without its --)");
    } catch (const CLI::ParseError& e) {
        throw ConfigError(e.what());
    }

    if (sink_cmd->parsed()) o.role = Role::sink;
    else if (loopback) o.role = Role::loopback;
    const int rx_ports = (o.rx_iface.empty() ? 0 : 1) + (o.rx_vdev.empty() ? 0 : 1) + (o.rx_pci.empty() ? 0 : 1);
    if (rx_ports > 1) throw ConfigError("--rx-iface, --rx-vdev and --rx-pci each name the receiving port: give one");
    if (rx_ports == 1 && loopback) {
        throw ConfigError("--loopback receives on the sending port, --rx-iface/--rx-vdev/--rx-pci on another: give one");
    }
    if (search_cmd->parsed()) {
        o.search.requested = true;
        // Both ends in this process, as a loopback has them; or the far host's sink counts,
        // asked in-band between trials.
        o.search.far_sink = rx_ports == 0 && !loopback;
        o.role = o.search.far_sink ? Role::generator : Role::loopback;
    } else if (rx_ports == 1 && o.role != Role::sink) {
        // Two ports, one process: a lab rig's tester, sending on one and counting on the other.
        o.role = Role::loopback;
    }
    const GivenOptions given = given_options(app);
    // What a subcommand does not take is named before any value is read.
    check_placement(o, given);
    if (o.search.requested) parse_search_options(o.search, search_texts);

    if (!o.pci_env.empty()) {
        if (!o.pci.empty()) throw ConfigError("--pci and --pci-env both name the port: give one of them");
        o.pci = pci_from_env(o.pci_env);
    }
    const int ports = (o.iface.empty() ? 0 : 1) + (o.pci.empty() ? 0 : 1) + (o.vdevs.empty() ? 0 : 1);
    if (ports == 0) {
        throw ConfigError("no port given: name one with --iface IF, --pci ADDRESS or --vdev DEVICE "
                          "(or in /etc/trafficgen/trafficgen.conf)");
    }
    if (ports > 1) throw ConfigError("give one port: --iface, --pci or --vdev, not several");

    const bool generator = o.role != Role::sink;
    std::string streams_text = std::to_string(streams);
    const std::string proto_name = resolve_seed_name(app, seed[0], proto_text, generator, o.command_line);
    const std::string udp_rate_name = resolve_seed_name(app, seed[1], udp_rate_text, generator, o.command_line);
    const std::string udp_payload_name = resolve_seed_name(app, seed[2], udp_payload_text, generator, o.command_line);
    const std::string streams_name = resolve_seed_name(app, seed[3], streams_text, generator, o.command_line);
    const std::string duration_name = resolve_seed_name(app, seed[4], protocol_duration_text, generator, o.command_line);
    // --mix and a rotation are one choice: the command line's over the environment's and
    // the file's; on one layer, refused.
    if (mix_opt->count() > 0 && !proto_name.empty()) {
        const bool mix_cli = on_command_line(o.command_line, "--mix");
        const bool proto_cli = proto_name.rfind("--", 0) == 0 && on_command_line(o.command_line, proto_name);
        const bool proto_env = proto_name.find("(environment)") != std::string::npos;
        const bool proto_file = !proto_cli && !proto_env;
        if ((mix_cli && proto_cli) || (!mix_cli && proto_file)) {
            throw ConfigError(proto_name + " rotates and --mix sends together: give one of them");
        }
        if (!mix_cli) mix_text.clear();  // the rotation came from a layer above the file's mix
    }
    if (o.search.requested && proto_name.empty() && mix_text.empty()) proto_text = "udp";  // RFC 2544's frames
    if (!mix_text.empty()) {
        o.mix = traffic::parse_protocols(mix_text, "--mix");
    } else {
        o.protocols = traffic::parse_protocols(proto_text, proto_name.empty() ? "--proto" : proto_name);
    }
    o.streams = static_cast<std::uint16_t>(whole_number(streams_text, streams_name.empty() ? "--streams" : streams_name, 1,
                                                        65535, "an SCTP association has 1..65535 streams"));
    if (!udp_rate_text.empty()) {
        o.udp_rate = traffic::Rate::parse(udp_rate_text, udp_rate_name);
        o.udp_rate_text = udp_rate_text;
    }
    if (!udp_payload_text.empty()) {
        o.udp_payload = whole_number(udp_payload_text, udp_payload_name, 1, 65507, "give UDP payload bytes, 1..65507");
    }
    if (!size_text.empty()) o.sizes = traffic::SizeMix::parse(size_text);
    if (!o.rate_text.empty()) o.rate = traffic::Rate::parse(o.rate_text);
    o.pacing.pattern = traffic::parse_pattern(o.pattern_text);
    o.protocol_duration_s =
        seconds(protocol_duration_text, duration_name.empty() ? "--protocol-duration" : duration_name, false);
    o.pacing.burst_gap_s = seconds(burst_gap_text, "--burst-gap", false);
    o.pacing.backoff_max_s = seconds(backoff_max_text, "--backoff-max", false);
    o.pacing.ramp_time_s = seconds(ramp_time_text, "--ramp-time", false);
    if (!ramp_from_text.empty()) {
        const auto r = traffic::Rate::parse(ramp_from_text, "--ramp-from");
        if (r.unit != traffic::Rate::Unit::pps) throw ConfigError("--ramp-from '" + ramp_from_text + "' must be in packets/s, such as 1000pps");
        o.pacing.ramp_from_pps = r.value;
    }
    if (!duration_text.empty()) o.duration_s = seconds(duration_text, "--duration", true);
    o.stats_interval_s = seconds(interval_text, "--stats-interval", false);
    o.repeat = whole_number(repeat_text, "--repeat", 1, 1000, "a number of repetitions from 1 to 1000");
    o.idle_timeout_s = seconds(idle_text, "--idle-timeout", true);
    o.link_timeout_s = seconds(link_timeout_text, "--link-timeout", true);
    if (hugepages && no_huge) throw ConfigError("--hugepages and --no-huge ask for opposite memory: give one of them");
    if (hugepages) o.memory = profiles::MemoryRequest::hugepages;
    if (no_huge) o.memory = profiles::MemoryRequest::no_hugepages;
    if (!src_mac_text.empty()) {
        o.src_mac = mac(src_mac_text, "--src-mac");
        o.src_mac_given = true;
    }
    if (!dst_mac_text.empty()) {
        o.dst_mac = mac(dst_mac_text, "--dst-mac");
        o.dst_mac_given = true;
    }
    if (!sink_ip_text.empty()) o.sink.addresses = traffic::OwnedAddresses::parse(sink_ip_text, "--ip");
    if (!gateway_text.empty()) {
        o.gateway = proto::IpAddress::parse(gateway_text);
        if (!o.gateway) {
            throw ConfigError("--gateway '" + gateway_text + "' is not an IP address: give the next hop's IPv4 or IPv6 address");
        }
    }
    if (!vlan_text.empty()) o.vlans = vlan_list(vlan_text);
    if (!o.timeline_path.empty() && o.sink.timeline_packets == 0) o.sink.timeline_packets = 1'000'000;
    if (!gap_threshold_text.empty()) {
        o.sink.gap_threshold_ns = static_cast<std::uint64_t>(seconds(gap_threshold_text, "--gap-threshold", true) * 1e9);
    }
    o.setup_timeout_s = seconds(setup_timeout_text, "--setup-timeout", false);
    o.response_timeout_s = seconds(response_timeout_text, "--response-timeout", false);
    parse_answered_options(o, {dns_names_text, dns_type_text, dns_port_text, dns_timeout_text, ether_type_text,
                               payload_pattern_text});
    check_options(o, given);
    // What the settings imply, once they hold together.
    if (o.associations > 0) o.flows = o.associations;
    if (o.connections > 0) o.flows = o.connections;
    if (o.request_response) {
        if (o.response_bytes == 0) o.response_bytes = o.request_bytes;
        // A lost request of a session is resent by its transport.
        if (o.protocols.front().protocol != traffic::Protocol::udp) o.closed_loop = true;
    }
    return o;
}

}  // namespace tg::app
