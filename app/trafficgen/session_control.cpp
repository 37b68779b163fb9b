#include "session_control.hpp"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "dataplane/dataplane_error.hpp"

namespace tg::app {

std::uint64_t steady_ms() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

namespace {

constexpr std::uint16_t burst = 32;

}  // namespace

SessionControl::SessionControl(std::unique_ptr<traffic::SessionClients> clients, bool carries_data, std::uint16_t port,
                               rte_mempool* pool, const dataplane::Clock& clock)
    : clients_(std::move(clients)), carries_data_(carries_data), clock_(clock), port_(port), pool_(pool) {
    const std::string name = "tg_ctl" + std::to_string(::getpid());
    ring_ = rte_ring_create(name.c_str(), 1024, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    inbound_ = rte_ring_create((name + "i").c_str(), 4096, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (ring_ == nullptr || inbound_ == nullptr) throw dataplane::DataplaneError("cannot make the rings for the sessions' control frames");
}

SessionControl::~SessionControl() {
    for (rte_ring* r : {ring_, inbound_}) {
        if (r == nullptr) continue;
        rte_mbuf* m = nullptr;
        while (rte_ring_sc_dequeue(r, reinterpret_cast<void**>(&m)) == 0) rte_pktmbuf_free(m);
        rte_ring_free(r);
    }
}

void SessionControl::receive_all() {
    rte_mbuf* in[burst];
    for (;;) {
        const auto n = static_cast<std::uint16_t>(rte_ring_sc_dequeue_burst(inbound_, reinterpret_cast<void**>(in), burst, nullptr));
        const std::uint64_t now = steady_ms();
        const std::uint64_t now_ns = clock_.ns(rte_rdtsc());
        for (std::uint16_t i = 0; i < n; ++i) {
            if (in[i]->nb_segs == 1) {
                clients_->offer({rte_pktmbuf_mtod(in[i], const std::uint8_t*), in[i]->data_len}, now, now_ns);
            }
        }
        if (n > 0) rte_pktmbuf_free_bulk(in, n);
        if (n < burst) return;
    }
}

// Builds the queued answers into mbufs; `out` decides where they go.
template <typename Out>
static void drain(traffic::SessionClients& clients, rte_mempool* pool, rte_ring* ring, std::uint64_t& dropped, Out out) {
    // What the ring has no room for stays queued in its session for the next round.
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

void SessionControl::send_via_ring() {
    drain(*clients_, pool_, ring_, dropped_, [&](rte_mbuf* m) {
        if (rte_ring_sp_enqueue(ring_, m) == 0) {
            ++sent_;
        } else {
            rte_pktmbuf_free(m);
            ++dropped_;
        }
    });
}

bool SessionControl::establish(const std::atomic<int>& stop, double timeout_s) {
    const std::uint64_t deadline = steady_ms() + static_cast<std::uint64_t>(timeout_s * 1000);
    while (!clients_->settled() && stop.load() == 0 && steady_ms() < deadline) {
        clients_->tick(steady_ms());
        send_via_ring();
        receive_all();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    send_via_ring();  // the last handshake answers still queued
    return clients_->ready();
}

void SessionControl::start_data(std::uint64_t count, double pps) {
    data_on_ = carries_data_;
    data_count_ = count;
    data_pps_ = pps;
    data_started_tsc_ = rte_rdtsc();
    data_started_ms_ = steady_ms();
}

bool SessionControl::data_done() const noexcept {
    // Every session that was up has ended (the peer went away): nothing more can go.
    if (clients_->all_closed()) return true;
    return data_count_ > 0 && clients_->filled() >= data_count_ && clients_->all_acknowledged();
}

void SessionControl::fill() {
    if (!data_on_) return;
    const std::uint64_t tsc = rte_rdtsc();
    std::uint64_t budget = data_count_ == 0 ? ~std::uint64_t{0} : data_count_ - clients_->filled();
    if (data_pps_ > 0) {
        const double due = data_pps_ * double(tsc - data_started_tsc_) / double(clock_.tsc_hz);
        const double owed = due - double(clients_->filled());
        budget = std::min<std::uint64_t>(budget, owed > 0 ? static_cast<std::uint64_t>(owed) : 0);
    }
    // No more than the ring to engine 0 can take before the next round.
    budget = std::min<std::uint64_t>(budget, rte_ring_free_count(ring_));
    if (budget > 0) clients_->fill(steady_ms(), clock_.ns(tsc), budget);
}

void SessionControl::poll() {
    receive_all();
    clients_->tick(steady_ms());
    fill();
    send_via_ring();
    note_acked();
}

void SessionControl::note_acked() {
    // The data phase ends when the last message handed out is acknowledged.
    if (data_started_ms_ != 0 && clients_->filled() > 0 && clients_->all_acknowledged() &&
        (!data_on_ || data_done())) {
        if (data_acked_ms_ == 0) data_acked_ms_ = steady_ms();
    } else {
        data_acked_ms_ = 0;
    }
}

void SessionControl::close(const std::atomic<int>& stop, const std::atomic<int>& signals) {
    data_on_ = false;
    // The peers' delayed acknowledgements of the last data, then a graceful end (closed
    // loop: each session sends SHUTDOWN or FIN once its data is out).
    const std::uint64_t sack_wait = steady_ms() + (carries_data_ ? 0 : 300);
    // Request/response: the requests in flight get their answers first (a peer's FIN
    // would cut a response short), for as long as a UDP request may wait, 2 s at least.
    if (const traffic::Transactions* t = clients_->transactions(); t != nullptr && stop.load() == 0) {
        const std::uint64_t answers_due =
            steady_ms() + std::max<std::uint64_t>(2000, t->spec().timeout_ns / 1000000 + 100);
        while (!clients_->all_acknowledged() && steady_ms() < answers_due && stop.load() == 0) {
            receive_all();
            clients_->tick(steady_ms());
            send_via_ring();
            std::this_thread::sleep_for(std::chrono::microseconds(10));
        }
    }
    while (steady_ms() < sack_wait) {
        receive_all();
        clients_->tick(steady_ms());
        send_via_ring();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    clients_->shutdown(steady_ms());
    // Closed loop waits for the last acknowledgements first (open loop cannot: what was
    // lost stays lost, and a TCP peer never takes a FIN beyond a hole); a run stopped by a signal
    // waits only briefly. What is still open then is aborted.
    const std::uint64_t wait_ms = stop.load() != 0 ? 2000 : clients_->closed_loop() ? 15000 : 5000;
    const std::uint64_t deadline = steady_ms() + wait_ms;
    while (!clients_->all_closed() && steady_ms() < deadline && signals.load() < 2) {
        clients_->tick(steady_ms());
        send_via_ring();
        receive_all();
        note_acked();
        std::this_thread::sleep_for(std::chrono::microseconds(carries_data_ ? 100 : 1000));
    }
    if (!clients_->all_closed()) clients_->abort_open(steady_ms());
    // The last SHUTDOWN COMPLETEs, ACKs (or ABORTs, RSTs) are queued as their sessions close: out they go,
    // and engine 0 gets a moment to put them on the wire before it stops.
    send_via_ring();
    const std::uint64_t drained = steady_ms() + 200;
    while (!rte_ring_empty(ring_) && steady_ms() < drained) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

double SessionControl::data_seconds() const {
    const std::uint64_t end_ms = data_acked_ms_ != 0 ? data_acked_ms_ : steady_ms();
    return data_started_ms_ == 0 ? 0 : double(end_ms - data_started_ms_) / 1000;
}

}  // namespace tg::app
