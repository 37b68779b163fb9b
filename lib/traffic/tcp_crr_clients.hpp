// TCP_CRR: a fresh TCP connection for every transaction, as netperf's TCP_CRR. Each of
// the N slots (one per flow) connects, sends its request once the handshake is done,
// reads the whole response, closes with a FIN, and connects again from the next source
// port of its own share of the --src-port range, so that a port comes back only long
// after its last connection ended. A transaction runs from the SYN to the last response
// byte; each handshake's time goes into the set-up histogram, and the set-up rate is the
// connections established per second.
//
// Connections that reached TIME-WAIT leave the set the control loop walks: they wait
// in a queue in the order they came (TIME-WAIT lasts the same for all), still answering
// a FIN the peer sends again, and a port they hold is taken over as Linux's tcp_tw_reuse
// does. A port still closing is skipped for the next one.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "proto/build.hpp"
#include "proto/tcp_connection.hpp"
#include "traffic/flows.hpp"
#include "traffic/session_clients.hpp"
#include "traffic/setup_times.hpp"
#include "traffic/tcp_clients.hpp"
#include "traffic/transactions.hpp"

namespace tg::traffic {

struct TcpCrrSummary {
    TcpClientSummary connections;  // over every connection opened; `requested` is the slots
    std::uint64_t opened = 0;      // connections started (SYNs sent first)
    std::uint64_t tw_reused = 0;   // ports taken over from a connection in TIME-WAIT
    std::uint64_t ports_busy = 0;  // times a slot found no free port and waited
    std::uint32_t ports_per_slot = 0;
};

class TcpCrrClientSet final : public SessionClients {
public:
    // Throws ConfigError when `source_ports` has fewer ports than there are slots.
    static void check_ports(const FlowSet& flows, const PortRange& source_ports);
    // Slot i takes the flow's addresses and destination port, and source ports from the
    // i-th of `flows.size()` equal shares of `source_ports`. The first connection of each
    // slot is opened here (each run's first transactions).
    TcpCrrClientSet(const FlowSet& flows, const PortRange& source_ports, const proto::L2Spec& l2,
                    const proto::TcpTimers& timers, const TcpSending& sending, std::uint64_t seed,
                    std::uint64_t now_ms, std::uint64_t now_ns);

    void offer(std::span<const std::uint8_t> frame, std::uint64_t now_ms, std::uint64_t now_ns) override;
    void tick(std::uint64_t now_ms) override;
    std::size_t next_frame(std::span<std::uint8_t> out) override;
    // Opens a connection on each idle slot, at most `budget`: each is one transaction.
    std::uint64_t fill(std::uint64_t now_ms, std::uint64_t now_ns, std::uint64_t budget) override;
    [[nodiscard]] std::uint64_t filled() const noexcept override { return rr_.totals().started; }
    // No transaction in flight.
    [[nodiscard]] bool all_acknowledged() const noexcept override { return rr_.totals().outstanding == 0; }
    // Each slot's first connection came up or failed.
    [[nodiscard]] bool settled() const noexcept override;
    [[nodiscard]] bool ready() const noexcept override;
    [[nodiscard]] bool any_established() const noexcept override;
    // After shutdown(): every connection ended or waits in TIME-WAIT.
    [[nodiscard]] bool all_closed() const noexcept override;
    void shutdown(std::uint64_t now_ms) override;
    void abort_open(std::uint64_t now_ms) override;
    [[nodiscard]] std::size_t size() const noexcept override { return slots_.size(); }
    [[nodiscard]] bool closed_loop() const noexcept override { return true; }
    [[nodiscard]] std::string verdict() const override;
    [[nodiscard]] const Transactions* transactions() const noexcept override { return &rr_; }

    [[nodiscard]] TcpCrrSummary summary() const;
    // Each handshake, SYN to ESTABLISHED, on the generator's clock.
    [[nodiscard]] const stats::LatencyHistogram& connect_latency() const noexcept { return setup_.latency(); }
    // Requests sent on a slot (the sink numbers them as one flow).
    [[nodiscard]] std::uint32_t sent_on(std::uint32_t slot) const noexcept {
        return slot < requests_.size() ? requests_[slot] : 0;
    }
    // Connections held now: walked by the control loop, and waiting in TIME-WAIT.
    [[nodiscard]] std::size_t active() const noexcept { return active_.size(); }
    [[nodiscard]] std::size_t in_time_wait() const noexcept { return live_.size() - active_.size(); }

private:
    // Our port, theirs, our address, theirs.
    using Key = std::tuple<std::uint16_t, std::uint16_t, std::array<std::uint8_t, 16>, std::array<std::uint8_t, 16>>;
    static constexpr std::size_t none = ~std::size_t{0};
    struct Live {
        proto::TcpConnection connection;
        std::uint64_t id = 0;
        std::uint32_t slot = 0;
        std::uint64_t syn_ns = 0;
        bool current = false;       // carries its slot's transaction
        bool request_sent = false;
        std::size_t active_at = none;  // index in active_, or none (TIME-WAIT)
    };
    struct Slot {
        FlowTuple tuple;
        std::uint32_t first_port = 0;
        std::uint32_t next = 0;  // ports used so far
        Live* current = nullptr;
        bool ever_up = false;
        bool first_done = false;  // its first connection came up or failed
    };
    using LiveMap = std::map<Key, Live>;

    bool open(std::uint32_t slot, std::uint64_t now_ms, std::uint64_t now_ns);
    void send_request(Live& l, std::uint64_t now_ms, std::uint64_t now_ns);
    // After a segment or a timer: the handshake, the response, a failure.
    void follow(Live& l, std::uint64_t now_ms, std::uint64_t now_ns);
    void to_time_wait(LiveMap::iterator it);
    void forget(LiveMap::iterator it);
    void activate(LiveMap::iterator it);
    void deactivate(Live& l);
    static void fold(TcpClientSummary& s, const proto::TcpConnection& c);

    proto::L2Spec l2_;
    proto::TcpTimers timers_;
    TcpSending sending_;
    std::uint32_t ports_per_slot_ = 1;
    std::mt19937_64 random_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> requests_;  // per slot
    LiveMap live_;
    std::vector<LiveMap::iterator> active_;
    std::deque<std::tuple<std::uint64_t, std::uint64_t, Key>> time_wait_;  // expiry ms, id, key
    Transactions rr_;
    SetupRecorder setup_;
    TcpClientSummary ended_;  // folded from the connections forgotten
    std::vector<std::uint8_t> payload_;
    std::uint64_t next_id_ = 0;
    std::uint64_t opened_ = 0, tw_reused_ = 0, ports_busy_ = 0;
    std::uint64_t last_ns_ = 0;  // the ns clock at the last frame or fill, for what tick() sends
    std::size_t cursor_ = 0, fill_cursor_ = 0;
    std::uint64_t started_ms_ = 0, last_established_ms_ = 0;
    bool shut_ = false;
};

}  // namespace tg::traffic
