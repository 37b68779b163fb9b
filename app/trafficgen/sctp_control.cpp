#include "sctp_control.hpp"

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
                         std::uint16_t port, rte_mempool* pool)
    : clients_(flows, streams, l2, generator_timers(), std::random_device{}(), now_ms()),
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
static void drain(traffic::SctpClientSet& clients, rte_mempool* pool, std::uint64_t& dropped, Out out) {
    for (;;) {
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
    drain(clients_, pool_, dropped_, [&](rte_mbuf* m) {
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

void SctpControl::poll() {
    receive_all();
    clients_.tick(now_ms());
    send_via_ring();
}

void SctpControl::close(const std::atomic<int>& stop) {
    // The peers' delayed SACKs for the last DATA, then a graceful end.
    const std::uint64_t sack_wait = now_ms() + 300;
    while (now_ms() < sack_wait) {
        receive_all();
        clients_.tick(now_ms());
        send_via_ring();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    clients_.shutdown(now_ms());
    const std::uint64_t deadline = now_ms() + 5000;
    while (!clients_.all_closed() && now_ms() < deadline && stop.load() < 2) {
        clients_.tick(now_ms());
        send_via_ring();
        receive_all();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // The last SHUTDOWN COMPLETEs are queued as their associations close: out they go,
    // and engine 0 gets a moment to put them on the wire before it stops.
    send_via_ring();
    const std::uint64_t drained = now_ms() + 200;
    while (!rte_ring_empty(ring_) && now_ms() < drained) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

nlohmann::json SctpControl::report() const {
    const traffic::SctpClientSummary s = clients_.summary();
    return {{"requested", s.requested},
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
}

}  // namespace tg::app
