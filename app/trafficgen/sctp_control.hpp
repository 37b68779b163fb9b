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
    SctpControl(const traffic::FlowSet& flows, std::uint16_t streams, const proto::L2Spec& l2, std::uint16_t port,
                rte_mempool* pool);
    ~SctpControl();
    SctpControl(const SctpControl&) = delete;
    SctpControl& operator=(const SctpControl&) = delete;

    // Sets every association up; true when all are established with every stream asked
    // for. Gives up after `timeout_s`, or when `stop` is set.
    bool establish(const std::atomic<int>& stop, double timeout_s);
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
    [[nodiscard]] std::string verdict() const { return clients_.summary().verdict; }

private:
    void receive_all();
    void send_via_ring();

    traffic::SctpClientSet clients_;
    std::uint16_t streams_;
    std::uint16_t port_;
    rte_mempool* pool_;
    rte_ring* ring_ = nullptr;
    rte_ring* inbound_ = nullptr;
    std::uint64_t sent_ = 0, dropped_ = 0;
};

}  // namespace tg::app
