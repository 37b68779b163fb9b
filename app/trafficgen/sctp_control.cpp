#include "sctp_control.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "dataplane/dataplane_error.hpp"

namespace tg::app {

namespace {

std::uint64_t now_ms() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

proto::SctpTimers generator_timers() {
    proto::SctpTimers t;
    // RFC 9260's RTO.Initial of 1 s, but 4 INIT retransmissions, not 8: 31 s at most
    // before a run says the path does not carry SCTP.
    t.max_init_retransmits = 4;
    return t;
}

constexpr std::uint16_t burst = 32;

}  // namespace

SctpControl::SctpControl(const traffic::FlowSet& flows, std::uint16_t streams, const proto::L2Spec& l2,
                         const traffic::SctpSending& sending, std::uint16_t port, rte_mempool* pool,
                         const dataplane::Clock& clock)
    : clients_(flows, streams, l2, generator_timers(), sending, std::random_device{}(), now_ms()),
      sending_(sending),
      clock_(clock),
      streams_(streams),
      port_(port),
      pool_(pool) {
    const std::string name = "tg_ctl" + std::to_string(::getpid());
    ring_ = rte_ring_create(name.c_str(), 1024, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    inbound_ = rte_ring_create((name + "i").c_str(), 4096, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (ring_ == nullptr || inbound_ == nullptr) throw dataplane::DataplaneError("cannot make the rings for SCTP control frames");
}

SctpControl::~SctpControl() {
    for (rte_ring* r : {ring_, inbound_}) {
        if (r == nullptr) continue;
        rte_mbuf* m = nullptr;
        while (rte_ring_sc_dequeue(r, reinterpret_cast<void**>(&m)) == 0) rte_pktmbuf_free(m);
        rte_ring_free(r);
    }
}

void SctpControl::receive_all() {
    rte_mbuf* in[burst];
    for (;;) {
        const auto n = static_cast<std::uint16_t>(rte_ring_sc_dequeue_burst(inbound_, reinterpret_cast<void**>(in), burst, nullptr));
        const std::uint64_t now = now_ms();
        for (std::uint16_t i = 0; i < n; ++i) {
            if (in[i]->nb_segs == 1) clients_.offer({rte_pktmbuf_mtod(in[i], const std::uint8_t*), in[i]->data_len}, now);
        }
        if (n > 0) rte_pktmbuf_free_bulk(in, n);
        if (n < burst) return;
    }
}

// Builds the queued answers into mbufs; `out` decides where they go.
template <typename Out>
static void drain(traffic::SctpClientSet& clients, rte_mempool* pool, rte_ring* ring, std::uint64_t& dropped, Out out) {
    // What the ring has no room for stays queued in its association for the next round.
    while (rte_ring_free_count(ring) > 0) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool);
        if (m == nullptr) {
            ++dropped;
            return;
        }
        const std::size_t len = clients.next_frame({rte_pktmbuf_mtod(m, std::uint8_t*), rte_pktmbuf_tailroom(m)});
        if (len == 0) {
            rte_pktmbuf_free(m);
            return;
        }
        m->data_len = static_cast<std::uint16_t>(len);
        m->pkt_len = static_cast<std::uint32_t>(len);
        out(m);
    }
}

void SctpControl::send_via_ring() {
    drain(clients_, pool_, ring_, dropped_, [&](rte_mbuf* m) {
        if (rte_ring_sp_enqueue(ring_, m) == 0) {
            ++sent_;
        } else {
            rte_pktmbuf_free(m);
            ++dropped_;
        }
    });
}

bool SctpControl::establish(const std::atomic<int>& stop, double timeout_s) {
    const std::uint64_t deadline = now_ms() + static_cast<std::uint64_t>(timeout_s * 1000);
    while (!clients_.settled() && stop.load() == 0 && now_ms() < deadline) {
        clients_.tick(now_ms());
        send_via_ring();
        receive_all();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    send_via_ring();  // COOKIE ECHO answers and the like still queued
    if (!clients_.all_established()) return false;
    for (std::size_t f = 0; f < clients_.size(); ++f) {
        if (clients_.of_flow(static_cast<std::uint32_t>(f)).outbound_streams() < streams_) return false;
    }
    return true;
}

void SctpControl::bind(std::vector<std::unique_ptr<dataplane::TxEngine>>& tx) {
    for (std::size_t f = 0; f < clients_.size(); ++f) {
        const proto::SctpAssociation& a = clients_.of_flow(static_cast<std::uint32_t>(f));
        for (auto& e : tx) {
            if (e->bind_sctp(static_cast<std::uint32_t>(f), a.peer_tag(), a.next_tsn())) break;
        }
    }
    clients_.data_sent_elsewhere();
}

void SctpControl::start_data(std::uint64_t count, double pps) {
    data_on_ = sending_.closed_loop;
    data_count_ = count;
    data_pps_ = pps;
    data_started_tsc_ = rte_rdtsc();
    data_started_ms_ = now_ms();
}

bool SctpControl::data_done() const noexcept {
    // Every association that was up has ended (the peer went away): nothing more can go.
    if (clients_.all_closed()) return true;
    return data_count_ > 0 && clients_.chunks_filled() >= data_count_ && clients_.all_acknowledged();
}

void SctpControl::fill() {
    if (!data_on_) return;
    const std::uint64_t tsc = rte_rdtsc();
    std::uint64_t budget = data_count_ == 0 ? ~std::uint64_t{0} : data_count_ - clients_.chunks_filled();
    if (data_pps_ > 0) {
        const double due = data_pps_ * double(tsc - data_started_tsc_) / double(clock_.tsc_hz);
        const double owed = due - double(clients_.chunks_filled());
        budget = std::min<std::uint64_t>(budget, owed > 0 ? static_cast<std::uint64_t>(owed) : 0);
    }
    // No more than the ring to engine 0 can take before the next round.
    budget = std::min<std::uint64_t>(budget, rte_ring_free_count(ring_));
    if (budget > 0) clients_.fill(now_ms(), clock_.ns(tsc), budget);
}

void SctpControl::poll() {
    receive_all();
    clients_.tick(now_ms());
    fill();
    send_via_ring();
    note_acked();
}

void SctpControl::note_acked() {
    // The data phase ends when the last chunk handed out is acknowledged.
    if (data_started_ms_ != 0 && clients_.chunks_filled() > 0 && clients_.all_acknowledged() &&
        (!data_on_ || data_done())) {
        if (data_acked_ms_ == 0) data_acked_ms_ = now_ms();
    } else {
        data_acked_ms_ = 0;
    }
}

void SctpControl::close(const std::atomic<int>& stop) {
    data_on_ = false;
    // The peers' delayed SACKs for the last DATA, then a graceful end (closed loop: each
    // association sends SHUTDOWN once its last chunk is acknowledged).
    const std::uint64_t sack_wait = now_ms() + (sending_.closed_loop ? 0 : 300);
    while (now_ms() < sack_wait) {
        receive_all();
        clients_.tick(now_ms());
        send_via_ring();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    clients_.shutdown(now_ms());
    // Closed loop waits for the last acknowledgements first; a run stopped by a signal
    // waits only briefly. What is still open then is aborted.
    const std::uint64_t wait_ms = stop.load() != 0 ? 2000 : sending_.closed_loop ? 15000 : 5000;
    const std::uint64_t deadline = now_ms() + wait_ms;
    while (!clients_.all_closed() && now_ms() < deadline && stop.load() < 2) {
        clients_.tick(now_ms());
        send_via_ring();
        receive_all();
        note_acked();
        std::this_thread::sleep_for(std::chrono::microseconds(sending_.closed_loop ? 100 : 1000));
    }
    if (!clients_.all_closed()) clients_.abort_open(now_ms());
    // The last SHUTDOWN COMPLETEs (or ABORTs) are queued as their associations close: out they go,
    // and engine 0 gets a moment to put them on the wire before it stops.
    send_via_ring();
    const std::uint64_t drained = now_ms() + 200;
    while (!rte_ring_empty(ring_) && now_ms() < drained) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

nlohmann::json SctpControl::report() const {
    const traffic::SctpClientSummary s = clients_.summary();
    nlohmann::json json = {{"requested", s.requested},
            {"established", s.established},
            {"shut_down", s.shut_down},
            {"failed", s.failed},
            {"inits_sent", s.inits_sent},
            {"init_acks", s.init_acks},
            {"setup_ms", {{"min", s.setup_ms_min}, {"median", s.setup_ms_median}, {"p99", s.setup_ms_p99}, {"max", s.setup_ms_max}}},
            {"setup_rate_per_s", s.setup_rate_per_s},
            {"sacks_in", s.sacks_in},
            {"data_acked", s.data_acked},
            {"control_frames_sent", sent_},
            {"control_frames_dropped", dropped_},
            {"verdict", s.verdict}};
    if (sending_.closed_loop) {
        const auto& c = s.closed_loop;
        const std::uint64_t end_ms = data_acked_ms_ != 0 ? data_acked_ms_ : now_ms();
        const double seconds = data_started_ms_ == 0 ? 0 : double(end_ms - data_started_ms_) / 1000;
        json["closed_loop"] = {{"data_chunks_sent", c.chunks_sent},
                               {"data_bytes_sent", c.bytes_sent},
                               {"data_chunks_acked", c.chunks_acked},
                               {"data_bytes_acked", c.bytes_acked},
                               {"retransmitted_chunks", c.retransmitted_chunks},
                               {"fast_retransmits", c.fast_retransmits},
                               {"t3_expiries", c.t3_expiries},
                               {"cwnd_bytes", {{"min", c.cwnd_min}, {"max", c.cwnd_max}}},
                               {"srtt_ms_max", c.srtt_ms_max},
                               {"data_seconds", seconds},
                               {"goodput_bps", seconds > 0 ? double(c.bytes_acked) * 8 / seconds : 0.0},
                               {"stream_bytes_acked", c.stream_bytes_acked}};
    }
    return json;
}

}  // namespace tg::app

namespace tg::app {

void SctpControl::add_closed_loop_data(nlohmann::json& generator) const {
    const traffic::SctpClientSummary s = clients_.summary();
    const std::uint64_t frames = s.closed_loop.chunks_sent + s.closed_loop.retransmitted_chunks;
    generator["protocols"]["sctp"] = {{"packets", frames},
                                      {"first_transmissions", s.closed_loop.chunks_sent},
                                      {"retransmissions", s.closed_loop.retransmitted_chunks},
                                      {"bad_l4_checksum", 0}};
    nlohmann::json streams = nlohmann::json::array();
    for (std::uint32_t f = 0; f < clients_.size(); ++f) {
        for (std::uint16_t st = 0; st < streams_; ++st) {
            const std::uint32_t n = clients_.sent_on(f, st);
            if (n > 0) streams.push_back({{"protocol", "sctp"}, {"flow", f}, {"stream", st}, {"packets", n}});
        }
    }
    generator["streams"] = streams;
}

}  // namespace tg::app
