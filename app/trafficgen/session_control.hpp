// The generator's real sessions (SCTP associations with --associations N, TCP connections
// with --connections N), driven from the control thread: the handshakes before the data,
// the peers' acknowledgements during it (in closed loop, the data itself), the SHUTDOWNs
// or FINs after it. Engine 0 alone uses queue 0 (af_xdp loses frames when a second
// thread sends or receives on a queue pair): it sends what this hands it through one ring,
// hands over what it receives through another, and holds its data back while the
// associations are set up.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/engines.hpp"
#include "traffic/session_clients.hpp"

struct rte_mempool;
struct rte_ring;

namespace tg::app {

// The steady clock in milliseconds: the sessions' time.
[[nodiscard]] std::uint64_t steady_ms();

class SessionControl {
public:
    // `carries_data`: this thread hands the sessions their data (closed loop; TCP always).
    SessionControl(std::unique_ptr<traffic::SessionClients> clients, bool carries_data, std::uint16_t port,
                   rte_mempool* pool, const dataplane::Clock& clock);
    ~SessionControl();
    SessionControl(const SessionControl&) = delete;
    SessionControl& operator=(const SessionControl&) = delete;

    // Sets every session up; true when all are up with all they asked for. Gives up
    // after `timeout_s`, or when `stop` is set.
    bool establish(const std::atomic<int>& stop, double timeout_s);
    [[nodiscard]] bool any_established() const noexcept { return clients_->any_established(); }
    // Closed loop: from now on poll() hands the sessions data, `count` messages in all
    // (0: no end) at `pps` at most (0: as fast as the windows allow).
    void start_data(std::uint64_t count, double pps);
    // Closed loop: no more DATA from here on.
    void stop_data() noexcept { data_on_ = false; }
    // Closed loop: all `count` messages handed out and acknowledged.
    [[nodiscard]] bool data_done() const noexcept;
    [[nodiscard]] bool carries_data() const noexcept { return carries_data_; }
    [[nodiscard]] const traffic::SessionClients& clients() const noexcept { return *clients_; }
    // The ring engine 0 drains onto the port while the engines run.
    [[nodiscard]] rte_ring* ring() const noexcept { return ring_; }
    // The ring engine 0 puts what it receives on queue 0 into.
    [[nodiscard]] rte_ring* inbound() const noexcept { return inbound_; }
    // While the engines run: what arrived on queue 0, and the answers, through the ring.
    void poll();
    // After the data, engines still running (held): the last acknowledgements, then
    // SHUTDOWN or FIN. `stop` is set when a signal ended the run (the waits are short),
    // `signals` counts them (a second one aborts what is still open at once).
    void close(const std::atomic<int>& stop, const std::atomic<int>& signals);

    [[nodiscard]] std::string verdict() const { return clients_->verdict(); }
    // Frames handed to engine 0, and those dropped for want of an mbuf or ring room.
    [[nodiscard]] std::uint64_t frames_sent() const noexcept { return sent_; }
    [[nodiscard]] std::uint64_t frames_dropped() const noexcept { return dropped_; }
    // Closed loop: from start_data() to the last acknowledgement (or now), in seconds.
    [[nodiscard]] double data_seconds() const;

private:
    void receive_all();
    void send_via_ring();

    void fill();
    void note_acked();

    std::unique_ptr<traffic::SessionClients> clients_;
    bool carries_data_;
    dataplane::Clock clock_;
    bool data_on_ = false;
    std::uint64_t data_count_ = 0;
    double data_pps_ = 0;
    std::uint64_t data_started_tsc_ = 0;
    std::uint64_t data_started_ms_ = 0, data_acked_ms_ = 0;  // the data phase, for goodput
    std::uint16_t port_;
    rte_mempool* pool_;
    rte_ring* ring_ = nullptr;
    rte_ring* inbound_ = nullptr;
    std::uint64_t sent_ = 0, dropped_ = 0;
};

}  // namespace tg::app
