// The generator's real sessions (SCTP associations with --associations N, TCP connections
// with --connections N), driven from the control thread: the handshakes before the data,
// the peers' acknowledgements during it (in closed loop, the data itself), the SHUTDOWNs
// or FINs after it. Their frames go through the ControlPath (engine 0's rings), beside
// the host's presence (ARP, neighbour discovery, echo), which is served first; engine 0
// holds its data back while the sessions are set up.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "dataplane/clock.hpp"
#include "dataplane/control_path.hpp"
#include "traffic/pacer.hpp"
#include "traffic/presence.hpp"
#include "traffic/session_clients.hpp"

namespace tg::app {

// The steady clock in milliseconds: the sessions' time.
[[nodiscard]] std::uint64_t steady_ms();

// Hands `frame` to the host's presence if it is ARP, neighbour discovery or echo; true when taken.
bool offer_presence(traffic::HostPresence& presence, std::span<const std::uint8_t> frame, std::uint64_t now_ms);

class SessionControl {
public:
    // `carries_data`: this thread hands the sessions their data (closed loop; TCP always).
    SessionControl(std::unique_ptr<traffic::SessionClients> clients, bool carries_data, dataplane::ControlPath& path,
                   traffic::HostPresence* presence, const dataplane::Clock& clock);
    SessionControl(const SessionControl&) = delete;
    SessionControl& operator=(const SessionControl&) = delete;

    // Sets every session up; true when all are up with all they asked for. Gives up
    // after `timeout_s`, or when `stop` is set.
    bool establish(const std::atomic<int>& stop, double timeout_s);
    [[nodiscard]] bool any_established() const noexcept { return clients_->any_established(); }
    // Closed loop: from now on poll() hands the sessions data, `count` messages in all
    // (0: no end), no faster than `pacing` lets them go (the engines' own pacer; its pps 0:
    // as fast as the windows allow).
    void start_data(std::uint64_t count, const traffic::PacingSpec& pacing);
    // Closed loop: no more DATA from here on.
    void stop_data() noexcept { data_on_ = false; }
    // Closed loop: all `count` messages handed out and acknowledged.
    [[nodiscard]] bool data_done() const noexcept;
    [[nodiscard]] bool carries_data() const noexcept { return carries_data_; }
    [[nodiscard]] const traffic::SessionClients& clients() const noexcept { return *clients_; }
    // While the engines run: what arrived on queue 0, and the answers, through the ring.
    void poll();
    // After the data, engines still running (held): the last acknowledgements, then
    // SHUTDOWN or FIN. `stop` is set when a signal ended the run (the waits are short),
    // `signals` counts them (a second one aborts what is still open at once).
    void close(const std::atomic<int>& stop, const std::atomic<int>& signals);

    [[nodiscard]] std::string verdict() const { return clients_->verdict(); }
    // Frames handed to engine 0, and those dropped for want of an mbuf or ring room.
    [[nodiscard]] std::uint64_t frames_sent() const noexcept { return path_.sent(); }
    [[nodiscard]] std::uint64_t frames_dropped() const noexcept { return path_.dropped(); }
    // Closed loop: from start_data() to the last acknowledgement (or now), in seconds.
    [[nodiscard]] double data_seconds() const;
    // Open loop: the engines carry the sessions' data from now on (for the report's times).
    void engines_carry_data() { data_started_ms_ = steady_ms(); }
    // When the data began (start_data() or engines_carry_data()), on the sessions' clock (0: not yet).
    [[nodiscard]] std::uint64_t data_started_ms() const noexcept { return data_started_ms_; }

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
    std::optional<traffic::Pacer> pacer_;  // from start_data()
    std::uint64_t data_started_ms_ = 0, data_acked_ms_ = 0;  // the data phase, for goodput
    dataplane::ControlPath& path_;
    traffic::HostPresence* presence_;
};

// The host's presence on the control path: what arrived (ARP, neighbour discovery, echo
// to the presence; the rest dropped), its timers, its answers out. For runs with no
// sessions; SessionControl does the same beside its sessions.
void poll_presence(dataplane::ControlPath& path, traffic::HostPresence& presence);
// Offers one received frame to the presence; true when it took it.
bool offer_presence(traffic::HostPresence& presence, std::span<const std::uint8_t> frame, std::uint64_t now_ms);

}  // namespace tg::app
