#include "session_control.hpp"

#include <rte_cycles.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "proto/parse.hpp"

namespace tg::app {

std::uint64_t steady_ms() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

bool offer_presence(traffic::HostPresence& presence, std::span<const std::uint8_t> frame, std::uint64_t now_ms) {
    if (!traffic::wants_presence(frame)) return false;
    const proto::ParseResult r = proto::parse_frame(frame);
    if (!r.status.ok()) return false;
    return presence.offer(r.view, now_ms);
}

void poll_presence(dataplane::ControlPath& path, traffic::HostPresence& presence) {
    const std::uint64_t now = steady_ms();
    path.receive([&](std::span<const std::uint8_t> frame) { (void)offer_presence(presence, frame, now); });
    presence.tick(now);
    path.send([&](std::span<std::uint8_t> out) { return presence.next_frame(out); });
}

SessionControl::SessionControl(std::unique_ptr<traffic::SessionClients> clients, bool carries_data,
                               dataplane::ControlPath& path, traffic::HostPresence* presence,
                               const dataplane::Clock& clock)
    : clients_(std::move(clients)), carries_data_(carries_data), clock_(clock), path_(path), presence_(presence) {}

void SessionControl::receive_all() {
    const std::uint64_t now = steady_ms();
    const std::uint64_t now_ns = clock_.ns(rte_rdtsc());
    path_.receive([&](std::span<const std::uint8_t> frame) {
        if (presence_ != nullptr && offer_presence(*presence_, frame, now)) return;
        clients_->offer(frame, now, now_ns);
    });
}

void SessionControl::send_via_ring() {
    // The presence first: a peer waiting for an ARP answer holds every session's frames.
    if (presence_ != nullptr) {
        presence_->tick(steady_ms());
        path_.send([&](std::span<std::uint8_t> out) { return presence_->next_frame(out); });
    }
    path_.send([&](std::span<std::uint8_t> out) { return clients_->next_frame(out); });
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

void SessionControl::start_data(std::uint64_t count, const traffic::PacingSpec& pacing) {
    data_on_ = carries_data_;
    data_count_ = count;
    pacer_.emplace(pacing, clock_.tsc_hz, rte_rdtsc());
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
    // No more than the ring to engine 0 can take before the next round, and than is due.
    budget = std::min<std::uint64_t>(budget, path_.room());
    const std::uint32_t due = pacer_->due(tsc, static_cast<std::uint32_t>(std::min<std::uint64_t>(budget, 1u << 20)));
    if (due == 0) return;
    // What the windows did not take stays due, as what a port does not take does.
    pacer_->sent(static_cast<std::uint32_t>(clients_->fill(steady_ms(), clock_.ns(tsc), due)));
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
    path_.flush(200);
}

double SessionControl::data_seconds() const {
    const std::uint64_t end_ms = data_acked_ms_ != 0 ? data_acked_ms_ : steady_ms();
    return data_started_ms_ == 0 ? 0 : double(end_ms - data_started_ms_) / 1000;
}

}  // namespace tg::app
