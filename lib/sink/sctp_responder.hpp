// The sink's side of real SCTP associations. SCTP frames that open or belong to an
// association go to an SctpServer (stateless until COOKIE ECHO; see proto/sctp_server.hpp),
// which answers INIT, COOKIE ECHO, HEARTBEAT and SHUTDOWN and acknowledges DATA with SACKs.
// Its answers come back as whole frames: MACs swapped and VLAN tags kept from what the
// peer sent. Stateless test traffic (DATA of no association) passes by untouched and
// unanswered. One per RX lcore, like the SinkCore that holds it.
#pragma once

#include <cstdint>
#include <span>

#include "proto/parse.hpp"
#include "proto/sctp_server.hpp"
#include "sink/way_back.hpp"

namespace tg::sink {

class SctpResponder {
public:
    SctpResponder(const proto::SctpServerConfig& config, std::uint64_t seed);

    // A frame that parsed as SCTP with a good checksum.
    // True when the server took it (it opens or belongs to an association); false for
    // stateless test traffic.
    bool offer(const proto::PacketView& v, std::uint64_t now_ms);
    void tick(std::uint64_t now_ms);
    [[nodiscard]] std::uint64_t next_timer_ms() const noexcept { return next_timer_ms_; }
    // The next answer as a frame in `out`; its length, or 0 when there is none.
    std::size_t next_frame(std::span<std::uint8_t> out);

    [[nodiscard]] const proto::SctpServer& server() const noexcept { return server_; }

private:
    proto::SctpServer server_;
    WayBack way_back_;
    std::uint64_t next_timer_ms_ = 0;
};

}  // namespace tg::sink
