// Ground truth from outside trafficgen: the kernel's interface, nftables, qdisc and SNMP
// counters, and tshark's reading of a capture. Each reader fails the calling test with
// the tool's own words when the tool fails.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tg::e2e {

struct LinkCounters {
    std::uint64_t rx_packets = 0;
    std::uint64_t tx_packets = 0;
    std::uint64_t rx_dropped = 0;
    std::uint64_t tx_dropped = 0;
};

// `ip -s -j link show` in a namespace.
LinkCounters link_counters(const std::string& ns, const std::string& ifname);

// Loads an nftables ruleset (nft -f) into a namespace.
void nft_load(const std::string& ns, const std::string& ruleset);

// The packet counter of the rule carrying `comment` in that table (nft -j list table).
std::uint64_t nft_counter(const std::string& ns, const std::string& family, const std::string& table,
                          const std::string& comment);

// The packets of a named counter object (nft -j list counter).
std::uint64_t nft_named_counter(const std::string& ns, const std::string& family, const std::string& table,
                                const std::string& name);

// One nft command in a namespace (`nft add rule ...`, `nft flush chain ...`); throws with nft's words if it fails.
void nft(const std::string& ns, const std::vector<std::string>& words);

struct QdiscCounters {
    std::uint64_t packets = 0;
    std::uint64_t drops = 0;
};

// The root qdisc of an interface (tc -s -j qdisc show).
QdiscCounters root_qdisc(const std::string& ns, const std::string& ifname);

// The kernel's SNMP counters of a namespace (nstat -a), such as UdpInCsumErrors.
std::map<std::string, std::uint64_t> snmp_counters(const std::string& ns);

// tshark's verdict on every IPv4, UDP, TCP and SCTP (CRC32c) checksum in a capture.
struct ChecksumVerdicts {
    std::uint64_t frames = 0;
    std::map<std::string, std::uint64_t> good;  // per protocol: "ip", "udp", "tcp", "sctp"
    std::map<std::string, std::uint64_t> bad;
    std::map<std::string, std::uint64_t> unverified;  // present, not checked (should stay 0)
};
// Every frame of the capture but the hosts' presence (ARP, ICMP, ICMPv6: resolving
// addresses, announcing them, ping), which tshark_count() can count on its own.
ChecksumVerdicts tshark_checksums(const std::string& pcap);
extern const char* const presence_excluded;

// The frames of a capture that tshark's display filter `filter` matches.
std::uint64_t tshark_count(const std::string& pcap, const std::string& filter);
// One field of the frames a filter matches, as tshark prints it, one line per frame.
std::vector<std::string> tshark_field(const std::string& pcap, const std::string& filter, const std::string& field);

// Headless Chromium on a page: the DOM it rendered (empty, with a test failure, when it
// could not run).
std::string rendered_dom(const std::string& html_path);
// A screenshot of the page, `size` as "WIDTHxHEIGHT", kept after the test as
// TG_ARTIFACTS/`name` and named on the output; its size in bytes (0 when none was made).
std::uint64_t keep_screenshot(const std::string& html_path, const std::string& name, const std::string& size);

}  // namespace tg::e2e
