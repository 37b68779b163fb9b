// The generator's real SCTP associations (--associations N), driven from the control
// thread: the handshakes before the data, the peers' SACKs and HEARTBEATs during it, the
// SHUTDOWNs after it. Engine 0 alone uses queue 0 (af_xdp loses frames when a second
// thread sends or receives on a queue pair): it sends what this hands it through one ring,
// hands over what it receives through another, and holds its data back while the
// associations are set up.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/engines.hpp"
#include "traffic/sctp_clients.hpp"

struct rte_mempool;
struct rte_ring;

namespace tg::app {

class SctpControl {
public:
    SctpControl(const traffic::FlowSet& flows, std::uint16_t streams, const proto::L2Spec& l2,
                const traffic::SctpSending& sending, std::uint16_t port, rte_mempool* pool, const dataplane::Clock& clock);
    ~SctpControl();
    SctpControl(const SctpControl&) = delete;
    SctpControl& operator=(const SctpControl&) = delete;

    // Sets every association up; true when all are established with every stream asked
    // for. Gives up after `timeout_s`, or when `stop` is set.
    bool establish(const std::atomic<int>& stop, double timeout_s);
    [[nodiscard]] bool any_established() const noexcept { return clients_.any_established(); }
    // Closed loop: from now on poll() hands the associations DATA, `count` chunks in all
    // (0: no end) at `pps` at most (0: as fast as the windows allow).
    void start_data(std::uint64_t count, double pps);
    // Closed loop: no more DATA from here on.
    void stop_data() noexcept { data_on_ = false; }
    // Closed loop: all `count` chunks handed out and acknowledged.
    [[nodiscard]] bool data_done() const noexcept;
    [[nodiscard]] bool closed_loop() const noexcept { return sending_.closed_loop; }
    // Gives each engine's flows their association's tag and first TSN.
    void bind(std::vector<std::unique_ptr<dataplane::TxEngine>>& tx);
    // The ring engine 0 drains onto the port while the engines run.
    [[nodiscard]] rte_ring* ring() const noexcept { return ring_; }
    // The ring engine 0 puts what it receives on queue 0 into.
    [[nodiscard]] rte_ring* inbound() const noexcept { return inbound_; }
    // While the engines run: what arrived on queue 0, and the answers, through the ring.
    void poll();
    // After the data, engines still running (held): the last SACKs, then SHUTDOWN.
    void close(const std::atomic<int>& stop);

    [[nodiscard]] nlohmann::json report() const;
    // Closed loop: the DATA the associations sent, into the generator's report (per
    // protocol and per flow and stream, as the data path's would be).
    void add_closed_loop_data(nlohmann::json& generator) const;
    [[nodiscard]] std::string verdict() const { return clients_.summary().verdict; }

private:
    void receive_all();
    void send_via_ring();

    void fill();
    void note_acked();

    traffic::SctpClientSet clients_;
    traffic::SctpSending sending_;
    dataplane::Clock clock_;
    bool data_on_ = false;
    std::uint64_t data_count_ = 0;
    double data_pps_ = 0;
    std::uint64_t data_started_tsc_ = 0;
    std::uint64_t data_started_ms_ = 0, data_acked_ms_ = 0;  // the data phase, for goodput
    std::uint16_t streams_;
    std::uint16_t port_;
    rte_mempool* pool_;
    rte_ring* ring_ = nullptr;
    rte_ring* inbound_ = nullptr;
    std::uint64_t sent_ = 0, dropped_ = 0;
};

}  // namespace tg::app
