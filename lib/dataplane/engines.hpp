// The per-lcore engines. Each owns one queue of one port and its own state and counters;
// the control thread starts them, reads their counters, and stops them through a flag.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/clock.hpp"
#include "sink/sink_core.hpp"
#include "traffic/dns_clock.hpp"
#include "traffic/pacer.hpp"
#include "traffic/packet_sequencer.hpp"

struct rte_mbuf;
struct rte_mempool;
struct rte_ring;

namespace tg::dataplane {

inline constexpr std::uint16_t burst_size = 32;

// Written by one lcore, read by the control thread: plain loads and stores, no locks.
struct alignas(64) TxCounters {
    std::atomic<std::uint64_t> packets{0};
    std::atomic<std::uint64_t> bytes{0};          // L2, FCS included
    std::atomic<std::uint64_t> payload_bytes{0};
    std::atomic<std::uint64_t> no_mbuf{0};
    std::array<std::atomic<std::uint64_t>, traffic::protocol_count> per_protocol{};
    std::array<std::atomic<std::uint64_t>, traffic::protocol_count> per_protocol_bytes{};  // L2, FCS included
    std::array<std::atomic<std::uint64_t>, traffic::protocol_count> bad_l4_checksum{};  // sent spoiled, per protocol
    std::atomic<std::uint64_t> control{0};                        // control frames sent for the control thread
    std::atomic<std::uint64_t> control_dropped{0};                // ... that the port did not take
    std::atomic<std::uint64_t> control_bytes{0};                  // ... sent, L2 with FCS
    std::atomic<std::uint64_t> control_in{0};                     // frames received for the control thread
    std::atomic<std::uint64_t> control_in_bytes{0};               // ... L2 with FCS
    std::atomic<std::uint64_t> control_in_dropped{0};             // ... that found its ring full
    std::atomic<std::uint64_t> returned{0};                       // frames received back (round trip)
};

// The mbuf fields a template's packets carry, set on every mbuf taken from its pool.
struct MbufShape {
    std::uint64_t rearm = 0;  // data_off, refcnt, nb_segs, port, as one word
    std::uint64_t ol_flags = 0;
    std::uint64_t tx_offload = 0;
    std::uint32_t length = 0;
};

struct TxEngineConfig {
    std::uint16_t port = 0;
    std::uint16_t queue = 0;
    const traffic::TemplateSet* templates = nullptr;
    std::vector<rte_mempool*> pools;  // one per template
    std::vector<bool> offload;        // per template: the port computes its checksums
    const traffic::FlowSet* flows = nullptr;
    std::uint16_t streams = 1;
    std::uint32_t first_flow = 0;
    std::uint32_t flow_step = 1;
    traffic::PacingSpec pacing;                  // for the first protocol, or the mix
    std::array<double, traffic::protocol_count> protocol_pps{};  // rotating protocols: each one's rate (0: unlimited)
    std::uint64_t count = 0;                     // 0: until stopped
    std::uint32_t bad_checksum_every = 0;        // spoil every Nth packet's L4 checksum (0: none)
    std::vector<traffic::Protocol> mix;          // per-packet protocol cycle, or empty
    // Rotation (no mix): the protocols in turn, each for `rotation_period_s` from the
    // engine's start, on the engine's own clock: a late control thread cannot shorten or
    // skip one. One protocol: it alone.
    std::vector<traffic::Protocol> rotation;
    double rotation_period_s = 0;
    // Control frames (SCTP answers) the control thread hands this engine to send on its
    // queue, which it alone may use; null for none.
    rte_ring* control = nullptr;
    // Frames received on this engine's queue, handed to the control thread (which frees
    // them); with `control` only. The engine reads its queue itself: af_xdp loses frames
    // when two threads share a queue pair.
    rte_ring* inbound = nullptr;
    // Only ARP, neighbour discovery and echo go into `inbound` (traffic::wants_presence);
    // other frames are freed here. For runs with no sessions.
    bool inbound_presence_only = false;
    // While set, the engine sends no data, only control frames, and its pacing starts
    // over when it is cleared (the SCTP set-up before the data, the SHUTDOWN after it).
    const std::atomic<bool>* hold = nullptr;
    // Round trip: the engine also receives on its queue what a reflector sent back and
    // counts it with its own clock (`returns`: that count's settings), so the latency is
    // the round trip between hosts that share no clock. It keeps receiving after its
    // last packet, until stopped.
    bool round_trip = false;
    // ICMP echo, ARP or DNS in the run: the engine receives their answers on its queue
    // and counts them on its own clock as a round trip does (`returns`, with
    // count_answers), ARP requests and pings for this host still going to `inbound`.
    bool answers = false;
    sink::SinkConfig returns;
    // DNS: where each query's send time goes, for the engine that receives its answer.
    traffic::DnsQueryClock* dns_clock = nullptr;
    const std::atomic<bool>* stop = nullptr;
    Clock clock;
};

class TxEngine {
public:
    explicit TxEngine(TxEngineConfig config);
    // The lcore's loop; returns when stopped or when `count` packets went out.
    int run() noexcept;
    // The same loop with `beside()` called once a turn (PairedEngines: a sink's poll).
    template <typename Beside>
    int run_beside(Beside&& beside) noexcept;
    [[nodiscard]] const TxCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const traffic::PacketSequencer& sequencer() const noexcept { return sequencer_; }
    // Round trip: what came back, counted on this lcore; null otherwise. Read only after
    // the engine has stopped.
    [[nodiscard]] const sink::SinkCore* returns() const noexcept { return returns_.get(); }
    // Before run(): binds a flow to its SCTP association (tag, first TSN).
    bool bind_sctp(std::uint32_t flow, std::uint32_t vtag, std::uint32_t first_tsn) noexcept {
        return sequencer_.bind_sctp(flow, vtag, first_tsn);
    }
    // While the engine holds its data (or before run()): only these flows go on (the
    // others' sessions never came up).
    void keep_flows(const std::vector<bool>& keep) { sequencer_.keep_flows(keep); }
    // Before run(): go on with the sequences where `previous` (an earlier trial's engine
    // for the same flows) stopped; false when it had other flows.
    bool continue_from(const TxEngine& previous) noexcept { return sequencer_.continue_from(previous.sequencer_); }
    [[nodiscard]] bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }

private:
    void spoil_due(rte_mbuf* const* burst, std::uint16_t n) noexcept;

    void receive_returns() noexcept;
    void receive_inbound() noexcept;
    void hand_inbound(rte_mbuf* m) noexcept;

    TxEngineConfig c_;
    std::unique_ptr<sink::SinkCore> returns_;
    std::uint32_t spoil_in_ = 0;  // packets until the next spoiled one, this one included
    traffic::PacketSequencer sequencer_;
    std::vector<MbufShape> shapes_;  // per template
    TxCounters counters_;
    std::atomic<bool> finished_{false};
};

struct alignas(64) RxCounters {
    std::atomic<std::uint64_t> packets{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<std::uint64_t> replies{0};         // SCTP and TCP answers sent
    std::atomic<std::uint64_t> replies_dropped{0}; // no mbuf, or the port did not take them
    std::atomic<std::uint64_t> reflected{0};       // test packets sent back (--reflect)
    std::atomic<std::uint64_t> reflect_dropped{0}; // ... that the port did not take
};

struct RxEngineConfig {
    std::uint16_t port = 0;
    std::uint16_t queue = 0;
    // Where the sink's SCTP answers go out (its own TX queue) and their mbufs come from;
    // no pool: the sink does not answer.
    std::uint16_t tx_queue = 0;
    rte_mempool* reply_pool = nullptr;
    // A reflector: stateless test packets go back to their sender on `tx_queue`, the
    // received mbuf itself with addresses and ports swapped.
    bool reflect = false;
    sink::SinkConfig sink;
    const std::atomic<bool>* stop = nullptr;
    Clock clock;
};

class RxEngine {
public:
    explicit RxEngine(RxEngineConfig config);
    int run() noexcept;
    // One receive burst and what it calls for; false when nothing arrived.
    bool poll() noexcept;
    [[nodiscard]] const RxCounters& counters() const noexcept { return counters_; }
    // Read only after the engine has stopped.
    [[nodiscard]] const sink::SinkCore& core() const noexcept { return *core_; }

private:
    void answer(std::uint64_t now_ms) noexcept;

    RxEngineConfig c_;
    std::unique_ptr<sink::SinkCore> core_;
    RxCounters counters_;
    std::vector<std::uint8_t> scratch_;  // for frames that span several mbufs
};

// A generator and a sink on one lcore, each turn a transmit burst then a receive burst,
// as testpmd's io forwarding does: a loopback on two CPUs leaves the control thread a CPU
// of its own (two engines time-sharing one CPU carried 130 kpps where each alone carries
// millions). The sink goes on receiving after the generator has ended, until stopped.
class PairedEngines {
public:
    PairedEngines(TxEngine& tx, RxEngine& rx) noexcept : tx_(tx), rx_(rx) {}
    int run() noexcept;

private:
    TxEngine& tx_;
    RxEngine& rx_;
};

}  // namespace tg::dataplane
