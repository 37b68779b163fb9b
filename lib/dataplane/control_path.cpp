#include "dataplane/control_path.hpp"

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "dataplane/dataplane_error.hpp"

namespace tg::dataplane {

namespace {

constexpr std::uint16_t burst = 32;
constexpr unsigned outbound_slots = 1024;
constexpr int max_bursts_per_receive = 16;

}  // namespace

ControlPath::ControlPath(std::uint16_t port, std::uint16_t queue, rte_mempool* pool)
    : port_(port), queue_(queue), pool_(pool) {
    const std::string name = "tg_ctl" + std::to_string(::getpid());
    outbound_ = rte_ring_create(name.c_str(), outbound_slots, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    inbound_ = rte_ring_create((name + "i").c_str(), 4096, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (outbound_ == nullptr || inbound_ == nullptr) {
        rte_ring_free(outbound_);
        rte_ring_free(inbound_);
        throw DataplaneError("cannot make the rings for the control frames");
    }
}

ControlPath::~ControlPath() {
    for (rte_ring* r : {outbound_, inbound_}) {
        rte_mbuf* m = nullptr;
        while (rte_ring_sc_dequeue(r, reinterpret_cast<void**>(&m)) == 0) rte_pktmbuf_free(m);
        rte_ring_free(r);
    }
}

void ControlPath::receive(const std::function<void(std::span<const std::uint8_t>)>& take) {
    rte_mbuf* in[burst];
    // A bounded round: a port that always has frames (net_null, a flood) cannot hold this
    // thread; the rest waits for the next round.
    for (int round = 0; round < max_bursts_per_receive; ++round) {
        std::uint16_t n = 0;
        if (through_rings_) {
            n = static_cast<std::uint16_t>(rte_ring_sc_dequeue_burst(inbound_, reinterpret_cast<void**>(in), burst, nullptr));
        } else {
            n = rte_eth_rx_burst(port_, queue_, in, burst);
            direct_received_ += n;
        }
        for (std::uint16_t i = 0; i < n; ++i) {
            if (in[i]->nb_segs == 1) take({rte_pktmbuf_mtod(in[i], const std::uint8_t*), in[i]->data_len});
        }
        if (n > 0) rte_pktmbuf_free_bulk(in, n);
        if (n < burst) return;
    }
}

std::size_t ControlPath::room() const noexcept {
    return through_rings_ ? rte_ring_free_count(outbound_) : burst;
}

std::size_t ControlPath::send(const std::function<std::size_t(std::span<std::uint8_t>)>& produce) {
    std::size_t n = 0;
    // What there is no room for stays with its producer for the next round.
    while (room() > 0) {
        rte_mbuf* m = rte_pktmbuf_alloc(pool_);
        if (m == nullptr) {
            ++dropped_;
            return n;
        }
        const std::size_t len = produce({rte_pktmbuf_mtod(m, std::uint8_t*), rte_pktmbuf_tailroom(m)});
        if (len == 0) {
            rte_pktmbuf_free(m);
            return n;
        }
        m->data_len = static_cast<std::uint16_t>(len);
        m->pkt_len = static_cast<std::uint32_t>(len);
        const bool taken = through_rings_ ? rte_ring_sp_enqueue(outbound_, m) == 0 : rte_eth_tx_burst(port_, queue_, &m, 1) == 1;
        if (!taken) {
            rte_pktmbuf_free(m);
            ++dropped_;
            return n;
        }
        ++n;
        if (through_rings_) ++sent_;
        else ++direct_sent_;
    }
    return n;
}

void ControlPath::flush(std::uint64_t ms) const {
    if (!through_rings_) return;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!rte_ring_empty(outbound_) && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

}  // namespace tg::dataplane
