#include "dataplane/mempools.hpp"

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>
#include <cstring>

#include "dataplane/dataplane_error.hpp"

namespace tg::dataplane {

namespace {

constexpr unsigned cache_size = 256;

rte_mempool* create(const std::string& name, std::uint32_t mbufs, std::uint32_t data_room) {
    const auto room = static_cast<std::uint16_t>(std::min<std::uint32_t>(data_room + RTE_PKTMBUF_HEADROOM, 65535));
    rte_mempool* p = rte_pktmbuf_pool_create(name.c_str(), mbufs, cache_size, 0, room, static_cast<int>(rte_socket_id()));
    if (p == nullptr) {
        throw DataplaneError("cannot allocate " + std::to_string(mbufs) + " packet buffers of " + std::to_string(room) +
                             " bytes (" + rte_strerror(rte_errno) +
                             "): give DPDK more memory (--eal='-m 1024') or use smaller frames");
    }
    return p;
}

void fill(rte_mempool*, void* opaque, void* obj, unsigned) {
    const auto* t = static_cast<const traffic::FrameTemplate*>(opaque);
    auto* m = static_cast<rte_mbuf*>(obj);
    std::memcpy(rte_pktmbuf_mtod(m, void*), t->bytes().data(), t->bytes().size());
}

}  // namespace

Mempool::Mempool(const std::string& name, std::uint32_t mbufs, std::uint32_t data_room)
    : pool_(create(name, mbufs, data_room)) {}

Mempool::Mempool(const std::string& name, std::uint32_t mbufs, const traffic::FrameTemplate& tmpl)
    : pool_(create(name, mbufs, static_cast<std::uint32_t>(tmpl.bytes().size()))) {
    rte_mempool_obj_iter(pool_, fill, const_cast<traffic::FrameTemplate*>(&tmpl));
}

Mempool::~Mempool() { rte_mempool_free(pool_); }

std::uint32_t pool_size(std::uint32_t ring_descriptors, std::uint32_t queues, std::uint32_t lcores) {
    const std::uint32_t need = ring_descriptors * queues + lcores * (cache_size + 64) + 1024;
    // A power of two minus one is the size the underlying ring uses best.
    std::uint32_t n = 1;
    while (n < need + 1) n <<= 1;
    return n - 1;
}

}  // namespace tg::dataplane
