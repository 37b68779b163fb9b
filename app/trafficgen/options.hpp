// Everything a run is told, from the config file and the command line, checked: a value
// that cannot be used is a ConfigError naming it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "profiles/memory_plan.hpp"
#include "proto/build.hpp"
#include "search_options.hpp"
#include "sink/sink_core.hpp"
#include "traffic/flows.hpp"
#include "traffic/pacer.hpp"
#include "traffic/protocol.hpp"
#include "traffic/rate.hpp"
#include "traffic/size_mix.hpp"

namespace tg::app {

enum class Role : std::uint8_t { generator, sink, loopback };

[[nodiscard]] const char* to_string(Role r) noexcept;

struct Options {
    Role role = Role::generator;

    // Port and EAL.
    std::string iface;
    std::string pci;
    std::string pci_env;  // the variable --pci came from (the SR-IOV device plugin's), if it did
    std::vector<std::string> vdevs;
    // A second port that receives what the first sends (trafficgen search): at most one.
    std::string rx_iface;
    std::string rx_vdev;
    std::string rx_pci;
    std::string eal;
    std::string lcores;
    profiles::MemoryRequest memory = profiles::MemoryRequest::automatic;  // --hugepages, --no-huge, or chosen
    unsigned memory_mb = 512;
    double link_timeout_s = 10;  // how long to wait for the link at start

    // Traffic (generator).
    std::vector<traffic::WeightedProtocol> protocols;  // rotated in order
    std::vector<traffic::WeightedProtocol> mix;        // sent together, by weight
    double protocol_duration_s = 300;
    std::uint16_t streams = 4;
    std::optional<traffic::SizeMix> sizes;  // unset: 1400 bytes of payload per protocol
    std::optional<traffic::Rate> rate;      // unset: the seed's 100M for UDP, max otherwise
    std::optional<traffic::Rate> udp_rate;  // UDP's own rate, over --rate (unset: --rate, else 100M)
    std::string rate_text, udp_rate_text;   // both as given, for the report
    std::uint32_t udp_payload = 0;          // UDP's payload bytes, as iperf3 --length (0: 1400)
    traffic::PacingSpec pacing;
    std::string pattern_text = "continuous";
    double duration_s = -1;  // -1: the default for the role
    std::uint64_t count = 0;
    std::uint32_t flows = 0;
    std::uint32_t associations = 0;  // real SCTP associations, one per flow (0: stateless DATA)
    std::uint32_t connections = 0;   // real TCP connections, one per flow (0: stateless segments)
    double setup_timeout_s = 30;     // how long the associations or connections may take to come up
    bool closed_loop = false;        // sessions send by their windows, and resend what is lost
    bool round_trip = false;         // generator: count what a reflector sends back, on this clock
    bool reflect = false;            // sink: send stateless test packets back to their sender
    // Request/response (TCP_RR, UDP_RR): one request in flight per flow or session.
    bool request_response = false;
    std::uint32_t request_bytes = 64;   // payload of each request
    std::uint32_t response_bytes = 0;   // payload of each response (0: as the request)
    double response_timeout_s = 1;      // UDP: a request unanswered this long is lost
    bool connect_per_request = false;   // TCP_CRR: a new connection for every transaction
    std::string driver_profile;         // drivers-config profile to use ("": the port's, if any)
    std::string drivers_config;         // where the profiles are ("": the installed ones)
    proto::MacAddress src_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
    proto::MacAddress dst_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
    bool src_mac_given = false;
    bool dst_mac_given = false;  // else the generator resolves its next hop (ARP, neighbour discovery)
    std::optional<proto::IpAddress> gateway;  // the next hop to resolve when the destination is not on the link
    std::string src_ip = "198.18.0.1";
    std::string dst_ip = "198.19.0.1";
    std::string src_port = "1024";
    std::string dst_port = "5201";
    std::vector<std::uint16_t> vlans;  // outer first; two means QinQ
    std::uint8_t ttl = 64;
    std::uint32_t sctp_ppid = 0;
    // --proto dns: the names queried in turn, their type, the server's port, and how long
    // an answer may take before its query counts as timed out.
    std::vector<std::string> dns_names;
    std::uint16_t dns_type = 1;  // A
    std::uint16_t dns_port = 53;
    double dns_timeout_s = 1;
    // --proto raw: the EtherType, and the bytes filling each frame after the test header.
    std::uint16_t ether_type = 0x88b5;
    std::vector<std::uint8_t> payload_pattern;
    bool tx_checksum_offload = true;
    std::uint32_t bad_checksum_every = 0;  // spoil every Nth packet's L4 checksum (0: none)

    // Throughput search (`trafficgen search`).
    SearchOptions search;

    // Sink.
    sink::SinkConfig sink;
    double idle_timeout_s = 0;

    // Output.
    std::string json_path;
    std::string timeline_path;
    double stats_interval_s = 1;
    bool json_lines = false;
    unsigned repeat = 1;  // whole runs (or searches), each figure then with min, median and max
    bool quiet = false;

    std::vector<std::string> command_line;
};

// Parses argv; throws ConfigError for values it cannot use. Returns nothing when --help
// or --version was asked (already printed).
[[nodiscard]] std::optional<Options> parse_options(int argc, char** argv);

// 0 parsed, or the exit code CLI11 chose for a parse failure, with its message printed.
// Whether the run sends protocol `p`, rotated or in the mix.
[[nodiscard]] bool sends(const Options& o, traffic::Protocol p);

inline constexpr int exit_bad_input = 2;
inline constexpr int exit_dataplane = 3;
inline constexpr int exit_output = 4;
inline constexpr int exit_path_failed = 5;  // the path under test failed it: sessions never came up, requests never answered

}  // namespace tg::app
