#include "dataplane/engines.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "dataplane/dataplane_error.hpp"
#include "proto/reflect.hpp"
#include "proto/test_header.hpp"
#include "traffic/presence.hpp"
#include "traffic/spoil.hpp"

namespace tg::dataplane {

namespace {

void add(std::atomic<std::uint64_t>& counter, std::uint64_t n) noexcept {
    // One writer: a plain load and store, no locked instruction.
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

sink::NicChecksum nic_flag(std::uint64_t flags, std::uint64_t mask, std::uint64_t good, std::uint64_t bad) noexcept {
    const std::uint64_t v = flags & mask;
    if (v == good) return sink::NicChecksum::good;
    if (v == bad) return sink::NicChecksum::bad;
    return sink::NicChecksum::unknown;
}

// The mbuf fields a NIC needs to compute a template's checksums.
void set_tx_offload(rte_mbuf* m, const traffic::FrameTemplate& t) noexcept {
    const traffic::Protocol p = t.spec().protocol;
    m->tx_offload = rte_mbuf_tx_offload(t.l2_length(), t.l3_length(), 0, 0, 0, 0, 0);
    m->ol_flags = (t.spec().ipv6 ? RTE_MBUF_F_TX_IPV6 : (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM)) |
                  (p == traffic::Protocol::udp   ? RTE_MBUF_F_TX_UDP_CKSUM
                   : p == traffic::Protocol::tcp ? RTE_MBUF_F_TX_TCP_CKSUM
                                                 : RTE_MBUF_F_TX_SCTP_CKSUM);
}

// What a burst's packets share besides their template: the transmit time, and where a
// DNS query's send time goes.
struct BurstTime {
    proto::TestHeaderTime header;
    std::uint64_t ns = 0;
    traffic::DnsQueryClock* dns = nullptr;
};

// A DNS query's send time, under its ID and the flow's source port.
inline void note_dns_query(const BurstTime& time, const traffic::FlowLane& lane, std::uint16_t id) noexcept {
    if (time.dns == nullptr) return;
    time.dns->sent(id, proto::load_be16(reinterpret_cast<const std::uint8_t*>(&lane.ports_wire)), time.ns);
}

// A burst of one template: protocol and offload are known at compile time, so the
// per-packet work is the lane's sequence fields, the mbuf's length fields and the stamp,
// with no switch left in the loop. The mbufs come raw from their pool (the template's
// frame is already in them, and a freed mbuf keeps refcnt 1, one segment and no next);
// the fields a PMD reads are set here. With Tail, the burst holds packets that are the
// last of their sequence in a counted run, and those carry the "last" flag.
template <traffic::Protocol P, bool Offload, bool Tail>
[[gnu::always_inline]] inline void build_uniform(traffic::PacketSequencer& seq, const traffic::FrameTemplate& t, const MbufShape& shape,
                   rte_mbuf** burst, std::uint16_t n, const BurstTime& time, std::uint64_t remaining) noexcept {
    const traffic::FrameStamper<P, Offload> stamp(t, time.header);
    const std::uint32_t payload = t.payload_bytes();
    [[maybe_unused]] const std::uint64_t keys = seq.keys(P);
    for (std::uint16_t i = 0; i < n; ++i) {
        rte_mbuf* m = burst[i];
        std::memcpy(&m->rearm_data, &shape.rearm, sizeof shape.rearm);
        m->ol_flags = shape.ol_flags;
        m->pkt_len = shape.length;
        m->data_len = static_cast<std::uint16_t>(shape.length);
        if constexpr (Offload) m->tx_offload = shape.tx_offload;
        traffic::PacketVars v;
        const traffic::FlowLane& lane = seq.take<P>(v, payload);
        if constexpr (Tail) {
            // Round robin: the last packets of a counted run are each the last of their sequence.
            if (remaining - i <= keys) v.flags = proto::test_flag::last;
        }
        stamp(rte_pktmbuf_mtod(m, std::uint8_t*), lane, v);
        if constexpr (P == traffic::Protocol::dns) note_dns_query(time, lane, static_cast<std::uint16_t>(v.l4_seq));
    }
}

// One function per protocol, called once per burst: whatever the number of protocols,
// the compiler lays out each burst loop the same way (with all of them inlined into the
// engine's loop, or some, SCTP and TCP at 64 bytes lost 5 to 8% on net_null).
template <traffic::Protocol P>
[[gnu::noinline]] void build_uniform(bool offload, traffic::PacketSequencer& seq, const traffic::FrameTemplate& t,
                   const MbufShape& shape, rte_mbuf** burst, std::uint16_t n, const BurstTime& time,
                   std::uint64_t remaining) noexcept {
    const bool tail = remaining - n < seq.keys(P);
    if constexpr (!traffic::is_transport(P)) offload = false;  // nothing for a NIC to compute
    if (offload) {
        if (tail) build_uniform<P, true, true>(seq, t, shape, burst, n, time, remaining);
        else build_uniform<P, true, false>(seq, t, shape, burst, n, time, remaining);
    } else {
        if (tail) build_uniform<P, false, true>(seq, t, shape, burst, n, time, remaining);
        else build_uniform<P, false, false>(seq, t, shape, burst, n, time, remaining);
    }
}

}  // namespace

TxEngine::TxEngine(TxEngineConfig config)
    : c_(std::move(config)),
      spoil_in_(c_.bad_checksum_every),
      sequencer_(*c_.templates, *c_.flows, c_.streams, c_.first_flow, c_.flow_step) {
    if (c_.round_trip || c_.answers) returns_ = std::make_unique<sink::SinkCore>(c_.returns);
    // The fields of a fresh mbuf a burst sets again on each one it takes raw from its pool.
    for (std::size_t i = 0; i < c_.pools.size(); ++i) {
        const traffic::FrameTemplate& t = *c_.templates->templates[i];
        MbufShape shape;
        rte_mbuf* m = rte_pktmbuf_alloc(c_.pools[i]);
        if (m == nullptr) throw DataplaneError("the packet pool of template " + std::to_string(i) + " is empty at start");
        std::memcpy(&shape.rearm, &m->rearm_data, sizeof shape.rearm);
        if (c_.offload[i]) set_tx_offload(m, t);
        shape.ol_flags = m->ol_flags;
        shape.tx_offload = m->tx_offload;
        rte_pktmbuf_free(m);
        shape.length = static_cast<std::uint32_t>(t.bytes().size());
        shapes_.push_back(shape);
    }
}

// Every Nth packet of this lcore goes out with a wrong transport checksum. The frames are
// parsed only to find the field, and only the spoiled ones.
void TxEngine::spoil_due(rte_mbuf* const* burst, std::uint16_t n) noexcept {
    std::uint32_t at = spoil_in_ - 1;
    for (; at < n; at += c_.bad_checksum_every) {
        rte_mbuf* m = burst[at];
        const auto p = traffic::spoil_l4_checksum({rte_pktmbuf_mtod(m, std::uint8_t*), m->data_len});
        if (p) add(counters_.bad_l4_checksum[static_cast<std::size_t>(*p)], 1);
    }
    spoil_in_ = at - n + 1;
}

void TxEngine::receive_returns() noexcept {
    rte_mbuf* in[burst_size];
    const std::uint16_t n = rte_eth_rx_burst(c_.port, c_.queue, in, burst_size);
    if (n == 0) return;
    const sink::RxMeta meta{c_.clock.ns(rte_rdtsc())};
    std::uint16_t returned = 0;
    for (std::uint16_t i = 0; i < n; ++i) {
        const std::span<const std::uint8_t> frame{rte_pktmbuf_mtod(in[i], const std::uint8_t*), in[i]->data_len};
        // ARP, neighbour discovery and ping are for the control thread's presence; the
        // answers to --proto icmp and arp are counted here.
        if (c_.inbound != nullptr && traffic::wants_presence(frame) && !(c_.answers && traffic::is_echo_or_arp_reply(frame))) {
            hand_inbound(in[i]);
            in[i] = nullptr;
            continue;
        }
        returns_->process(frame, meta);
        ++returned;
    }
    returns_->publish();
    rte_pktmbuf_free_bulk(in, n);
    add(counters_.returned, returned);
}

void TxEngine::hand_inbound(rte_mbuf* m) noexcept {
    add(counters_.control_in, 1);
    add(counters_.control_in_bytes, m->pkt_len + 4ull);
    if (rte_ring_sp_enqueue(c_.inbound, m) != 0) {
        add(counters_.control_in_dropped, 1);
        rte_pktmbuf_free(m);
    }
}

void TxEngine::receive_inbound() noexcept {
    rte_mbuf* in[burst_size];
    const std::uint16_t n = rte_eth_rx_burst(c_.port, c_.queue, in, burst_size);
    if (n == 0) return;
    if (c_.inbound_presence_only) {
        // The rest is no one's here: the port's own RX counters have it.
        std::uint16_t other = 0;
        for (std::uint16_t i = 0; i < n; ++i) {
            if (traffic::wants_presence({rte_pktmbuf_mtod(in[i], const std::uint8_t*), in[i]->data_len})) {
                hand_inbound(in[i]);
            } else {
                in[other++] = in[i];
            }
        }
        if (other > 0) rte_pktmbuf_free_bulk(in, other);
        return;
    }
    std::uint64_t bytes = 0;
    for (std::uint16_t i = 0; i < n; ++i) bytes += in[i]->pkt_len + 4;
    add(counters_.control_in, n);
    add(counters_.control_in_bytes, bytes);
    const unsigned queued = rte_ring_sp_enqueue_burst(c_.inbound, reinterpret_cast<void**>(in), n, nullptr);
    if (queued < n) {
        add(counters_.control_in_dropped, n - queued);
        rte_pktmbuf_free_bulk(in + queued, n - queued);
    }
}

int TxEngine::run() noexcept {
    return run_beside([] {});
}

template <typename Beside>
int TxEngine::run_beside(Beside&& beside) noexcept {
    rte_mbuf* burst[burst_size];
    std::uint16_t burst_template[burst_size];  // each packet's template, for what the port never takes at stop
    std::uint16_t pending = 0, pending_at = 0;
    std::size_t mix_pos = 0;
    traffic::Pacer pacer(c_.pacing, c_.clock.tsc_hz, rte_rdtsc());
    // Rotating protocols: each has its own rate (a bit rate is a different packet rate
    // for each frame size, and UDP has a default rate the others lack), so the schedule
    // starts over when the protocol changes.
    // The rotation's schedule: protocol k from start + k periods, on this lcore's TSC.
    const std::uint64_t rotation_start = rte_rdtsc();
    const auto period = static_cast<std::uint64_t>(c_.rotation_period_s * double(c_.clock.tsc_hz));
    std::uint64_t next_turn = c_.rotation.size() > 1 && period > 0 ? rotation_start + period : ~std::uint64_t{0};
    traffic::Protocol rotating = c_.mix.empty() ? c_.rotation.front() : c_.mix.front();
    auto paced = rotating;
    std::uint64_t remaining = c_.count == 0 ? ~std::uint64_t{0} : c_.count;
    bool held = false;
    std::uint32_t rx_turn = 0;
    if (sequencer_.flows_here() == 0) remaining = 0;  // no flow of its own: nothing to send

    while (!c_.stop->load(std::memory_order_relaxed)) {
        beside();
        if (c_.control != nullptr && !rte_ring_empty(c_.control)) {
            rte_mbuf* ctl[burst_size];
            const unsigned n = rte_ring_sc_dequeue_burst(c_.control, reinterpret_cast<void**>(ctl), burst_size, nullptr);
            std::uint64_t bytes = 0;
            for (unsigned i = 0; i < n; ++i) bytes += ctl[i]->pkt_len + 4;
            const std::uint16_t sent = rte_eth_tx_burst(c_.port, c_.queue, ctl, static_cast<std::uint16_t>(n));
            if (sent < n) {
                for (unsigned i = sent; i < n; ++i) bytes -= ctl[i]->pkt_len + 4;
                rte_pktmbuf_free_bulk(ctl + sent, n - sent);
            }
            add(counters_.control_bytes, bytes);
            add(counters_.control, sent);
            add(counters_.control_dropped, n - sent);
        }
        if (returns_) {
            receive_returns();
        } else if (c_.inbound != nullptr && (!c_.inbound_presence_only || (++rx_turn & 255) == 0)) {
            // Sessions: every turn. Presence alone (ARP, ping): every 256th turn, some
            // microseconds at full rate, is soon enough and costs the burst loop nothing
            // measurable (every 8th turn cost 16% at 64 bytes on net_null, whose RX is never empty).
            receive_inbound();
        }
        if (pending > 0) {
            // The port was full: offer the rest of the last burst again before building more.
            const std::uint16_t sent = rte_eth_tx_burst(c_.port, c_.queue, burst + pending_at, pending);
            pending_at = static_cast<std::uint16_t>(pending_at + sent);
            pending = static_cast<std::uint16_t>(pending - sent);
            continue;
        }
        if (c_.hold != nullptr && c_.hold->load(std::memory_order_acquire)) {
            held = true;
            rte_pause();
            continue;
        }
        if (remaining == 0) {
            finished_.store(true, std::memory_order_release);
            if (c_.control == nullptr && !returns_) break;
            rte_pause();  // the control frames or the returns still need this queue
            continue;
        }
        const std::uint64_t now = rte_rdtsc();
        if (held) {
            // The data starts (again) now: no catching up on the time it was held.
            held = false;
            if (sequencer_.flows_here() == 0) remaining = 0;  // none of its flows' sessions came up
            traffic::PacingSpec spec = c_.pacing;
            if (c_.mix.empty()) spec.pps = c_.protocol_pps[static_cast<std::size_t>(paced)];
            pacer = traffic::Pacer(spec, c_.clock.tsc_hz, now);
        }
        if (now >= next_turn) {
            const std::uint64_t turn = (now - rotation_start) / period;
            rotating = c_.rotation[turn % c_.rotation.size()];
            next_turn = rotation_start + (turn + 1) * period;
        }
        if (c_.mix.empty() && rotating != paced) {
            paced = rotating;
            traffic::PacingSpec spec = c_.pacing;
            spec.pps = c_.protocol_pps[static_cast<std::size_t>(rotating)];
            pacer = traffic::Pacer(spec, c_.clock.tsc_hz, now);
        }
        const std::uint32_t due = pacer.due(now, static_cast<std::uint32_t>(std::min<std::uint64_t>(burst_size, remaining)));
        if (due == 0) {
            rte_pause();
            continue;
        }
        const std::uint64_t now_ns = c_.clock.ns(now);
        const BurstTime time{proto::test_header_time(now_ns), now_ns, c_.dns_clock};
        std::uint16_t built = 0;
        std::uint64_t bytes = 0, payload = 0;
        std::array<std::uint64_t, traffic::protocol_count> per_protocol{}, per_protocol_bytes{};
        // One template for the whole burst (one protocol, one size): take its mbufs in one
        // go and build them in a loop made for that protocol.
        const auto& cycle = c_.templates->cycle[static_cast<std::size_t>(rotating)];
        if (c_.mix.empty() && cycle.size() == 1) {
            if (rte_mempool_get_bulk(c_.pools[cycle[0]], reinterpret_cast<void**>(burst), due) != 0) {
                add(counters_.no_mbuf, 1);
                continue;
            }
            const traffic::FrameTemplate& t = *c_.templates->templates[cycle[0]];
            const auto n = static_cast<std::uint16_t>(due);
            const bool off = c_.offload[cycle[0]];
            const MbufShape& shape = shapes_[cycle[0]];
            switch (rotating) {
                case traffic::Protocol::udp:
                    build_uniform<traffic::Protocol::udp>(off, sequencer_, t, shape, burst, n, time, remaining);
                    break;
                case traffic::Protocol::tcp:
                    build_uniform<traffic::Protocol::tcp>(off, sequencer_, t, shape, burst, n, time, remaining);
                    break;
                case traffic::Protocol::sctp:
                    build_uniform<traffic::Protocol::sctp>(off, sequencer_, t, shape, burst, n, time, remaining);
                    break;
                case traffic::Protocol::icmp:
                    build_uniform<traffic::Protocol::icmp>(off, sequencer_, t, shape, burst, n, time, remaining);
                    break;
                case traffic::Protocol::arp:
                    build_uniform<traffic::Protocol::arp>(off, sequencer_, t, shape, burst, n, time, remaining);
                    break;
                case traffic::Protocol::dns:
                    build_uniform<traffic::Protocol::dns>(off, sequencer_, t, shape, burst, n, time, remaining);
                    break;
                case traffic::Protocol::raw:
                    build_uniform<traffic::Protocol::raw>(off, sequencer_, t, shape, burst, n, time, remaining);
                    break;
            }
            std::fill_n(burst_template, n, cycle[0]);
            built = n;
            bytes = std::uint64_t{n} * t.frame_size();
            payload = std::uint64_t{n} * t.payload_bytes();
            per_protocol[static_cast<std::size_t>(rotating)] = n;
            per_protocol_bytes[static_cast<std::size_t>(rotating)] = bytes;
        }
        for (; built < due; ++built) {
            const traffic::Protocol p = c_.mix.empty() ? rotating : c_.mix[mix_pos];
            rte_mbuf* m = rte_pktmbuf_alloc(c_.pools[sequencer_.peek(p)]);
            if (m == nullptr) {
                add(counters_.no_mbuf, 1);
                break;
            }
            if (!c_.mix.empty() && ++mix_pos == c_.mix.size()) mix_pos = 0;
            const std::uint16_t ti = sequencer_.peek(p);
            const traffic::FlowLane* lane = nullptr;
            traffic::PacketVars v;
            const traffic::FrameTemplate& t = sequencer_.next(p, lane, v);
            // Round robin: the last packets of a counted run are each the last of their sequence.
            if (remaining - built <= sequencer_.keys(p)) v.flags = proto::test_flag::last;
            auto* data = rte_pktmbuf_mtod(m, std::uint8_t*);
            const auto len = static_cast<std::uint16_t>(t.bytes().size());
            m->data_len = len;
            m->pkt_len = len;
            if (c_.offload[ti]) {
                t.stamp<true>(data, *lane, v, time.header);
                set_tx_offload(m, t);
            } else {
                t.stamp<false>(data, *lane, v, time.header);
            }
            if (p == traffic::Protocol::dns) note_dns_query(time, *lane, static_cast<std::uint16_t>(v.l4_seq));
            burst[built] = m;
            burst_template[built] = ti;
            bytes += t.frame_size();
            payload += t.payload_bytes();
            ++per_protocol[static_cast<std::size_t>(p)];
            per_protocol_bytes[static_cast<std::size_t>(p)] += t.frame_size();
        }
        if (built == 0) continue;
        if (c_.bad_checksum_every != 0) spoil_due(burst, built);
        pacer.sent(built);
        remaining -= built;
        const std::uint16_t sent = rte_eth_tx_burst(c_.port, c_.queue, burst, built);
        if (sent < built) {
            pending_at = sent;
            pending = static_cast<std::uint16_t>(built - sent);
        }
        // Counted when built: a pending packet goes out on a later turn, or is freed at stop
        // and counted back below.
        add(counters_.packets, built);
        add(counters_.bytes, bytes);
        add(counters_.payload_bytes, payload);
        if (c_.mix.empty()) {
            const auto i = static_cast<std::size_t>(rotating);
            add(counters_.per_protocol[i], per_protocol[i]);
            add(counters_.per_protocol_bytes[i], per_protocol_bytes[i]);
        } else {
            for (std::size_t i = 0; i < traffic::protocol_count; ++i) {
                if (per_protocol[i] == 0) continue;
                add(counters_.per_protocol[i], per_protocol[i]);
                add(counters_.per_protocol_bytes[i], per_protocol_bytes[i]);
            }
        }
    }
    // Whatever the port never took was not sent: off every count, the protocol's, the
    // payload and the flow's and stream's too, the last built first.
    std::uint64_t unsent_bytes = 0, unsent_payload = 0;
    std::array<std::uint64_t, traffic::protocol_count> unsent{}, unsent_by_protocol{};
    for (std::uint16_t k = pending; k > 0; --k) {
        const std::uint16_t i = static_cast<std::uint16_t>(pending_at + k - 1);
        const traffic::FrameTemplate& t = *c_.templates->templates[burst_template[i]];
        const traffic::Protocol p = t.spec().protocol;
        sequencer_.untake(p, t.payload_bytes());
        unsent_bytes += t.frame_size();
        unsent_payload += t.payload_bytes();
        ++unsent[static_cast<std::size_t>(p)];
        unsent_by_protocol[static_cast<std::size_t>(p)] += t.frame_size();
        rte_pktmbuf_free(burst[i]);
    }
    if (pending > 0) {
        add(counters_.packets, ~std::uint64_t{pending} + 1);  // minus pending
        add(counters_.bytes, ~unsent_bytes + 1);
        add(counters_.payload_bytes, ~unsent_payload + 1);
        for (std::size_t i = 0; i < traffic::protocol_count; ++i) {
            add(counters_.per_protocol[i], ~unsent[i] + 1);
            add(counters_.per_protocol_bytes[i], ~unsent_by_protocol[i] + 1);
        }
    }
    finished_.store(true, std::memory_order_release);
    return 0;
}

RxEngine::RxEngine(RxEngineConfig config)
    : c_(std::move(config)), core_(std::make_unique<sink::SinkCore>(c_.sink)), scratch_(16384) {}

// The SCTP and TCP servers' answers (INIT ACK, SACK, SYN-ACK, ACK, ...) as frames on this
// lcore's TX queue. Only when something arrived for it or a timer is due: stateless traffic never
// gets here.
void RxEngine::answer(std::uint64_t now_ms) noexcept {
    if (c_.reply_pool == nullptr || now_ms < core_->next_answer_ms()) return;
    core_->tick_answers(now_ms);
    for (;;) {
        rte_mbuf* out[burst_size];
        std::uint16_t n = 0;
        while (n < burst_size) {
            rte_mbuf* m = rte_pktmbuf_alloc(c_.reply_pool);
            if (m == nullptr) {
                add(counters_.replies_dropped, 1);
                break;
            }
            const std::size_t len = core_->next_answer({rte_pktmbuf_mtod(m, std::uint8_t*), rte_pktmbuf_tailroom(m)});
            if (len == 0) {
                rte_pktmbuf_free(m);
                break;
            }
            m->data_len = static_cast<std::uint16_t>(len);
            m->pkt_len = static_cast<std::uint32_t>(len);
            out[n++] = m;
        }
        if (n == 0) return;
        const std::uint16_t sent = rte_eth_tx_burst(c_.port, c_.tx_queue, out, n);
        if (sent < n) rte_pktmbuf_free_bulk(out + sent, n - sent);
        add(counters_.replies, sent);
        add(counters_.replies_dropped, n - sent);
        if (n < burst_size) return;
    }
}

bool RxEngine::poll() noexcept {
    rte_mbuf* burst[burst_size];
    const std::uint16_t n = rte_eth_rx_burst(c_.port, c_.queue, burst, burst_size);
    if (n == 0) {
        if (c_.reply_pool != nullptr) answer(c_.clock.ns(rte_rdtsc()) / 1000000);
        return false;
    }
    const std::uint64_t now_ns = c_.clock.ns(rte_rdtsc());
    std::uint64_t bytes = 0;
    rte_mbuf* back[burst_size];
    std::uint16_t nb = 0;
    for (std::uint16_t i = 0; i < n; ++i) {
        rte_mbuf* m = burst[i];
        if (i + 1 < n) rte_prefetch0(rte_pktmbuf_mtod(burst[i + 1], void*));
        const sink::RxMeta meta{
            now_ns,
            nic_flag(m->ol_flags, RTE_MBUF_F_RX_IP_CKSUM_MASK, RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_BAD),
            nic_flag(m->ol_flags, RTE_MBUF_F_RX_L4_CKSUM_MASK, RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_BAD)};
        std::span<const std::uint8_t> frame;
        if (m->nb_segs == 1) {
            frame = {rte_pktmbuf_mtod(m, const std::uint8_t*), m->data_len};
        } else {
            const std::uint32_t len = std::min<std::uint32_t>(m->pkt_len, static_cast<std::uint32_t>(scratch_.size()));
            const void* p = rte_pktmbuf_read(m, 0, len, scratch_.data());
            frame = {static_cast<const std::uint8_t*>(p), len};
        }
        proto::FrameShape shape;
        const bool stateless = core_->process(frame, meta, c_.reflect ? &shape : nullptr);
        bytes += m->pkt_len + 4ull;
        if (c_.reflect && stateless && m->nb_segs == 1 &&
            proto::reflect_in_place({rte_pktmbuf_mtod(m, std::uint8_t*), m->data_len}, shape)) {
            m->ol_flags = 0;  // nothing for the port to finish: the checksums hold
            back[nb++] = m;
            burst[i] = nullptr;
        }
    }
    core_->publish();
    rte_pktmbuf_free_bulk(burst, n);
    if (nb > 0) {
        const std::uint16_t sent = rte_eth_tx_burst(c_.port, c_.tx_queue, back, nb);
        if (sent < nb) rte_pktmbuf_free_bulk(back + sent, nb - sent);
        add(counters_.reflected, sent);
        add(counters_.reflect_dropped, nb - sent);
    }
    add(counters_.packets, n);
    add(counters_.bytes, bytes);
    if (c_.reply_pool != nullptr) answer(now_ns / 1000000);
    return true;
}

int RxEngine::run() noexcept {
    while (!c_.stop->load(std::memory_order_relaxed)) {
        if (!poll()) rte_pause();
    }
    return 0;
}

int PairedEngines::run() noexcept {
    tx_.run_beside([this] { (void)rx_.poll(); });
    return rx_.run();
}


}  // namespace tg::dataplane
