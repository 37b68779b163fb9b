// What a sink does with each frame, independent of where frames come from (a DPDK port,
// a pcap): validate checksums, recognise test packets by their header, and keep counts per
// flow and per SCTP stream. One SinkCore per lcore; it allocates only when constructed.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "proto/reflect.hpp"
#include "sink/counts_board.hpp"
#include "sink/live_counters.hpp"
#include "sink/sctp_responder.hpp"
#include "sink/tcp_responder.hpp"
#include "sink/udp_answers.hpp"

#include "stats/gap_tracker.hpp"
#include "stats/jitter.hpp"
#include "stats/latency_histogram.hpp"
#include "stats/sequence_tracker.hpp"
#include "traffic/dns_clock.hpp"
#include "traffic/presence.hpp"
#include "traffic/protocol.hpp"

namespace tg::sink {

// What the NIC said about a checksum, where it says anything.
enum class NicChecksum : std::uint8_t { unknown, good, bad };

struct RxMeta {
    std::uint64_t rx_ns = 0;
    NicChecksum ip = NicChecksum::unknown;
    NicChecksum l4 = NicChecksum::unknown;
};

struct SinkConfig {
    std::uint32_t max_streams = 16384;  // distinct (protocol, flow, stream) keys tracked
    bool shared_clock = false;          // latency is valid only when sender and sink share a clock
    std::uint32_t timeline_packets = 0; // arrivals to record one by one (0: none)
    // Interruptions: gaps between a stream's arrivals of at least this that the path made
    // (stats/gap_tracker.hpp); each stream keeps its longest, and the first `gap_log` of
    // them all are listed one by one.
    std::uint64_t gap_threshold_ns = 10'000'000;
    std::uint32_t gap_log = 1000;
    bool sctp_server = true;            // answer SCTP associations (INIT, COOKIE ECHO, ...)
    proto::SctpTimers sctp_timers{};
    bool tcp_server = true;             // answer TCP connections (SYN, data, FIN)
    bool udp_answers = true;            // answer UDP requests (proto/request.hpp) and count requests (proto/counts.hpp)
    // What count requests are answered with: every receive core's counts. Null: this
    // core's own, with sink id 0.
    const CountsBoard* counts_board = nullptr;
    proto::TcpTimers tcp_timers{};
    // The host's own addresses (`trafficgen sink --ip`): ARP, neighbour solicitations and
    // echo requests for them are answered from `mac`; none: nothing is answered.
    traffic::OwnedAddresses addresses{};
    proto::MacAddress mac{};
    bool announce = false;  // announce the addresses at start (one core of the port does)
    // The generator's own count of what came back to it: ICMP echo replies, ARP replies
    // and DNS responses. A sink counts the requests instead (echo requests, ARP requests
    // that are not announcements, DNS queries).
    bool count_answers = false;
    // DNS responses are matched to their queries through it (count_answers only): the
    // latency is the time from query to response, and one later than `dns_timeout_ns` is
    // a timeout, counted as late rather than answered.
    traffic::DnsQueryClock* dns_clock = nullptr;
    std::uint64_t dns_timeout_ns = 1'000'000'000;
};

// One test packet's arrival, for --timeline.
struct Arrival {
    std::uint64_t rx_ns = 0;
    std::uint64_t tx_ns = 0;  // the sender's stamp (its clock: comparable with rx_ns only when shared)
    std::uint32_t flow_id = 0;
    std::uint32_t seq = 0;
    std::uint16_t stream_id = 0;
    std::uint16_t wire_bytes = 0;
    traffic::Protocol protocol = traffic::Protocol::udp;
};

struct ProtocolTotals {
    std::uint64_t packets = 0;        // test packets
    std::uint64_t bytes = 0;          // their L2 bytes, FCS included
    std::uint64_t payload_bytes = 0;  // UDP/TCP data, SCTP user data
    std::uint64_t bad_ip_checksum = 0;
    std::uint64_t bad_l4_checksum = 0;
    // The streams' missing sequence numbers (expected - unique), summed as arrivals come:
    // what is lost so far.
    std::uint64_t missing = 0;
    stats::LatencyHistogram latency;
    // ARP and DNS, which have no streams: when the first and the last arrived (0: none).
    std::uint64_t first_rx_ns = 0;
    std::uint64_t last_rx_ns = 0;
};

struct StreamStats {
    traffic::Protocol protocol = traffic::Protocol::udp;
    std::uint32_t flow_id = 0;
    std::uint16_t stream_id = 0;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t first_rx_ns = 0;
    std::uint64_t last_rx_ns = 0;
    stats::SequenceTracker sequence;
    stats::Jitter jitter;
    stats::GapTracker gaps;
};

// One interruption of one stream, for the list of them.
struct Interruption {
    traffic::Protocol protocol = traffic::Protocol::udp;
    std::uint32_t flow_id = 0;
    std::uint16_t stream_id = 0;
    stats::Gap gap;
};

// DNS responses, matched to the generator's queries by ID and port.
struct DnsTally {
    std::array<std::uint64_t, 16> rcodes{};  // in time, by the header's RCODE
    std::uint64_t answered = 0;              // in time
    std::uint64_t late = 0;                  // after the timeout: the query had timed out
    std::uint64_t unmatched = 0;             // no query of ours waiting: duplicates, strays
    std::uint64_t truncated = 0;             // TC set: the answer did not fit UDP
    std::uint64_t with_answers = 0;          // in time, with at least one answer record
};

struct SinkTotals {
    std::array<ProtocolTotals, traffic::protocol_count> protocols{};  // indexed by traffic::Protocol
    std::uint64_t frames = 0;
    std::uint64_t non_test = 0;       // well-formed, but not our traffic
    std::uint64_t malformed = 0;      // could not be parsed
    std::uint64_t untracked = 0;      // test packets past max_streams
    std::uint64_t negative_latency = 0;  // tx time after rx time: the clocks are not shared
    std::uint64_t presence = 0;          // ARP, neighbour discovery and ICMP echo, for the host's presence
    DnsTally dns;
};

class SinkCore {
public:
    explicit SinkCore(const SinkConfig& config);

    // Counts one frame. True when it is stateless test traffic (a test packet that no
    // SCTP or TCP responder took, and no UDP request, which is answered instead), which a
    // reflector may send back; `shape`, if given,
    // then says where its layers are.
    bool process(std::span<const std::uint8_t> frame, const RxMeta& meta, proto::FrameShape* shape = nullptr) noexcept;

    // Publishes what changed since the last call to `live()`, for a reader on another
    // thread; the lcore calls it after each burst. The live counters are the one part of a
    // core another thread may touch while it runs.
    void publish() noexcept;
    [[nodiscard]] LiveCounters& live() const noexcept { return *live_; }

    [[nodiscard]] const SinkTotals& totals() const noexcept { return totals_; }
    [[nodiscard]] const SinkConfig& config() const noexcept { return config_; }
    [[nodiscard]] const std::vector<Arrival>& timeline() const noexcept { return timeline_; }
    // The first `gap_log` interruptions, in the order they ended, and how many more there were.
    [[nodiscard]] const std::vector<Interruption>& interruptions() const noexcept { return interruptions_; }
    [[nodiscard]] std::uint64_t interruptions_not_listed() const noexcept { return interruptions_not_listed_; }
    // The SCTP server, when the sink answers associations; null otherwise.
    [[nodiscard]] SctpResponder* sctp() noexcept { return sctp_.get(); }
    [[nodiscard]] const SctpResponder* sctp() const noexcept { return sctp_.get(); }
    // The TCP listener, when the sink answers connections; null otherwise.
    [[nodiscard]] const TcpResponder* tcp() const noexcept { return tcp_.get(); }
    // The answers to UDP requests and count requests, when the sink gives them; null otherwise.
    [[nodiscard]] const UdpAnswers* udp_answers() const noexcept { return udp_.get(); }
    // The host's presence (ARP, neighbour discovery, echo), when it has addresses; null otherwise.
    [[nodiscard]] const traffic::HostPresence* presence() const noexcept { return presence_.get(); }

    // The responders' answers: when they next have work, their timers, and the next
    // answer as a frame in `out` (its length, or 0 when there is none).
    [[nodiscard]] std::uint64_t next_answer_ms() const noexcept;
    void tick_answers(std::uint64_t now_ms);
    std::size_t next_answer(std::span<std::uint8_t> out);
    // Every (protocol, flow, stream) seen, in no particular order.
    template <typename F>
    void for_each_stream(F&& f) const {
        for (const auto& slot : slots_) {
            if (slot.used) f(slot.stats);
        }
    }

private:
    struct Slot {
        bool used = false;
        std::uint64_t key = 0;
        StreamStats stats;
    };

    StreamStats* find(traffic::Protocol p, std::uint32_t flow, std::uint16_t stream) noexcept;
    // False when the payload does not start with a test header.
    bool count_test_packet(traffic::Protocol p, std::span<const std::uint8_t> payload, std::uint32_t wire_bytes,
                           std::uint32_t payload_bytes, const RxMeta& meta) noexcept;
    // ARP and ICMP echo: counted as traffic when they are the kind this side counts
    // (requests at a sink, answers at the generator). True when counted.
    bool count_arp(const proto::PacketView& v, std::uint32_t wire_bytes, std::uint64_t rx_ns) noexcept;
    bool count_echo(const proto::PacketView& v, std::uint32_t wire_bytes, const RxMeta& meta) noexcept;
    // A DNS message to or from port 53 that carries no test header; true when counted.
    bool count_dns(const proto::PacketView& v, std::uint32_t wire_bytes, const RxMeta& meta) noexcept;

    SinkConfig config_;
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    std::size_t used_ = 0;
    SinkTotals totals_;
    std::vector<Arrival> timeline_;  // reserved up front: recording never allocates
    std::vector<Interruption> interruptions_;  // likewise
    std::uint64_t interruptions_not_listed_ = 0;
    // What publish() has to do: the protocols counted since, and the highest jitter
    // estimate of each one's streams since.
    std::uint32_t dirty_ = 0;
    std::array<std::uint64_t, traffic::protocol_count> jitter_peak_ns_{};
    std::unique_ptr<LiveCounters> live_ = std::make_unique<LiveCounters>();
    CountsBoard own_board_;  // this core alone, when the config gives no board
    std::unique_ptr<SctpResponder> sctp_;
    std::unique_ptr<TcpResponder> tcp_;
    std::unique_ptr<UdpAnswers> udp_;
    std::unique_ptr<traffic::HostPresence> presence_;
};

}  // namespace tg::sink
